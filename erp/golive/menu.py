from django.utils.translation import gettext_lazy as _

from erp.core.menu import MenuItem

MENU = [
    # Accounting's posting rules page (erp/accounting/views_setup.py), listed here so that
    # accounting's own menu file stays untouched by the go-live work.
    MenuItem(
        section="finance",
        label=_("Posting rules"),
        url_name="accounting:posting_rules",
        permission="accounting.view_postingrule",
        icon="signpost-split",
        order=41,
    ),
    MenuItem(
        section="finance",
        label=_("Expense categories"),
        url_name="accounting:expense_categories",
        permission="accounting.view_expensecategory",
        icon="tags",
        order=42,
    ),
    MenuItem(
        section="settings",
        label=_("Go-live cockpit"),
        url_name="golive:cockpit",
        permission="golive.view_cutover",
        icon="speedometer2",
        order=39,
    ),
    MenuItem(
        section="settings",
        label=_("Data import"),
        url_name="golive:import_hub",
        permission="masterdata.view_material",
        icon="upload",
        order=40,
    ),
    MenuItem(
        section="settings",
        label=_("Import log"),
        url_name="golive:log_list",
        permission="golive.view_importlog",
        icon="journal-arrow-up",
        order=41,
    ),
]
FIGURES: list = []

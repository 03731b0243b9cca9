from django.utils.translation import gettext_lazy as _

from erp.core.menu import MenuItem

MENU = [
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

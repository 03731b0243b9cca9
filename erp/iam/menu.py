from django.utils.translation import gettext_lazy as _

from erp.core.menu import MenuItem

# Personal pages (password, language, API tokens) live in the top bar's user menu.
MENU = [
    MenuItem(
        section="settings",
        label=_("Users"),
        url_name="iam:user_list",
        permission="iam.view_user",
        icon="people",
        order=10,
    ),
    MenuItem(
        section="settings",
        label=_("Departments"),
        url_name="iam:department_list",
        permission="iam.view_department",
        icon="diagram-2",
        order=13,
    ),
    MenuItem(
        section="settings",
        label=_("Roles"),
        url_name="iam:role_list",
        permission="iam.view_user",
        icon="person-badge",
        order=11,
    ),
    MenuItem(
        section="settings",
        label=_("Permission matrix"),
        url_name="iam:role_matrix",
        permission="iam.view_user",
        icon="grid-3x3",
        order=12,
    ),
]
FIGURES: list = []

from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem

MENU = [
    MenuItem(
        section="settings",
        label=_("System status"),
        url_name="ops:status",
        permission="ops.view_status",
        icon="heart-pulse",
        order=80,
    ),
    MenuItem(
        section="settings",
        label=_("Backup schedule"),
        url_name="ops:schedule",
        permission="ops.change_schedulesettings",
        icon="clock-history",
        order=81,
    ),
]
FIGURES: list[HomeFigure] = []

"""Print templates in the settings section of the sidebar."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import MenuItem

MENU = [
    MenuItem(
        section="settings",
        label=_("Print templates"),
        url_name="printing:template_list",
        permission="printing.view_printtemplate",
        icon="printer",
        order=40,
    ),
    MenuItem(
        section="settings",
        label=_("Print log"),
        url_name="printing:log",
        permission="printing.view_printlog",
        icon="journal-text",
        order=41,
    ),
]

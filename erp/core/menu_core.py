"""Core's own sidebar entries (collected by erp.core.menu like every app's menu.py)."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem, SearchEntry

MENU = [
    MenuItem(
        section="settings",
        label=_("Company settings"),
        url_name="core:company",
        permission="core.view_company",
        icon="building",
        order=10,
    ),
    MenuItem(
        section="settings",
        label=_("Numbering rules"),
        url_name="core_settings:numbering_list",
        permission="core.view_numberingrule",
        icon="123",
        order=30,
    ),
    MenuItem(
        section="settings",
        label=_("Audit log"),
        url_name="core_settings:audit_log",
        permission="core.view_auditevent",
        icon="journal-text",
        order=90,
    ),
]
FIGURES: list[HomeFigure] = []
SEARCH: list[SearchEntry] = []

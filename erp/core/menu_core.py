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
]
FIGURES: list[HomeFigure] = []
SEARCH: list[SearchEntry] = []

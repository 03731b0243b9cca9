"""Navigation and home-page figures, declared by each app.

An app lists its entries in `erp/<app>/menu.py`:

    MENU = [MenuItem(section="warehouse", label=_("Materials"), url_name="masterdata:material_list",
                     permission="masterdata.view_material", icon="box")]
    FIGURES = [HomeFigure(section="warehouse", label=_("Active materials"),
                          permission="masterdata.view_material", count=selectors.material_count)]

The shell shows only entries whose permission the user holds (deny by default).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Order and names of the sidebar sections (docs/ui.md).
SECTIONS = [
    ("sales", _("Sales"), "cart"),
    ("purchasing", _("Purchasing"), "bag"),
    ("warehouse", _("Warehouse"), "box-seam"),
    ("production", _("Production"), "gear"),
    ("quality", _("Quality"), "clipboard-check"),
    ("finance", _("Finance"), "cash-coin"),
    ("reports", _("Reports"), "bar-chart"),
    ("settings", _("Settings"), "sliders"),
]


@dataclass(frozen=True)
class MenuItem:
    section: str
    label: str
    url_name: str
    permission: str
    icon: str = "dot"
    order: int = 100


@dataclass(frozen=True)
class HomeFigure:
    section: str
    label: str
    permission: str
    count: Callable[[], int]
    url_name: str = ""

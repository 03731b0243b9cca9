"""Quality entries in the sidebar (section 质量) and its home figures."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem
from erp.quality import selectors

MENU = [
    MenuItem(
        section="quality",
        label=_("Inspection lots"),
        url_name="quality:inspectionlot_list",
        permission="quality.view_inspectionlot",
        icon="clipboard-check",
        order=10,
    ),
    MenuItem(
        section="quality",
        label=_("Inspection plans"),
        url_name="quality:inspectionplan_list",
        permission="quality.view_inspectionplan",
        icon="list-check",
        order=11,
    ),
    MenuItem(
        section="quality",
        label=_("Nonconformance reports"),
        url_name="quality:nonconformancereport_list",
        permission="quality.view_nonconformancereport",
        icon="exclamation-octagon",
        order=12,
    ),
    MenuItem(
        section="quality",
        label=_("Re-inspection"),
        url_name="quality:retest",
        permission="quality.add_inspectionlot",
        icon="arrow-repeat",
        order=13,
    ),
    MenuItem(
        section="quality",
        label=_("Retests and retain samples due"),
        url_name="quality:due",
        permission="quality.view_inspectionlot",
        icon="calendar-check",
        order=13,
    ),
    MenuItem(
        section="quality",
        label=_("Quality statistics"),
        url_name="quality:report",
        permission="quality.view_inspectionlot",
        icon="bar-chart",
        order=14,
    ),
    MenuItem(
        section="quality",
        label=_("Lot status change"),
        url_name="inventory:lot_status",
        permission="inventory.change_lot_status",
        icon="shield-check",
        order=13,
    ),
]

FIGURES = [
    HomeFigure(
        section="quality",
        label=_("Inspections waiting for results"),
        permission="quality.view_inspectionlot",
        count=selectors.inspections_waiting_results_count,
        url_name="quality:inspectionlot_list",
        url_query="state=open",
    ),
    HomeFigure(
        section="quality",
        label=_("Inspections waiting for a decision"),
        permission="quality.view_inspectionlot",
        count=selectors.inspections_waiting_decision_count,
        url_name="quality:inspectionlot_list",
        url_query="state=submitted",
    ),
]

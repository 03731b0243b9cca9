"""MRP in the sidebar (section 生产) and a home figure for the planner."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem


def _proposed() -> int:
    from erp.mrp.selectors import run_latest

    run = run_latest(finished=True)
    return run.planned_orders.filter(state="proposed").count() if run else 0


MENU = [
    MenuItem(
        section="production",
        label=_("MRP workbench"),
        url_name="mrp:workbench",
        permission="mrp.view_plannedorder",
        icon="diagram-3",
        order=40,
    ),
    MenuItem(
        section="production",
        label=_("Forecasts"),
        url_name="mrp:forecast_list",
        permission="mrp.view_forecast",
        icon="graph-up",
        order=45,
    ),
    MenuItem(
        section="production",
        label=_("Planning parameters"),
        url_name="mrp:parameter_list",
        permission="mrp.view_planningparameter",
        icon="sliders",
        order=50,
    ),
]

FIGURES = [
    HomeFigure(
        section="production",
        label=_("MRP proposals to firm"),
        permission="mrp.view_plannedorder",
        count=_proposed,
        url_name="mrp:workbench",
        url_query="state=proposed",
    ),
]

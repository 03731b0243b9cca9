"""Production entries in the sidebar (section 生产) and home figures."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem


def _orders_in(*states: str):
    def count() -> int:
        from erp.production.models import ProductionOrder

        return ProductionOrder.objects.filter(state__in=states).count()

    return count


MENU = [
    MenuItem(
        section="production",
        label=_("Production orders"),
        url_name="production:productionorder_list",
        permission="production.view_productionorder",
        icon="gear-wide-connected",
        order=10,
    ),
    MenuItem(
        section="production",
        label=_("Formulas"),
        url_name="production:formula_list",
        permission="production.view_formula",
        icon="eyedropper",
        order=20,
    ),
    MenuItem(
        section="production",
        label=_("Routings"),
        url_name="production:routing_list",
        permission="production.view_routing",
        icon="signpost-split",
        order=30,
    ),
]

FIGURES = [
    HomeFigure(
        section="production",
        label=_("Orders released, waiting for material"),
        permission="production.view_productionorder",
        count=_orders_in("released"),
        url_name="production:productionorder_list",
        url_query="state=released",
    ),
    HomeFigure(
        section="production",
        label=_("Orders in production"),
        permission="production.view_productionorder",
        count=_orders_in("started"),
        url_name="production:productionorder_list",
        url_query="state=started",
    ),
    HomeFigure(
        section="production",
        label=_("Orders completed, not closed"),
        permission="production.view_productionorder",
        count=_orders_in("completed"),
        url_name="production:productionorder_list",
        url_query="state=completed",
    ),
]

"""`erp check production_orders_balanced`: every completed or closed order's output was
received at exactly the material value that stayed in it (issued less returned), so 生产成本
直接材料 carries nothing for it; and its output lot is linked to its input lots."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from erp.core.integrity import integrity_check
from erp.inventory.models import StockMove
from erp.production.models import ProductionOrder
from erp.production.services.orders import DOC_TYPE, ISSUE, OUTPUT, RETURN

ZERO = Decimal(0)


@integrity_check("production_orders_balanced")
def production_orders_balanced() -> list[str]:
    done = {
        str(o.pk): o
        for o in ProductionOrder.objects.filter(state__in=("completed", "closed")).only(
            "pk", "number", "output_lot_id"
        )
    }
    if not done:
        return []
    values: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    rows = (
        StockMove.objects.filter(source_type=DOC_TYPE, source_id__in=list(done))
        .values("source_id", "move_type")
        .annotate(v=Sum("value"))
        .order_by()
    )
    for r in rows:
        values[r["source_id"]][r["move_type"]] += Decimal(str(r["v"]))
    problems = []
    for pk, order in sorted(done.items()):
        v = values[pk]
        stayed = v[ISSUE] - v[RETURN]
        if abs(stayed - v[OUTPUT]) > Decimal("0.005"):
            problems.append(
                f"{order.number}: materials {stayed:.2f} ≠ output {v[OUTPUT]:.2f} "
                f"(issued {v[ISSUE]:.2f}, returned {v[RETURN]:.2f})"
            )
        if order.output_lot_id and not order.lot_links.exists() and _issued_lots(pk):
            problems.append(f"{order.number}: output lot has no genealogy links")
    return problems


def _issued_lots(order_id: str) -> bool:
    return StockMove.objects.filter(
        source_type=DOC_TYPE, source_id=order_id, move_type=ISSUE, lot__isnull=False
    ).exists()

"""`erp check sales_quantities`: what order and delivery lines say was delivered, invoiced and
returned must be what the posted documents add up to (the counters are kept by the posting
services under row locks; a difference means a write went around them)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from erp.core.integrity import integrity_check
from erp.core.money import round_quantity
from erp.sales.models import (
    DeliveryNoteLine,
    SalesInvoiceLine,
    SalesOrderLine,
    SalesReturnLine,
)

POSTED = "posted"


def _sums(model, key: str) -> dict[int, Decimal]:
    rows = (
        model.objects.filter(document__state=POSTED)
        .values(key)
        .annotate(q=Sum("quantity"))
        .order_by()
    )
    return defaultdict(Decimal, {r[key]: round_quantity(r["q"]) for r in rows})


@integrity_check("sales_quantities")
def sales_quantities() -> list[str]:
    delivered = _sums(DeliveryNoteLine, "order_line_id")
    invoiced = _sums(SalesInvoiceLine, "delivery_line_id")
    returned = _sums(SalesReturnLine, "delivery_line_id")
    problems = []
    for line in SalesOrderLine.objects.select_related("document").iterator():
        if line.delivered_qty != delivered[line.pk]:
            problems.append(
                f"{line.document.reference} line {line.line_no}: delivered {line.delivered_qty}"
                f" but posted deliveries hold {delivered[line.pk]}"
            )
    for line in DeliveryNoteLine.objects.filter(document__state=POSTED).select_related("document"):
        for name, counted, posted in (
            ("invoiced", line.invoiced_qty, invoiced[line.pk]),
            ("returned", line.returned_qty, returned[line.pk]),
        ):
            if counted != posted:
                problems.append(
                    f"{line.document.reference} line {line.line_no}: {name} {counted} but posted"
                    f" documents hold {posted}"
                )
    return problems

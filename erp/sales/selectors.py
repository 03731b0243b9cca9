"""Sales reads: credit exposure, what is left to deliver, invoice or return."""

from decimal import Decimal

from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from erp.core.money import round_amount
from erp.sales.models import SalesOrderLine, SalesOrderState

ZERO = Decimal("0")
_AMT = DecimalField(max_digits=18, decimal_places=2)


def open_receivables(customer_id: int) -> Decimal:
    """What the customer owes on open AR items (advances, negative, reduce it)."""
    from erp.accounting.models import OpenItem, OpenItemKind, OpenItemState

    total = OpenItem.objects.filter(
        kind=OpenItemKind.RECEIVABLE, customer_id=customer_id, state=OpenItemState.OPEN
    ).aggregate(s=Coalesce(Sum(F("amount") - F("allocated"), output_field=_AMT), Value(ZERO)))
    return Decimal(total["s"])


def open_order_value(customer_id: int, *, exclude_id: int | None = None) -> Decimal:
    """Value incl. tax of what approved orders of the customer still have to invoice: it becomes
    a receivable without any further decision by finance."""
    lines = SalesOrderLine.objects.filter(
        document__customer_id=customer_id,
        document__state__in=(SalesOrderState.APPROVED, SalesOrderState.SUBMITTED),
    ).exclude(document_id=exclude_id)
    value = ZERO
    for amount, qty, invoiced in lines.values_list("amount", "quantity", "invoiced_qty"):
        if qty > invoiced:
            value += round_amount(amount * (qty - invoiced) / qty)
    return value


def credit_exposure(order) -> Decimal:
    """Open AR + other open orders + this order: compared with the customer's credit limit."""
    return (
        open_receivables(order.customer_id)
        + open_order_value(order.customer_id, exclude_id=order.pk)
        + order.total
    )


def remaining_to_deliver(line) -> Decimal:
    return line.quantity - line.delivered_qty


def remaining_to_invoice(delivery_line) -> Decimal:
    return delivery_line.quantity - delivery_line.invoiced_qty - delivery_line.returned_qty


def remaining_to_return(delivery_line) -> Decimal:
    return delivery_line.quantity - delivery_line.returned_qty

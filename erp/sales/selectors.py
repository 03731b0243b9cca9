"""Sales reads: credit exposure, what is left to deliver, invoice or return."""

from decimal import Decimal

from django.db.models import DecimalField, F
from django.utils.translation import gettext as _

from erp.core.customer_lot_checks import customer_lot_problems
from erp.core.errors import BusinessRuleError
from erp.core.ledger import ledger
from erp.core.money import round_amount
from erp.inventory.selectors import fefo_balances
from erp.sales.models import DeliveryNoteLine, SalesOrderLine, SalesOrderState

ZERO = Decimal("0")
_AMT = DecimalField(max_digits=18, decimal_places=2)


def open_receivables(customer_id: int) -> Decimal:
    """What the customer owes on open AR items (advances, negative, reduce it)."""
    return ledger().open_receivables(customer_id)


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


def order_complete(order) -> bool:
    """Every line delivered in full and nothing delivered left to invoice. A return counts as
    settled: what came back uninvoiced needs no invoice, and it does not reopen the quantity to
    deliver (a replacement is a new order)."""
    lines = SalesOrderLine.objects.filter(document=order)
    if not lines.exists() or lines.filter(delivered_qty__lt=F("quantity")).exists():
        return False
    return not DeliveryNoteLine.objects.filter(
        order_line__document=order,
        document__state="posted",
        quantity__gt=F("invoiced_qty") + F("returned_qty"),
    ).exists()


def remaining_to_deliver(line) -> Decimal:
    return line.quantity - line.delivered_qty


def remaining_to_invoice(delivery_line) -> Decimal:
    return delivery_line.quantity - delivery_line.invoiced_qty - delivery_line.returned_qty


def remaining_to_return(delivery_line) -> Decimal:
    return delivery_line.quantity - delivery_line.returned_qty


# --- lots a delivery may take -------------------------------------------------------------------


def delivery_lot_picks(
    *, material, quantity: Decimal, warehouse, on_date, customer, min_expiry=None
) -> list[tuple]:
    """FEFO among released, unexpired lots of the warehouse that last until `min_expiry` (the
    customer's minimum remaining shelf life) and meet the customer's rules: [(lot, qty,
    location_id)]. Refuses when there is not enough, naming the lots it skipped and why."""
    rows = fefo_balances(
        material=material, warehouse=warehouse, on_date=on_date, min_expiry=min_expiry
    )
    picks, remaining = [], quantity
    refused: dict[int, str] = {}  # lot id → why it is skipped, "" when it may go (asked once)
    for bal in rows:
        if bal.lot is not None and bal.lot_id not in refused:
            problems = customer_lot_problems(lot=bal.lot, customer=customer)
            refused[bal.lot_id] = f"{bal.lot.number}（{'；'.join(problems)}）" if problems else ""
        if refused.get(bal.lot_id):
            continue
        take = min(bal.on_hand - bal.reserved, remaining)
        picks.append((bal.lot, take, bal.location_id))
        remaining -= take
        if remaining == 0:
            return picks
    skipped = [why for why in refused.values() if why]
    raise _not_enough(material, quantity - remaining, quantity, min_expiry, skipped)


def _not_enough(material, available, requested, min_expiry, skipped: list[str]):
    message = _(
        "Not enough released stock of %(material)s for this customer: %(available)s available, "
        "%(requested)s requested."
    ) % {
        "material": material.code,
        "available": f"{available.normalize():f}",
        "requested": f"{requested.normalize():f}",
    }
    if min_expiry is not None:
        message += " " + _("Lots must last until %(min)s.") % {"min": min_expiry.isoformat()}
    if skipped:
        message += " " + _("Outside the customer's specification: %(lots)s.") % {
            "lots": "；".join(skipped)
        }
    message += " " + _(
        "Reduce the quantity, or wait for released lots that meet the customer's requirements."
    )
    return BusinessRuleError(
        message,
        code="insufficient_stock",
        material=material.code,
        available=available,
        requested=requested,
    )

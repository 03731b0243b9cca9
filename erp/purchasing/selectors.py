"""Reads of the purchasing module: the GR/IR (应付暂估) report and figures."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F

from erp.core.ledger import ledger
from erp.purchasing.models import GoodsReceiptLine, PurchaseOrder
from erp.purchasing.states import OrderState, ReceiptState

ZERO = Decimal("0")
OPEN_VALUE = ExpressionWrapper(
    F("value") - F("returned_value") - F("invoiced_value"),
    output_field=DecimalField(max_digits=18, decimal_places=2),
)


def grir_open_lines():
    """Posted receipt lines with value received and neither invoiced nor returned (暂估)."""
    return (
        GoodsReceiptLine.objects.filter(document__state=ReceiptState.POSTED)
        .annotate(open_value=OPEN_VALUE)
        .exclude(open_value=0)
        .select_related("document__supplier", "material", "lot")
        .order_by("document__supplier__code", "document__date", "document_id", "line_no")
    )


@dataclass(frozen=True)
class GrirSupplier:
    supplier: object
    lines: list
    total: Decimal


@dataclass(frozen=True)
class GrirReport:
    suppliers: list[GrirSupplier]
    total: Decimal
    gl_balance: Decimal | None  # credit balance of the GR/IR account; None before the books

    @property
    def difference(self) -> Decimal | None:
        return None if self.gl_balance is None else self.gl_balance - self.total


def grir_gl_balance() -> Decimal | None:
    """Credit balance of the GR/IR account (the purchase_invoice rule's debit, 220202) over
    every posted voucher; None when the books have not started or the rule is missing."""
    from erp.purchasing.services.invoices import invoice_accounts

    try:
        code = invoice_accounts().grir
    except LookupError:
        return None
    debit, credit = ledger().account_balance(code)
    return credit - debit


def grir_report() -> GrirReport:
    by_supplier: dict[int, GrirSupplier] = {}
    for line in grir_open_lines():
        supplier = line.document.supplier
        entry = by_supplier.get(supplier.pk) or GrirSupplier(supplier, [], ZERO)
        entry.lines.append(line)
        by_supplier[supplier.pk] = GrirSupplier(
            supplier, entry.lines, entry.total + line.open_value
        )
    suppliers = list(by_supplier.values())
    total = sum((s.total for s in suppliers), ZERO)
    return GrirReport(suppliers, total, grir_gl_balance())


def orders_waiting_for_goods():
    return PurchaseOrder.objects.filter(state=OrderState.APPROVED)

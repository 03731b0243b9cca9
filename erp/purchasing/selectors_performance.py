"""Supplier performance (供应商绩效) per supplier over a period of receipt dates.

- On-time delivery: posted receipt lines of the period whose order line names an expected
  date; on time when the receipt date is not after it. Lines without a date do not count.
- Quantity accuracy: order lines settled in the period (their last posted receipt falls in
  it, and they are fully received or their order is closed); accurate when the received
  quantity is within QTY_TOLERANCE_PCT of the ordered one.
- Rejection rate: lots received in the period (one per receipt line) whose quality status is
  now rejected (不合格), read through the inventory selectors.
- Price variance: posted invoices dated in the period: Σ variance / Σ GR/IR cleared.
Percentages have two decimals; None when there is nothing to measure.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Max, Q, Sum

from erp.inventory.selectors import lot_statuses
from erp.inventory.states import LotStatus
from erp.masterdata.models import Supplier
from erp.purchasing.models import GoodsReceiptLine, PurchaseInvoiceLine, PurchaseOrderLine
from erp.purchasing.states import InvoiceState, OrderState, ReceiptState

QTY_TOLERANCE_PCT = Decimal("2")
ZERO = Decimal("0")
CENT = Decimal("0.01")


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT)


@dataclass
class SupplierPerformance:
    supplier: Supplier
    lines_dated: int = 0
    lines_on_time: int = 0
    lines_settled: int = 0
    lines_accurate: int = 0
    lots: int = 0
    lots_rejected: int = 0
    grir_invoiced: Decimal = ZERO
    variance: Decimal = ZERO

    @property
    def on_time_pct(self):
        return percent(self.lines_on_time, self.lines_dated)

    @property
    def accuracy_pct(self):
        return percent(self.lines_accurate, self.lines_settled)

    @property
    def rejection_pct(self):
        return percent(self.lots_rejected, self.lots)

    @property
    def variance_pct(self):
        return percent(self.variance, self.grir_invoiced)


def _receipt_lines(date_from: dt.date, date_to: dt.date):
    return GoodsReceiptLine.objects.filter(
        document__state=ReceiptState.POSTED,
        document__date__gte=date_from,
        document__date__lte=date_to,
    )


def _deliveries(rows: dict, date_from, date_to) -> None:
    lines = _receipt_lines(date_from, date_to).values_list(
        "document__supplier_id", "document__date", "order_line__expected_date", "lot_id"
    )
    lots: dict[int, int] = {}
    for supplier_id, received_on, expected, lot_id in lines:
        row = rows[supplier_id]
        if expected is not None:
            row.lines_dated += 1
            row.lines_on_time += received_on <= expected
        if lot_id is not None:
            row.lots += 1
            lots[lot_id] = supplier_id
    for lot_id, status in lot_statuses(lots).items():
        if status == LotStatus.REJECTED:
            rows[lots[lot_id]].lots_rejected += 1


def _quantities(rows: dict, date_from, date_to) -> None:
    settled = (
        PurchaseOrderLine.objects.filter(
            Q(received_quantity__gte=F("quantity")) | Q(document__state=OrderState.CLOSED),
            received_quantity__gt=0,
        )
        .annotate(
            last_receipt=Max(
                "receipt_lines__document__date",
                filter=Q(receipt_lines__document__state=ReceiptState.POSTED),
            )
        )
        .filter(last_receipt__gte=date_from, last_receipt__lte=date_to)
        .values_list("document__supplier_id", "quantity", "received_quantity")
    )
    for supplier_id, ordered, received in settled:
        row = rows[supplier_id]
        row.lines_settled += 1
        row.lines_accurate += abs(received - ordered) <= ordered * QTY_TOLERANCE_PCT / 100


def _prices(rows: dict, date_from, date_to) -> None:
    sums = (
        PurchaseInvoiceLine.objects.filter(
            document__state=InvoiceState.POSTED,
            document__date__gte=date_from,
            document__date__lte=date_to,
        )
        .values("document__supplier_id")
        .annotate(grir=Sum("grir_amount"), variance=Sum("variance"))
    )
    for s in sums:
        row = rows[s["document__supplier_id"]]
        # SQLite sums decimals with float noise: back to cents, as the amounts were stored
        row.grir_invoiced = Decimal(s["grir"] or ZERO).quantize(CENT)
        row.variance = Decimal(s["variance"] or ZERO).quantize(CENT)


class _Rows(dict):
    def __missing__(self, supplier_id):
        self[supplier_id] = SupplierPerformance(supplier=None)
        return self[supplier_id]


def supplier_performance(date_from: dt.date, date_to: dt.date) -> list[SupplierPerformance]:
    """One row per supplier with anything received or invoiced in the period, by code."""
    rows = _Rows()
    _deliveries(rows, date_from, date_to)
    _quantities(rows, date_from, date_to)
    _prices(rows, date_from, date_to)
    suppliers = Supplier.objects.in_bulk(list(rows))
    for supplier_id, row in rows.items():
        row.supplier = suppliers[supplier_id]
    return sorted(rows.values(), key=lambda r: r.supplier.code)

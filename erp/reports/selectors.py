"""Every read of the management reports: sales, cost and profit, stock value, purchasing,
production and the dashboard's KPIs. Each block is one aggregate query in the database over the
posted documents of the module that owns them (reports never writes them); amounts stay
Decimal.

Sources, as the reports state them to the user:
- revenue (销售收入) = Σ 不含税金额 of posted sales invoice lines, by invoice date;
- cost of sales (销售成本) = Σ cost of posted delivery lines (the stock ledger's moving-average
  value of the goods that left, booked Dr 6401 at delivery) − Σ cost of posted sales returns,
  by delivery / return date;
- gross margin (毛利) = revenue − cost of sales.
Accounting's tables are read through the app registry (no module imports accounting)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db.models import CharField, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from erp.core.money import round_amount, round_quantity
from erp.inventory.models import Lot, MaterialValuation, StockMove
from erp.inventory.states import LotStatus
from erp.production.models import ProductionOrder
from erp.purchasing.models import GoodsReceiptLine
from erp.reports.periods import month_end, month_start, months_back, previous_month
from erp.sales.models import (
    DeliveryNote,
    DeliveryNoteLine,
    SalesDocState,
    SalesInvoiceLine,
    SalesReturnLine,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)
POSTED = SalesDocState.POSTED

# Dimension → (key path, label path) on the sales line models (invoice, delivery, return
# lines all have document__customer, document__date and material).
SALES_DIMENSIONS = {
    "customer": ("document__customer_id", "document__customer__name"),
    "material": ("material_id", "material__name"),
    "category": ("material__category_id", "material__category__name"),
    "salesperson": (
        "document__customer__salesperson_id",
        "document__customer__salesperson__full_name",
    ),
    "month": ("month", "month"),
}


def amount(value) -> Decimal:
    """An amount summed by the database, exact again: SQLite sums decimals as binary floats
    (an error far below a fen at report sizes), so every sum is rounded to the fen."""
    return round_amount(value) if value is not None else ZERO.quantize(Decimal("0.01"))


def qty(value) -> Decimal:
    return round_quantity(value) if value is not None else ZERO


def pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Scope:
    """What a figure counts: a date range and at most one key per dimension (the drill-down
    carries exactly this)."""

    date_from: dt.date
    date_to: dt.date
    customer: int | None = None
    material: int | None = None
    category: int | None = None
    salesperson: int | None = None

    def q(self, date_path: str = "document__date") -> Q:
        q = Q(**{f"{date_path}__gte": self.date_from, f"{date_path}__lte": self.date_to})
        for name in ("customer", "material", "category", "salesperson"):
            value = getattr(self, name)
            if value == 0:  # the row of documents without one (no salesperson, no category)
                q &= Q(**{f"{SALES_DIMENSIONS[name][0]}__isnull": True})
            elif value is not None:
                q &= Q(**{SALES_DIMENSIONS[name][0]: value})
        return q

    def narrowed(self, dim: str, key) -> "Scope":
        """The scope of one row of a report grouped by `dim`."""
        if dim == "month":
            return Scope(
                key, month_end(key), self.customer, self.material, self.category, self.salesperson
            )
        values = {n: getattr(self, n) for n in ("customer", "material", "category", "salesperson")}
        values[dim] = 0 if key is None else key
        return Scope(self.date_from, self.date_to, **values)


def invoice_lines(scope: Scope) -> QuerySet[SalesInvoiceLine]:
    return SalesInvoiceLine.objects.filter(Q(document__state=POSTED) & scope.q())


def delivery_lines(scope: Scope) -> QuerySet[DeliveryNoteLine]:
    return DeliveryNoteLine.objects.filter(Q(document__state=POSTED) & scope.q())


def return_lines(scope: Scope) -> QuerySet[SalesReturnLine]:
    return SalesReturnLine.objects.filter(Q(document__state=POSTED) & scope.q())


def _grouped(qs: QuerySet, dim: str, **sums) -> QuerySet:
    key, label = SALES_DIMENSIONS[dim]
    if dim == "month":
        # Grouped by day on the plain column and folded into months in Python (at most a few
        # hundred rows): SQLite's month truncation is a Python function called per line.
        return qs.values("document__date").annotate(**sums).order_by()
    return qs.values(key, label).annotate(**sums).order_by()


# --- sales and profit ------------------------------------------------------------------------


@dataclass
class ProfitRow:
    key: object
    label: str
    quantity: Decimal = ZERO
    revenue: Decimal = ZERO
    cost: Decimal = ZERO
    documents: int = 0

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_pct(self) -> Decimal | None:
        return pct(self.margin, self.revenue)


def _label(row: dict, dim: str) -> tuple[object, str]:
    key, label = SALES_DIMENSIONS[dim]
    if dim == "month":
        value = month_start(row["document__date"])
        return value, value.strftime("%Y-%m")
    return row[key], row[label] or ""


def sales_rows(scope: Scope, dim: str, *, with_cost: bool = True) -> list[ProfitRow]:
    """Revenue (and quantity, invoice count) per dimension value, with the cost of sales of the
    same dimension value when asked: one query for invoices, one for deliveries, one for
    returns. Ordered by revenue, highest first (by month: in date order)."""
    rows: dict[object, ProfitRow] = {}
    revenue = _grouped(
        invoice_lines(scope),
        dim,
        qty=Sum("quantity"),
        rev=Sum("net_amount"),
        docs=Count("document_id", distinct=True),
    )
    for r in revenue:
        key, label = _label(r, dim)
        row = rows.setdefault(key, ProfitRow(key, label))
        row.quantity += qty(r["qty"])
        row.revenue += amount(r["rev"])
        row.documents += r["docs"]  # a document has one date: distinct counts add up
    if with_cost:
        for qs, sign in ((delivery_lines(scope), 1), (return_lines(scope), -1)):
            for r in _grouped(qs, dim, cost=Sum("cost_value")):
                key, label = _label(r, dim)
                row = rows.setdefault(key, ProfitRow(key, label))
                row.cost += sign * amount(r["cost"])
    if dim == "month":
        return sorted(rows.values(), key=lambda r: r.key)
    return sorted(rows.values(), key=lambda r: (-r.revenue, r.label))


def revenue_total(scope: Scope) -> Decimal:
    return amount(invoice_lines(scope).aggregate(v=Sum("net_amount"))["v"])


def cost_total(scope: Scope) -> Decimal:
    out = amount(delivery_lines(scope).aggregate(v=Sum("cost_value"))["v"])
    back = amount(return_lines(scope).aggregate(v=Sum("cost_value"))["v"])
    return out - back


def abc_classes(rows: list[ProfitRow]) -> dict[object, str]:
    """ABC by revenue share: A up to 80 % of the cumulative revenue, B up to 95 %, C the rest."""
    total = sum((r.revenue for r in rows if r.revenue > 0), ZERO)
    found, running = {}, ZERO
    for r in sorted(rows, key=lambda r: -r.revenue):
        share = running * HUNDRED / total if total else HUNDRED
        found[r.key] = "A" if share < 80 else "B" if share < 95 else "C"
        running += max(r.revenue, ZERO)
    return found


# --- drill-down: the documents behind a figure ----------------------------------------------


@dataclass
class DrillRow:
    doc_type: str
    doc_id: int
    number: str
    date: dt.date
    partner: str
    amount: Decimal
    voucher_type: str = "accounting.voucher"
    voucher_ids: list[int] = field(default_factory=list)


def _vouchers_by_source(source_type: str, ids) -> dict[int, list[int]]:
    """{document id: [voucher ids]} of the vouchers posted for these documents; `ids` is a list
    or a subquery of ids as text (a voucher names its source by text)."""
    voucher = apps.get_model("accounting", "Voucher")
    found: dict[int, list[int]] = defaultdict(list)
    if isinstance(ids, list):
        if not ids:
            return found
        ids = [str(i) for i in ids]
    rows = voucher.objects.filter(source_type=source_type, source_id__in=ids)
    for pk, source_id in rows.values_list("pk", "source_id").order_by("pk"):
        found[int(source_id)].append(pk)
    return found


def _drill(
    qs: QuerySet,
    source_type: str,
    field: str,
    sign: int = 1,
    partner: str = "document__customer__name",
) -> list[DrillRow]:
    """One row per document of the lines `qs`: its number, date, partner and the sum of
    `field` over those lines — one grouped query — and its vouchers, one more."""
    sums = (
        qs.values("document_id", "document__number", "document__date", partner)
        .annotate(v=Sum(field))
        .order_by("document__date", "document__number")
    )
    ids = qs.values(sid=Cast("document_id", CharField(max_length=20))).distinct()
    vouchers = _vouchers_by_source(source_type, ids)
    return [
        DrillRow(
            source_type,
            r["document_id"],
            r["document__number"],
            r["document__date"],
            r[partner],
            sign * amount(r["v"]),
            voucher_ids=vouchers.get(r["document_id"], []),
        )
        for r in sums
    ]


def revenue_documents(scope: Scope) -> list[DrillRow]:
    """The posted invoices behind a revenue figure, each with the net amount of its lines that
    the figure counts (and its voucher): three queries."""
    return _drill(invoice_lines(scope), "sales.salesinvoice", "net_amount")


def cost_documents(scope: Scope) -> list[DrillRow]:
    """The posted deliveries (cost) and returns (negative) behind a cost-of-sales figure."""
    rows = _drill(delivery_lines(scope), "sales.deliverynote", "cost_value")
    rows += _drill(return_lines(scope), "sales.salesreturn", "cost_value", sign=-1)
    return sorted(rows, key=lambda r: (r.date, r.number))


def voucher_numbers(rows: list[DrillRow]) -> dict[int, str]:
    """{voucher id: number} of the vouchers of these drill rows: one query (none without)."""
    ids = [v for r in rows for v in r.voucher_ids]
    if not ids:
        return {}
    voucher = apps.get_model("accounting", "Voucher")
    return dict(voucher.objects.filter(pk__in=ids).values_list("pk", "number"))


# --- stock ----------------------------------------------------------------------------------


def stock_value_total() -> Decimal:
    return amount(MaterialValuation.objects.aggregate(v=Sum("value"))["v"])


def stock_value_at(day: dt.date) -> Decimal:
    """Company stock value at the end of `day`: today's value less the boundary moves since
    (into the company from outside +, out of it −): one query."""
    moves = StockMove.objects.filter(posting_date__gt=day).aggregate(
        inflow=Coalesce(Sum("value", filter=Q(from_location__isnull=True)), ZERO),
        outflow=Coalesce(Sum("value", filter=Q(to_location__isnull=True)), ZERO),
    )
    return stock_value_total() - amount(moves["inflow"]) + amount(moves["outflow"])


@dataclass
class StockCategoryRow:
    key: int | None
    label: str
    materials: int
    quantity: Decimal
    value: Decimal
    slow_value: Decimal = ZERO


def stock_by_category(*, slow_days: int, today: dt.date) -> list[StockCategoryRow]:
    """Stock value per material category, and the part of it in slow movers (no issue for
    `slow_days` days): two queries."""
    rows = (
        MaterialValuation.objects.filter(quantity__gt=0)
        .values("material__category_id", "material__category__name")
        .annotate(n=Count("material_id"), q=Sum("quantity"), v=Sum("value"))
        .order_by("-v")
    )
    result = {
        r["material__category_id"]: StockCategoryRow(
            r["material__category_id"],
            r["material__category__name"] or "",
            r["n"],
            qty(r["q"]),
            amount(r["v"]),
        )
        for r in rows
    }
    cutoff = today - dt.timedelta(days=slow_days)
    # Materials that did go out since the cutoff: a range on the posting-date index, not a
    # grouping of the whole ledger.
    last_out = (
        StockMove.objects.filter(to_location__isnull=True, posting_date__gte=cutoff)
        .values("material_id")
        .distinct()
    )
    slow = (
        MaterialValuation.objects.filter(quantity__gt=0)
        .exclude(material_id__in=last_out)
        .values("material__category_id")
        .annotate(v=Sum("value"))
        .order_by()
    )
    for r in slow:
        if r["material__category_id"] in result:
            result[r["material__category_id"]].slow_value = amount(r["v"])
    return list(result.values())


def quarantine_lots_waiting() -> int:
    return (
        Lot.objects.filter(status=LotStatus.QUARANTINE, balances__on_hand__gt=0)
        .values("pk")
        .distinct()
        .count()
    )


# --- receivables ------------------------------------------------------------------------------


def receivables_overdue(today: dt.date) -> tuple[Decimal, int]:
    """Σ open receivable (amount − allocated) past its due date, and how many items."""
    open_item = apps.get_model("accounting", "OpenItem")
    found = open_item.objects.filter(
        kind="receivable", state="open", due_date__lt=today, amount__gt=0
    ).aggregate(v=Coalesce(Sum(F("amount") - F("allocated")), ZERO), n=Count("pk"))
    return amount(found["v"]), found["n"]


# --- delivery and production performance ------------------------------------------------------


def on_time_delivery(date_from: dt.date, date_to: dt.date) -> tuple[int, int]:
    """(lines delivered on or before the order line's requested date, lines with a requested
    date) among posted delivery lines of the period."""
    found = DeliveryNoteLine.objects.filter(
        document__state=POSTED,
        document__date__gte=date_from,
        document__date__lte=date_to,
        order_line__requested_date__isnull=False,
    ).aggregate(
        n=Count("pk"),
        ok=Count("pk", filter=Q(document__date__lte=F("order_line__requested_date"))),
    )
    return found["ok"], found["n"]


def completed_orders(date_from: dt.date, date_to: dt.date) -> QuerySet[ProductionOrder]:
    """Production orders whose output was received in the period (the output lot's production
    date is the completion day)."""
    return ProductionOrder.objects.filter(
        output_quantity__isnull=False,
        output_lot__production_date__gte=date_from,
        output_lot__production_date__lte=date_to,
    )


def production_yield(date_from: dt.date, date_to: dt.date) -> tuple[Decimal, Decimal]:
    """(Σ output quantity, Σ planned quantity) of the orders completed in the period."""
    found = completed_orders(date_from, date_to).aggregate(
        out=Coalesce(Sum("output_quantity"), ZERO), planned=Coalesce(Sum("quantity"), ZERO)
    )
    return qty(found["out"]), qty(found["planned"])


def production_rows(date_from: dt.date, date_to: dt.date) -> QuerySet[ProductionOrder]:
    """Orders completed in the period with their standard cost (output × the product's standard
    cost) for the actual-vs-standard comparison: one query."""
    return (
        completed_orders(date_from, date_to)
        .select_related("product", "output_lot")
        .annotate(standard=F("output_quantity") * F("product__standard_cost"))
        .order_by("output_lot__production_date", "number")
    )


# --- purchasing -------------------------------------------------------------------------------

PURCHASE_DIMENSIONS = {
    "supplier": ("document__supplier_id", "document__supplier__name"),
    "material": ("material_id", "material__name"),
    "category": ("material__category_id", "material__category__name"),
}


def purchase_rows(date_from: dt.date, date_to: dt.date, dim: str) -> list[dict]:
    """Received quantity and value per supplier / material / category of posted goods
    receipts, with the average unit value: one query."""
    key, label = PURCHASE_DIMENSIONS[dim]
    rows = (
        receipt_lines(date_from, date_to, {})
        .values(key, label)
        .annotate(q=Sum("quantity"), v=Sum("value"), docs=Count("document_id", distinct=True))
        .order_by("-v")
    )
    return [
        {
            "key": r[key],
            "label": r[label] or "",
            "quantity": qty(r["q"]),
            "value": amount(r["v"]),
            "documents": r["docs"],
            "unit": (r["v"] / r["q"]).quantize(Decimal("0.0001")) if r["q"] else None,
        }
        for r in rows
    ]


def receipt_lines(date_from: dt.date, date_to: dt.date, keys: dict) -> QuerySet:
    """Posted goods receipt lines of the period, narrowed by {dimension: key} of
    PURCHASE_DIMENSIONS (key 0: the lines without one, e.g. no category)."""
    q = Q(document__state="posted", document__date__gte=date_from, document__date__lte=date_to)
    for dim, value in keys.items():
        path = PURCHASE_DIMENSIONS[dim][0]
        if value == 0:
            q &= Q(**{f"{path}__isnull": True})
        elif value is not None:
            q &= Q(**{path: value})
    return GoodsReceiptLine.objects.filter(q)


def receipt_documents(date_from: dt.date, date_to: dt.date, keys: dict) -> list[DrillRow]:
    """The posted goods receipts behind a purchasing figure, each with the value of its lines
    that the figure counts (and its vouchers): two queries."""
    return _drill(
        receipt_lines(date_from, date_to, keys),
        "purchasing.goodsreceipt",
        "value",
        partner="document__supplier__name",
    )


def count_accuracy(date_from: dt.date, date_to: dt.date) -> Decimal | None:
    """盘点准确率 of the counts posted in the period: lines within tolerance ÷ lines counted
    (the inventory module's measure, weighted by lines); None without a count."""
    from erp.inventory.models import StockCount
    from erp.inventory.states import StockCountState

    found = StockCount.objects.filter(
        state=StockCountState.POSTED, date__gte=date_from, date__lte=date_to
    ).aggregate(t=Sum("lines_total"), w=Sum("lines_within"))
    return pct(found["w"], found["t"])


def _order_days(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, int]]:
    """(delivery date, days since its order's date) of each posted delivery in the period: one
    query; the difference is taken in Python (SQLite has no native date difference)."""
    rows = DeliveryNote.objects.filter(
        state=POSTED, date__gte=date_from, date__lte=date_to
    ).values_list("date", "order__date")
    return [(shipped, (shipped - ordered).days) for shipped, ordered in rows]


def order_lead_days(date_from: dt.date, date_to: dt.date) -> Decimal | None:
    """订单交付天数: average days from order date to delivery, over the period's deliveries."""
    days = [d for _shipped, d in _order_days(date_from, date_to)]
    return (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None


@dataclass
class KpiWeek:
    start: dt.date
    lead_days: Decimal | None
    accuracy: Decimal | None


def kpi_weeks(today: dt.date, weeks: int = 12) -> list[KpiWeek]:
    """Order lead time and stock count accuracy per week (Monday to Sunday) for the last
    `weeks` weeks: two queries, folded in Python."""
    from erp.inventory.models import StockCount
    from erp.inventory.states import StockCountState

    first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    lead: dict[dt.date, list[int]] = defaultdict(list)
    for shipped, days in _order_days(first, today):
        lead[shipped - dt.timedelta(days=shipped.weekday())].append(days)
    counted: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    rows = StockCount.objects.filter(
        state=StockCountState.POSTED, date__gte=first, date__lte=today
    ).values_list("date", "lines_total", "lines_within")
    for day, total, within in rows:
        week = counted[day - dt.timedelta(days=day.weekday())]
        week[0] += total
        week[1] += within
    result = []
    for i in range(weeks):
        start = first + dt.timedelta(days=7 * i)
        days = lead.get(start)
        avg = (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None
        total, within = counted.get(start, (0, 0))
        result.append(KpiWeek(start, avg, pct(within, total)))
    return result


# --- the dashboard ----------------------------------------------------------------------------


@dataclass
class Kpi:
    code: str
    label: object
    value: Decimal | int | None
    previous: Decimal | int | None = None
    kind: str = "amount"  # amount | pct | count | days
    url: str = ""
    note: object = ""
    lower_is_better: bool = False  # a rise shows red (days to deliver)

    @property
    def change(self) -> Decimal | None:
        """环比: the change against last month in per cent of last month."""
        if self.value is None or self.previous in (None, 0) or self.kind == "pct":
            return None
        return pct(Decimal(self.value) - Decimal(self.previous), abs(Decimal(self.previous)))

    @property
    def change_points(self) -> Decimal | None:
        if self.kind != "pct" or self.value is None or self.previous is None:
            return None
        return Decimal(self.value) - Decimal(self.previous)


def month_scope(month: dt.date) -> Scope:
    return Scope(month_start(month), month_end(month))


def dashboard_figures(month: dt.date, today: dt.date | None = None) -> dict:
    """The month's KPIs against last month's as plain figures (the view adds labels and links)."""
    today = today or timezone.localdate()
    this, last = month_scope(month), month_scope(previous_month(month))
    rev, rev_last = revenue_total(this), revenue_total(last)
    cost, cost_last = cost_total(this), cost_total(last)
    overdue, overdue_n = receivables_overdue(today)
    ok, n = on_time_delivery(this.date_from, this.date_to)
    ok_last, n_last = on_time_delivery(last.date_from, last.date_to)
    out, planned = production_yield(this.date_from, this.date_to)
    out_last, planned_last = production_yield(last.date_from, last.date_to)
    value_end = stock_value_total() if this.date_to >= today else stock_value_at(this.date_to)
    return {
        "revenue": (rev, rev_last),
        "margin": (rev - cost, rev_last - cost_last),
        "margin_pct": (pct(rev - cost, rev), pct(rev_last - cost_last, rev_last)),
        "overdue": (overdue, overdue_n),
        "stock_value": (value_end, stock_value_at(last.date_to)),
        "quarantine": quarantine_lots_waiting(),
        "on_time": (pct(ok, n), pct(ok_last, n_last)),
        "yield": (pct(out, planned), pct(out_last, planned_last)),
        "lead_days": (
            order_lead_days(this.date_from, this.date_to),
            order_lead_days(last.date_from, last.date_to),
        ),
        "accuracy": (
            count_accuracy(this.date_from, this.date_to),
            count_accuracy(last.date_from, last.date_to),
        ),
    }


def revenue_trend(month: dt.date, months: int = 12) -> list[ProfitRow]:
    """Revenue and margin per month for the `months` months up to `month` (missing months as
    zero rows), three queries."""
    start = months_back(month, months - 1)
    scope = Scope(start, month_end(month))
    found = {r.key: r for r in sales_rows(scope, "month")}
    rows, day = [], start
    for _i in range(months):
        rows.append(found.get(day, ProfitRow(day, day.strftime("%Y-%m"))))
        day = month_end(day) + dt.timedelta(days=1)
    return rows

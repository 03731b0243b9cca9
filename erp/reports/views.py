"""Management pack pages (管理报表): the dashboard, sales, cost and profit, stock, purchasing
and production analyses, and the drill-down from a figure to its documents and vouchers. Each
page keeps its filters in the URL (shareable) and exports its table as xlsx (?export=xlsx)."""

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View

from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.references import document_refs, document_type_label
from erp.reports import selectors as sel
from erp.reports.periods import month_end, month_start, parse_month, previous_month
from erp.reports.tables import PRINT_ROWS, Col, Link, Table, bar_chart

MANAGEMENT = "reports.view_management"
DATE = {"class": "form-control form-control-sm", "type": "date"}
SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}


def _url(name: str, query: dict | None = None, args=()) -> str:
    try:
        base = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    query = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def scope_query(scope: sel.Scope) -> dict:
    query: dict[str, Any] = {
        "date_from": scope.date_from.isoformat(),
        "date_to": scope.date_to.isoformat(),
    }
    for name in ("customer", "material", "category", "salesperson"):
        if getattr(scope, name) is not None:
            query[name] = getattr(scope, name)
    return query


def drill_url(kind: str, scope: sel.Scope) -> str:
    return _url("reports:drill", scope_query(scope), args=[kind])


def print_table(request, title, table: Table, period: str, note, filename: str):
    """The report as a landscape A4 PDF (company header, period, the table with its totals)."""
    from erp.core.printing import pdf_response

    table.limit = PRINT_ROWS
    context = {
        "title": title,
        "table": table,
        "totals": table.totals(),
        "period": period,
        "note": note,
    }
    return pdf_response(
        request,
        template_name="reports/print_table.html",
        context=context,
        filename=f"{filename}.pdf",
    )


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(DATE))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(DATE))
    dim = forms.ChoiceField(
        label=pgettext_lazy("report", "By"), required=False, widget=forms.Select(SELECT)
    )

    def __init__(self, *args, dims=(), **kwargs):
        super().__init__(*args, **kwargs)
        if dims:
            self.fields["dim"].choices = list(dims)
        else:
            del self.fields["dim"]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["date_from"] = data.get("date_from") or month_start(today)
        data["date_to"] = data.get("date_to") or month_end(today)
        if data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        if "dim" in self.fields and not data.get("dim"):
            data["dim"] = self.fields["dim"].choices[0][0]
        return data


class AnalysisPage(View):
    """GET: the filter form (dates default to this month), the table and chart, or the xlsx."""

    permission = MANAGEMENT
    title: Any = ""
    dims: tuple = ()
    filename = "report"
    template_name = "reports/analysis.html"
    note: Any = ""
    filters = True  # the period filter; False: a figure as of today

    def build(self, data: dict) -> tuple[Table, dict | None]:
        raise NotImplementedError

    def get(self, request):
        require_perm(request.user, self.permission)
        form = PeriodForm(request.GET or None, dims=self.dims)
        if request.GET and not form.is_valid():
            raise ValidationFailed(
                _("Some filters are not valid. Correct them and search again."),
                code="invalid_filter",
                fields={k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        if not request.GET:
            # The default period filled in, so the form shows the dates the table counts.
            today = timezone.localdate()
            defaults = {"date_from": month_start(today), "date_to": month_end(today)}
            if self.dims:
                defaults["dim"] = self.dims[0][0]
            form = PeriodForm(defaults, dims=self.dims)
            form.is_valid()
        data = form.cleaned_data
        table, chart = self.build(data)
        period = (
            f"{data['date_from']:%Y-%m-%d} ~ {data['date_to']:%Y-%m-%d}" if self.filters else ""
        )
        if request.GET.get("export") == "xlsx":
            return table.xlsx(title=str(self.title), filename=self.filename, title_rows=[period])
        if request.GET.get("export") == "pdf":
            return print_table(request, self.title, table, period, self.note, self.filename)
        return render(
            request,
            self.template_name,
            {
                "title": self.title,
                "form": form,
                "table": table,
                "totals": table.totals(),
                "chart": chart,
                "note": self.note,
                "filters": self.filters,
                "params": request.GET.urlencode(),
            },
        )


SALES_DIMS = (
    ("customer", _("Customer")),
    ("material", _("Material")),
    ("category", _("Material category")),
    ("salesperson", _("Salesperson")),
    ("month", _("Month")),
)


def _dim_label(dims, code) -> str:
    return str(dict(dims)[code])


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def comparison_scopes(scope: sel.Scope) -> tuple[sel.Scope, sel.Scope]:
    """(the period just before, of the same length: 环比; the same dates a year earlier: 同比)."""
    length = scope.date_to - scope.date_from
    before_end = scope.date_from - dt.timedelta(days=1)
    if scope.date_from.day == 1 and scope.date_to == month_end(scope.date_to):
        # Whole months compare with the same number of whole months before them.
        months = (
            (scope.date_to.year - scope.date_from.year) * 12
            + scope.date_to.month
            - scope.date_from.month
            + 1
        )
        start = scope.date_from
        for _i in range(months):
            start = previous_month(start)
        before = sel.Scope(start, before_end)
    else:
        before = sel.Scope(before_end - length, before_end)
    return before, sel.Scope(_year_before(scope.date_from), _year_before(scope.date_to))


class SalesAnalysis(AnalysisPage):
    title = _("Sales analysis")
    dims = SALES_DIMS
    filename = "sales-analysis"
    note = _(
        "Revenue is the amount excluding VAT of posted sales invoices by invoice date. Click a "
        "figure to see the invoices behind it. 环比 compares with the period just before, 同比 "
        "with the same dates a year earlier."
    )

    def build(self, data):
        scope = sel.Scope(data["date_from"], data["date_to"])
        dim = data["dim"]
        rows = sel.sales_rows(scope, dim, with_cost=False)
        compare = dim != "month"
        before, last_year = comparison_scopes(scope)
        if compare:
            before_rev = {r.key: r.revenue for r in sel.sales_rows(before, dim, with_cost=False)}
            year_rev = {r.key: r.revenue for r in sel.sales_rows(last_year, dim, with_cost=False)}
        abc = sel.abc_classes(rows)
        total = sum((r.revenue for r in rows), Decimal(0))
        columns = [
            Col(_dim_label(self.dims, dim)),
            Col(_("Quantity"), "qty", total=True),
            Col(_("Invoices"), "num"),
            Col(_("Revenue excl. VAT"), "amount", total=True),
            Col(_("Share %"), "pct"),
            Col(_("ABC")),
        ]
        if compare:
            columns += [
                Col(_("Previous period"), "amount", total=True),
                Col(_("Change vs previous period %"), "pct"),
                Col(_("Same period last year"), "amount", total=True),
                Col(_("Change vs last year %"), "pct"),
            ]
        table = Table(columns)
        for r in rows:
            link = drill_url("revenue", scope.narrowed(dim, r.key))
            values = [
                r.label or _("(none)"),
                r.quantity,
                r.documents,
                Link(r.revenue, link),
                sel.pct(r.revenue, total),
                abc.get(r.key, ""),
            ]
            if compare:
                prev, year = before_rev.get(r.key, Decimal(0)), year_rev.get(r.key, Decimal(0))
                values += [
                    Link(prev, drill_url("revenue", before.narrowed(dim, r.key))),
                    sel.pct(r.revenue - prev, prev) if prev else None,
                    Link(year, drill_url("revenue", last_year.narrowed(dim, r.key))),
                    sel.pct(r.revenue - year, year) if year else None,
                ]
            table.rows.append(values)
        top = rows if dim == "month" else rows[:10]
        chart = bar_chart(
            [r.label or "-" for r in top], [(str(_("Revenue")), [r.revenue for r in top], "bar")]
        )
        return table, chart


class ProfitAnalysis(AnalysisPage):
    title = _("Cost and profit analysis")
    dims = (
        ("material", _("Material")),
        ("customer", _("Customer")),
        ("category", _("Material category")),
        ("salesperson", _("Salesperson")),
        ("month", _("Month")),
    )
    filename = "profit-analysis"
    note = _(
        "Revenue: posted sales invoices excluding VAT. Cost of sales: the stock ledger's "
        "moving-average cost of posted deliveries less posted returns. Gross margin = revenue − "
        "cost of sales."
    )

    def build(self, data):
        scope = sel.Scope(data["date_from"], data["date_to"])
        dim = data["dim"]
        rows = sel.sales_rows(scope, dim)
        table = Table(
            [
                Col(_dim_label(self.dims, dim)),
                Col(_("Revenue excl. VAT"), "amount", total=True),
                Col(_("Cost of sales"), "amount", total=True),
                Col(_("Gross margin"), "amount", total=True),
                Col(_("Gross margin %"), "pct"),
            ]
        )
        for r in rows:
            narrowed = scope.narrowed(dim, r.key)
            table.rows.append(
                [
                    r.label or _("(none)"),
                    Link(r.revenue, drill_url("revenue", narrowed)),
                    Link(r.cost, drill_url("cost", narrowed)),
                    r.margin,
                    r.margin_pct,
                ]
            )
        top = rows if dim == "month" else rows[:10]
        chart = bar_chart(
            [r.label or "-" for r in top],
            [
                (str(_("Revenue")), [r.revenue for r in top], "bar"),
                (str(_("Gross margin")), [r.margin for r in top], "bar"),
            ],
        )
        return table, chart


class StockAnalysis(AnalysisPage):
    title = _("Stock analysis")
    filename = "stock-analysis"
    slow_days = 90
    filters = False
    note = _(
        "Stock value today per material category at the moving average; slow movers are "
        "materials in stock with no issue in the last 90 days."
    )

    def build(self, data):
        rows = sel.stock_by_category(slow_days=self.slow_days, today=timezone.localdate())
        slow = _url("inventory:report_slow", {"days": self.slow_days})
        table = Table(
            [
                Col(_("Material category")),
                Col(pgettext_lazy("report", "Materials"), "num"),
                Col(pgettext_lazy("report", "Stock value"), "amount", total=True),
                Col(_("Slow-moving value"), "amount", total=True),
                Col(_("Slow-moving %"), "pct"),
            ]
        )
        for r in rows:
            on_hand = _url("inventory:report_on_hand", {"category": r.key})
            table.rows.append(
                [
                    r.label or _("(none)"),
                    r.materials,
                    Link(r.value, on_hand),
                    Link(r.slow_value, slow + (f"&category={r.key}" if r.key else "")),
                    sel.pct(r.slow_value, r.value),
                ]
            )
        chart = bar_chart(
            [r.label or "-" for r in rows],
            [
                (str(pgettext_lazy("report", "Stock value")), [r.value for r in rows], "bar"),
                (str(_("Slow-moving value")), [r.slow_value for r in rows], "bar"),
            ],
        )
        return table, chart


class PurchaseAnalysis(AnalysisPage):
    title = _("Purchasing analysis")
    dims = (
        ("supplier", _("Supplier")),
        ("material", _("Material")),
        ("category", _("Material category")),
    )
    filename = "purchasing-analysis"
    note = _("Quantity and value received on posted goods receipts by receipt date.")

    def build(self, data):
        dim = data["dim"]
        rows = sel.purchase_rows(data["date_from"], data["date_to"], dim)
        table = Table(
            [
                Col(_dim_label(self.dims, dim)),
                Col(_("Receipts"), "num"),
                Col(_("Quantity"), "qty", total=True),
                Col(_("Received value"), "amount", total=True),
                Col(_("Average unit value"), "price"),
            ]
        )
        base = {"date_from": data["date_from"].isoformat(), "date_to": data["date_to"].isoformat()}
        for r in rows:
            link = drill_url_purchase(base, dim, r["key"])
            table.rows.append(
                [
                    r["label"] or _("(none)"),
                    r["documents"],
                    r["quantity"],
                    Link(r["value"], link),
                    r["unit"],
                ]
            )
        top = rows[:10]
        chart = bar_chart(
            [r["label"] or "-" for r in top],
            [(str(_("Received value")), [r["value"] for r in top], "bar")],
        )
        return table, chart


def drill_url_purchase(base: dict, dim: str, key) -> str:
    return _url(
        "reports:drill", {**base, f"p_{dim}": key if key is not None else 0}, args=["receipts"]
    )


class ProductionAnalysis(AnalysisPage):
    title = _("Production analysis")
    filename = "production-analysis"
    note = _(
        "Orders whose output was received in the period: yield = output ÷ planned quantity; "
        "standard cost = output × the product's standard cost; variance = actual − standard."
    )

    def build(self, data):
        orders = list(sel.production_rows(data["date_from"], data["date_to"]))
        table = Table(
            [
                Col(_("Production order")),
                Col(_("Completed on"), "date"),
                Col(_("Product")),
                Col(_("Planned quantity"), "qty", total=True),
                Col(_("Output quantity"), "qty", total=True),
                Col(pgettext_lazy("report", "Yield %"), "pct"),
                Col(_("Actual cost"), "amount", total=True),
                Col(_("Standard cost"), "amount", total=True),
                Col(_("Cost variance"), "amount", total=True),
            ]
        )
        for o in orders:
            standard = (o.standard or Decimal(0)).quantize(Decimal("0.01"))
            actual = o.actual_cost or Decimal(0)
            table.rows.append(
                [
                    Link(o.number, _url("production:productionorder_detail", args=[o.pk])),
                    o.output_lot.production_date if o.output_lot else None,
                    o.product.name,
                    o.quantity,
                    o.output_quantity,
                    sel.pct(o.output_quantity, o.quantity),
                    actual,
                    standard,
                    actual - standard,
                ]
            )
        chart = bar_chart(
            [o.number for o in orders[:20]],
            [
                (
                    str(pgettext_lazy("report", "Yield %")),
                    [sel.pct(o.output_quantity, o.quantity) for o in orders[:20]],
                    "bar",
                )
            ],
        )
        return table, chart


# --- drill-down --------------------------------------------------------------------------------

DRILLS = {
    "revenue": (_("Invoices behind the revenue"), _("Net amount")),
    "cost": (_("Deliveries and returns behind the cost of sales"), pgettext_lazy("report", "Cost")),
    "receipts": (_("Goods receipts behind the figure"), _("Received value")),
}


def _int_param(request, name):
    raw = request.GET.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(_("The link is not valid."), code="invalid_filter") from None


def _date_param(request, name: str, default: dt.date) -> dt.date:
    raw = request.GET.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(_("The link is not valid."), code="invalid_filter") from None


def drill(request, kind: str):
    """The documents behind one figure, each as number + link, with its vouchers (单据联查)."""
    require_perm(request.user, MANAGEMENT)
    if kind not in DRILLS:
        raise NotFound()
    title, amount_label = DRILLS[kind]
    today = timezone.localdate()
    date_from = _date_param(request, "date_from", month_start(today))
    date_to = _date_param(request, "date_to", month_end(today))
    if kind == "receipts":
        keys = {d: _int_param(request, f"p_{d}") for d in sel.PURCHASE_DIMENSIONS}
        rows = sel.receipt_documents(date_from, date_to, keys)
    else:
        scope = sel.Scope(
            date_from,
            date_to,
            **{
                n: _int_param(request, n)
                for n in ("customer", "material", "category", "salesperson")
            },
        )
        rows = sel.revenue_documents(scope) if kind == "revenue" else sel.cost_documents(scope)
    export = request.GET.get("export")
    table = Table(
        [
            Col(_("Document")),
            Col(_("Date"), "date"),
            Col(_("Partner")),
            Col(amount_label, "amount", total=True),
            Col(_("Vouchers")),
        ]
    )
    if export == "xlsx":
        _drill_plain_rows(table, rows)
    else:
        # Links (a URL per document and voucher) only for the rows the page or print shows.
        shown = PRINT_ROWS if export == "pdf" else table.limit
        _drill_linked_rows(table, rows[:shown])
        _drill_plain_rows(table, rows[shown:])
    if export == "pdf":
        period = f"{date_from:%Y-%m-%d} ~ {date_to:%Y-%m-%d}"
        return print_table(request, title, table, period, "", f"drill-{kind}")
    if export == "xlsx":
        return table.xlsx(
            title=str(title), filename=f"drill-{kind}", title_rows=[f"{date_from} ~ {date_to}"]
        )
    return render(
        request,
        "reports/drill.html",
        {
            "title": title,
            "table": table,
            "totals": table.totals(),
            "date_from": date_from,
            "date_to": date_to,
            "params": request.GET.urlencode(),
        },
    )


def _drill_linked_rows(table: Table, rows: list[sel.DrillRow]) -> None:
    refs = document_refs(
        [(r.doc_type, r.doc_id) for r in rows]
        + [("accounting.voucher", v) for r in rows for v in r.voucher_ids]
    )
    for r in rows:
        ref = refs[(r.doc_type, str(r.doc_id))]
        vouchers = [refs[("accounting.voucher", str(v))] for v in r.voucher_ids]
        table.rows.append(
            [Link(f"{ref.label} {ref.number}", ref.url), r.date, r.partner, r.amount, vouchers]
        )


def _drill_plain_rows(table: Table, rows: list[sel.DrillRow]) -> None:
    """Type + number and voucher numbers as text (the spreadsheet, rows past the screen)."""
    numbers = sel.voucher_numbers(rows)
    for r in rows:
        label = document_type_label(r.doc_type)
        vouchers = " ".join(numbers.get(v) or f"#{v}" for v in r.voucher_ids)
        table.rows.append([f"{label} {r.number}", r.date, r.partner, r.amount, vouchers])


# --- the dashboard (管理驾驶舱) ------------------------------------------------------------------


def dashboard(request):
    require_perm(request.user, MANAGEMENT)
    today = timezone.localdate()
    try:
        month = parse_month(request.GET.get("month"), today)
    except ValueError:
        raise ValidationFailed(_("Enter a month as 2026-03."), code="invalid_filter") from None
    f = sel.dashboard_figures(month, today)
    this = sel.month_scope(month)
    kpis = [
        sel.Kpi(
            "revenue", _("Sales revenue (excl. VAT)"), *f["revenue"], url=drill_url("revenue", this)
        ),
        sel.Kpi(
            "margin", _("Gross margin"), *f["margin"], url=_url("reports:profit", scope_query(this))
        ),
        sel.Kpi(
            "margin_pct",
            _("Gross margin %"),
            *f["margin_pct"],
            kind="pct",
            url=_url("reports:profit", scope_query(this)),
        ),
        sel.Kpi(
            "overdue",
            _("Receivables overdue"),
            f["overdue"][0],
            kind="amount",
            url=_url("accounting:arap_aging"),
            note=_("%(n)s open items past due today") % {"n": f["overdue"][1]},
        ),
        sel.Kpi(
            "stock_value",
            _("Inventory value (month end)"),
            *f["stock_value"],
            url=_url("reports:stock"),
        ),
        sel.Kpi(
            "quarantine",
            _("Quarantine lots waiting"),
            f["quarantine"],
            kind="count",
            url=_url("inventory:lots_expiring", {"status": "quarantine"}),
            note=_("now"),
        ),
        sel.Kpi(
            "on_time",
            _("On-time delivery"),
            *f["on_time"],
            kind="pct",
            note=_("delivered lines with a requested date"),
        ),
        sel.Kpi(
            "yield",
            _("Production yield"),
            *f["yield"],
            kind="pct",
            url=_url("reports:production", scope_query(this)),
        ),
        sel.Kpi(
            "lead_days",
            _("Order to delivery (days)"),
            *f["lead_days"],
            kind="days",
            note=_("average over the month's deliveries"),
            lower_is_better=True,
        ),
        sel.Kpi(
            "accuracy",
            _("Stock count accuracy"),
            *f["accuracy"],
            kind="pct",
            url=_url("inventory:report_accuracy"),
            note=_("posted counts of the month"),
        ),
    ]
    trend = sel.revenue_trend(month)
    trend_chart = bar_chart(
        [r.label for r in trend],
        [
            (str(_("Revenue")), [r.revenue for r in trend], "bar"),
            (str(_("Gross margin")), [r.margin for r in trend], "line"),
        ],
    )
    customers = sel.sales_rows(this, "customer", with_cost=False)[:5]
    customer_chart = bar_chart(
        [r.label for r in customers], [(str(_("Revenue")), [r.revenue for r in customers], "bar")]
    )
    weeks = sel.kpi_weeks(min(today, month_end(month)))
    kpi_chart = bar_chart(
        [w.start.strftime("%m-%d") for w in weeks],
        [
            (str(_("Order to delivery (days)")), [w.lead_days for w in weeks], "line"),
            (str(_("Stock count accuracy")), [w.accuracy for w in weeks], "line"),
        ],
    )
    # Days on the left axis, per cent on the right; a week without data is skipped, not zero.
    kpi_chart["yAxis"] = [{"type": "value", "name": str(_("days"))}, {"type": "value", "name": "%"}]
    kpi_chart["series"][1]["yAxisIndex"] = 1
    for series in kpi_chart["series"]:
        series["connectNulls"] = True
    context = {
        "kpi_chart": kpi_chart,
        "title": _("Management dashboard"),
        "month": month,
        "previous": previous_month(month).strftime("%Y-%m"),
        "next": (month_end(month) + dt.timedelta(days=1)).strftime("%Y-%m"),
        "kpis": kpis,
        "trend_chart": trend_chart,
        "customer_chart": customer_chart,
        "customers": [
            (r, drill_url("revenue", this.narrowed("customer", r.key))) for r in customers
        ],
    }
    return render(request, "reports/dashboard.html", context)

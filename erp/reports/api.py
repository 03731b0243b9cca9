"""/api/v1/reports/: the management figures and the report builder for integrators (a BI
tool, a WeChat mini-program), from the same selectors and checks as the pages. Amounts are
decimal strings with 2 places.

    GET  /reports/dashboard?month=2026-03        the dashboard's KPIs, this month and last
    GET  /reports/sales?dim=customer&date_from=&date_to=   revenue, cost, margin per row
    GET  /reports/datasets                       the builder datasets the caller may use
    POST /reports/builder/run {"dataset", "spec", "page"}  one page of a builder result
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from erp.core.access import require_perm
from erp.core.api_crud import actor
from erp.reports import builder
from erp.reports import selectors as sel
from erp.reports.periods import month_end, month_start, parse_month
from erp.reports.registry import datasets_for

router = Router(tags=["reports"])
MANAGEMENT = "reports.view_management"
PAGE_SIZE = 100


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class KpiOut(Schema):
    code: str
    value: str | None
    previous: str | None
    kind: str


class DashboardOut(Schema):
    month: str
    kpis: list[KpiOut]


@router.get("/reports/dashboard", response=DashboardOut)
def reports_dashboard(
    request: HttpRequest,
    month: str | None = Query(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM"),
):
    """The dashboard's figures of a month (default: this month) and of the month before."""
    require_perm(actor(request), MANAGEMENT)
    today = timezone.localdate()
    first = parse_month(month, today)
    f = sel.dashboard_figures(first, today)
    pairs = {
        "revenue": ("amount", f["revenue"]),
        "margin": ("amount", f["margin"]),
        "margin_pct": ("pct", f["margin_pct"]),
        "overdue": ("amount", (f["overdue"][0], None)),
        "stock_value": ("amount", f["stock_value"]),
        "quarantine": ("count", (f["quarantine"], None)),
        "on_time": ("pct", f["on_time"]),
        "yield": ("pct", f["yield"]),
        "lead_days": ("days", f["lead_days"]),
        "accuracy": ("pct", f["accuracy"]),
    }
    kpis = [
        {"code": code, "kind": kind, "value": _text(now), "previous": _text(before)}
        for code, (kind, (now, before)) in pairs.items()
    ]
    return {"month": first.strftime("%Y-%m"), "kpis": kpis}


class SalesRowOut(Schema):
    key: str | None
    label: str
    quantity: str
    revenue: str
    cost: str
    margin: str
    margin_pct: str | None
    invoices: int


@router.get("/reports/sales", response=list[SalesRowOut])
def reports_sales(
    request: HttpRequest,
    dim: Literal["customer", "material", "category", "salesperson", "month"] = "customer",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    """销售分析 / 成本利润分析 rows: revenue (posted invoices excl. VAT), cost of sales
    (deliveries less returns) and gross margin per customer, material, category, salesperson or
    month; dates default to this month."""
    require_perm(actor(request), MANAGEMENT)
    today = timezone.localdate()
    scope = sel.Scope(date_from or month_start(today), date_to or month_end(today))
    return [
        {
            "key": _text(r.key),
            "label": r.label,
            "quantity": f"{r.quantity:f}",
            "revenue": _text(r.revenue),
            "cost": _text(r.cost),
            "margin": _text(r.margin),
            "margin_pct": _text(r.margin_pct),
            "invoices": r.documents,
        }
        for r in sel.sales_rows(scope, dim)
    ]


class FieldOut(Schema):
    key: str
    label: str
    kind: str


class DatasetOut(Schema):
    code: str
    label: str
    fields: list[FieldOut]


@router.get("/reports/datasets", response=list[DatasetOut])
def reports_datasets(request: HttpRequest):
    """The report builder's datasets this caller may use (the view permission of each)."""
    require_perm(actor(request), "reports.view_savedreport")
    return [
        {
            "code": d.code,
            "label": str(d.label),
            "fields": [{"key": f.key, "label": str(f.label), "kind": f.kind} for f in d.fields],
        }
        for d in datasets_for(actor(request))
    ]


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid")
    dataset: str = Field(max_length=60)
    spec: dict = {}
    page: int = Field(1, ge=1)


class RunOut(Schema):
    headers: list[str]
    rows: list[list[str | int | None]]
    totals: list[str | int | None] | None
    count: int
    page: int
    pages: int


@router.post("/reports/builder/run", response=RunOut)
def reports_builder_run(request: HttpRequest, body: RunIn):
    """Run a builder definition (the spec a saved report stores: columns or group_by + sums,
    filters, period); unknown field keys are refused with a 400 naming them."""
    require_perm(actor(request), "reports.view_savedreport")
    spec = builder.spec_parse(body.dataset, body.spec, user=actor(request))
    qs = builder.spec_queryset(spec)
    count = qs.count()
    start = (body.page - 1) * PAGE_SIZE
    rows = [builder.spec_row(spec, r) for r in qs[start : start + PAGE_SIZE]]
    totals = builder.spec_totals(spec)

    def cell(v):
        return v if isinstance(v, int) and not isinstance(v, bool) else _text(v)

    return {
        "headers": [label for label, _kind in spec.headers()],
        "rows": [[cell(v) for v in row] for row in rows],
        "totals": None if totals is None else [cell(v) for v in totals],
        "count": count,
        "page": body.page,
        "pages": max(1, -(-count // PAGE_SIZE)),
    }

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from erp.core.access import require_perm
from erp.core.doc_kit.api import kit_api_register_app
from erp.purchasing import selectors, selectors_performance

router = Router(tags=["purchasing"])
kit_api_register_app(router, "purchasing")


class PriceHistoryRowOut(Schema):
    source: str  # "price_list" or "order"
    number: str
    state: str
    supplier_code: str
    material_code: str
    date: dt.date
    valid_to: dt.date | None
    min_quantity: Decimal | None
    quantity: Decimal | None
    price: Decimal
    price_includes_tax: bool


def _history_rows(history: dict) -> list[dict]:
    rows = [
        {
            "source": "price_list",
            "number": p.number,
            "state": p.state,
            "supplier_code": p.supplier.code,
            "material_code": p.material.code,
            "date": p.date,
            "valid_to": p.valid_to,
            "min_quantity": b.min_quantity,
            "quantity": None,
            "price": b.price,
            "price_includes_tax": p.price_includes_tax,
        }
        for p in history["price_lists"]
        for b in p.lines.all()
    ]
    rows += [
        {
            "source": "order",
            "number": x.document.number,
            "state": x.document.state,
            "supplier_code": x.document.supplier.code,
            "material_code": x.material.code,
            "date": x.document.date,
            "valid_to": None,
            "min_quantity": None,
            "quantity": x.quantity,
            "price": x.price,
            "price_includes_tax": x.price_includes_tax,
        }
        for x in history["order_lines"]
    ]
    return rows


@router.get("/supplier-price-history/", response=list[PriceHistoryRowOut])
def supplier_price_history(
    request: HttpRequest, supplier_id: int | None = None, material_id: int | None = None
):
    """Price lists (not drafts) and approved order prices, newest first within each source."""
    require_perm(request.auth, "purchasing.view_supplierprice")
    return _history_rows(selectors.price_history(supplier_id=supplier_id, material_id=material_id))


class SupplierPerformanceOut(Schema):
    supplier_id: int
    supplier_code: str
    supplier_name: str
    lines_dated: int
    lines_on_time: int
    on_time_pct: Decimal | None
    lines_settled: int
    lines_accurate: int
    accuracy_pct: Decimal | None
    lots: int
    lots_rejected: int
    rejection_pct: Decimal | None
    grir_invoiced: Decimal
    variance: Decimal
    variance_pct: Decimal | None


@router.get("/supplier-performance/", response=list[SupplierPerformanceOut])
def supplier_performance(
    request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None
):
    """On-time delivery, quantity accuracy, rejection rate and price variance per supplier
    (default period: 1 January of this year to today)."""
    require_perm(request.auth, "purchasing.view_purchaseorder")
    today = timezone.localdate()
    date_from = date_from or today.replace(month=1, day=1)
    date_to = date_to or today
    rows = selectors_performance.supplier_performance(date_from, date_to)
    fields = [f for f in SupplierPerformanceOut.model_fields if not f.startswith("supplier_")]
    return [
        {
            "supplier_id": r.supplier.pk,
            "supplier_code": r.supplier.code,
            "supplier_name": r.supplier.name,
            **{f: getattr(r, f) for f in fields},
        }
        for r in rows
    ]

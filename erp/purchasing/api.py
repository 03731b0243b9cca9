import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from erp.core.access import require_perm
from erp.core.doc_kit.api import kit_api_register_app
from erp.purchasing import selectors

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

"""/api/v1/other-receipts/, /other-issues/, /transfers/, /scraps/, /stock-counts/: list, read,
create draft (Idempotency-Key), PATCH draft, and transitions as POST /{id}/<action>. The same
services as the pages; a posted or cancelled document answers 409 to edits and transitions."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict

from erp.core.access import require_perm
from erp.core.api_crud import actor as _actor
from erp.core.doc_kit.api import kit_api_register_app
from erp.core.errors import NotFound
from erp.core.services.idempotency import idempotent
from erp.inventory.models import StockCount
from erp.inventory.services import count_found
from erp.inventory.services import counts as count_services

router = Router(tags=["inventory"])


# other receipts, other issues, transfers, scrap: declared in erp/inventory/kit.py
kit_api_register_app(router, "inventory")


# --- stock counts ------------------------------------------------------------------------


class CountIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None
    warehouse_id: int
    location_ids: list[int] = []
    category_ids: list[int] = []
    blind: bool = False
    tolerance_percent: Decimal = Decimal(0)
    note: str = ""


class CountLineOut(Schema):
    id: int
    line_no: int
    material_id: int
    location_id: int
    lot_id: int | None
    book_quantity: Decimal | None
    counted_quantity: Decimal | None


class CountOut(Schema):
    id: int
    number: str
    state: str
    date: dt.date
    warehouse_id: int
    blind: bool
    tolerance_percent: Decimal
    accuracy_percent: Decimal | None
    lines_total: int
    lines_within: int
    lines: list[CountLineOut]


class CountsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    counts: dict[int, Decimal | None]


def _count_out(count: StockCount, actor) -> dict:
    # A blind count (盲盘) hides book quantities from those who only count.
    show_book = count_services.count_book_visible(actor, count)
    return {
        **{
            f: getattr(count, f)
            for f in (
                "number",
                "state",
                "date",
                "warehouse_id",
                "blind",
                "tolerance_percent",
                "accuracy_percent",
                "lines_total",
                "lines_within",
            )
        },
        "id": count.pk,
        "lines": [
            {
                "id": ln.pk,
                "line_no": ln.line_no,
                "material_id": ln.material_id,
                "location_id": ln.location_id,
                "lot_id": ln.lot_id,
                "book_quantity": ln.book_quantity if show_book else None,
                "counted_quantity": ln.counted_quantity,
            }
            for ln in count.lines.all()
        ],
    }


def _count(count_id: int) -> StockCount:
    count = StockCount.objects.filter(pk=count_id).first()
    if count is None:
        raise NotFound()
    return count


@router.get("/stock-counts/", response=list[CountOut], operation_id="stockcount_list")
@paginate(PageNumberPagination)
def stock_count_list(request, state: str | None = None):
    require_perm(_actor(request), "inventory.view_stockcount")
    qs = StockCount.objects.prefetch_related("lines").order_by("-date", "-pk")
    if state:
        qs = qs.filter(state=state)
    return [_count_out(c, _actor(request)) for c in qs]


@router.get("/stock-counts/{count_id}", response=CountOut, operation_id="stockcount_read")
def stock_count_read(request, count_id: int):
    require_perm(_actor(request), "inventory.view_stockcount")
    return _count_out(_count(count_id), _actor(request))


@router.post("/stock-counts/", response={201: CountOut}, operation_id="stockcount_create")
def stock_count_create(request, body: CountIn):
    actor = _actor(request)

    def create():
        count = count_services.stock_count_create(actor=actor, header=body.dict())
        return 201, _count_out(count, actor)

    return idempotent(
        user=actor,
        key=request.headers.get("Idempotency-Key", ""),
        endpoint="stock-counts.create",
        create=create,
    )


@router.post("/stock-counts/{count_id}/counts", response=CountOut, operation_id="stockcount_enter")
def stock_count_enter(request, count_id: int, body: CountsIn):
    actor = _actor(request)
    count = count_services.stock_count_enter(actor=actor, count_id=count_id, counts=body.counts)
    return _count_out(count, actor)


class FoundLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    material_id: int
    location_id: int
    counted_quantity: Decimal
    lot_id: int | None = None
    lot_number: str = ""


@router.post(
    "/stock-counts/{count_id}/lines", response={201: CountOut}, operation_id="stockcount_found"
)
def stock_count_found(request, count_id: int, body: FoundLineIn):
    """Found stock the snapshot does not list: a line with book quantity 0, counted as given."""
    actor = _actor(request)
    count_found.stock_count_line_add(actor=actor, count_id=count_id, **body.dict())
    return 201, _count_out(_count(count_id), actor)


def _count_action(name: str):
    service = {
        "freeze": count_services.stock_count_freeze,
        "post": count_services.stock_count_post,
        "cancel": count_services.stock_count_cancel,
    }[name]

    @router.post(
        f"/stock-counts/{{count_id}}/{name}", response=CountOut, operation_id=f"stockcount_{name}"
    )
    def action(request, count_id: int):
        actor = _actor(request)
        return _count_out(service(actor=actor, count_id=count_id), actor)


for _name in ("freeze", "post", "cancel"):
    _count_action(_name)


from erp.inventory import api_reports  # noqa: E402, F401  (reports endpoints on this router)

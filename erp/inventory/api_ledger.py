"""/api/v1/stock-moves/: the stock ledger (库存流水), read-only.

Filters: `material_id`, `lot_id`, `location_id` and `warehouse_id` (either side of the move),
`date_from`/`date_to` (posting date, inclusive), `source_type` ("inventory.otherreceipt"),
`source_id`, `move_type`. Paged in SQL (`page`/`page_size` or `limit`/`offset`): one count,
one page query joining material, lot and locations, and one query per source document type
for the source references (类型名 + 单号 + link). Quantities and amounts are decimal strings."""

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Schema
from ninja.pagination import paginate

from erp.core.api_crud import actor, found
from erp.core.api_pagination import ErpPagination
from erp.core.references import refs_attach
from erp.inventory import selectors_ledger as sel
from erp.inventory.api import router

TAGS = ["inventory: stock ledger"]
ID = {"ge": 1, "le": 2**63 - 1}


class SourceOut(Schema):
    type: str
    id: str
    label: str
    number: str
    url: str


class StockMoveOut(Schema):
    id: int
    posting_date: dt.date
    posted_at: dt.datetime
    move_type: str
    move_type_label: str
    material_id: int
    material_code: str
    material_name: str
    unit: str
    lot_id: int | None
    lot_number: str | None
    from_location: str | None
    to_location: str | None
    quantity: Decimal
    unit_cost: Decimal
    value: Decimal
    reason: str
    sequence: int
    source: SourceOut | None
    source_line_id: str
    reverses_id: int | None
    actor: str | None

    @staticmethod
    def resolve_move_type_label(obj) -> str:
        return str(obj.get_move_type_display())

    @staticmethod
    def resolve_material_code(obj) -> str:
        return obj.material.code

    @staticmethod
    def resolve_material_name(obj) -> str:
        return obj.material.name

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.material.base_unit.code

    @staticmethod
    def resolve_lot_number(obj) -> str | None:
        return obj.lot.number if obj.lot_id else None

    @staticmethod
    def resolve_from_location(obj) -> str | None:
        return obj.from_location.code if obj.from_location_id else None

    @staticmethod
    def resolve_to_location(obj) -> str | None:
        return obj.to_location.code if obj.to_location_id else None

    @staticmethod
    def resolve_source(obj) -> dict | None:
        ref = getattr(obj, "source_ref", None)
        return ref.as_json() if ref is not None else None

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None


@router.get("/stock-moves/", response=list[StockMoveOut], operation_id="stockmove_list", tags=TAGS)
@paginate(ErpPagination, decorate=refs_attach)
def stock_move_list(
    request: HttpRequest,
    material_id: int | None = Query(None, **ID),
    lot_id: int | None = Query(None, **ID),
    location_id: int | None = Query(None, **ID),
    warehouse_id: int | None = Query(None, **ID),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source_type: str = Query("", max_length=60, pattern=r"^[a-z_]*(\.[a-z_]+)?$"),
    source_id: str = Query("", max_length=60),
    move_type: str = Query("", max_length=30),
):
    """Posted stock moves, newest first."""
    return sel.stock_moves_list(
        actor(request),
        material_id=material_id,
        lot_id=lot_id,
        location_id=location_id,
        warehouse_id=warehouse_id,
        date_from=date_from,
        date_to=date_to,
        source_type=source_type,
        source_id=source_id,
        move_type=move_type,
    )


@router.get(
    "/stock-moves/{move_id}", response=StockMoveOut, operation_id="stockmove_read", tags=TAGS
)
def stock_move_read(request: HttpRequest, move_id: int):
    return refs_attach([found(sel.stock_move_get(actor(request), move_id))])[0]

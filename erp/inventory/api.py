"""/api/v1/other-receipts/, /other-issues/, /transfers/, /scraps/, /stock-counts/: list, read,
create draft (Idempotency-Key), PATCH draft, and transitions as POST /{id}/<action> come from
the document kit (declared in erp/inventory/kit.py). Here: what only a stock count has —
entering counts and adding found stock."""

from decimal import Decimal

from ninja import Router, Schema
from pydantic import ConfigDict

from erp.core.api_crud import actor as _actor
from erp.core.doc_kit.api import kit_api_register_app
from erp.core.errors import NotFound
from erp.inventory.kit import CountOut, count_api_dump
from erp.inventory.models import StockCount
from erp.inventory.services import count_found
from erp.inventory.services import counts as count_services

router = Router(tags=["inventory"])


# other receipts, other issues, transfers, scrap, stock counts: declared in kit.py
kit_api_register_app(router, "inventory")


# --- stock counts: counting ----------------------------------------------------------------


class CountsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    counts: dict[int, Decimal | None]


def _count_out(count: StockCount, actor) -> dict:
    return count_api_dump(actor, count)


def _count(count_id: int) -> StockCount:
    count = StockCount.objects.filter(pk=count_id).first()
    if count is None:
        raise NotFound()
    return count


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


# reports and stock ledger endpoints on this router
from erp.inventory import api_ledger, api_reports  # noqa: E402, F401

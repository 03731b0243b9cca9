"""The stock ledger as the API lists it (GET /api/v1/stock-moves/): posted moves filtered in SQL,
newest first, with material, lot, locations and actor joined in the same query."""

import datetime as dt

from django.db.models import Q, QuerySet

from erp.core.access import require_perm
from erp.inventory.models import StockMove


def stock_moves_list(
    actor,
    *,
    material_id: int | None = None,
    lot_id: int | None = None,
    location_id: int | None = None,
    warehouse_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source_type: str = "",
    source_id: str = "",
    move_type: str = "",
) -> QuerySet[StockMove]:
    """Moves matching every given filter; `location_id`/`warehouse_id` match either side."""
    require_perm(actor, "inventory.view_stockmove")
    qs = StockMove.objects.select_related(
        "material", "material__base_unit", "lot", "from_location", "to_location", "actor"
    ).order_by("-posting_date", "-posted_at", "-pk")
    if material_id is not None:
        qs = qs.filter(material_id=material_id)
    if lot_id is not None:
        qs = qs.filter(lot_id=lot_id)
    if location_id is not None:
        qs = qs.filter(Q(from_location_id=location_id) | Q(to_location_id=location_id))
    if warehouse_id is not None:
        qs = qs.filter(
            Q(from_location__warehouse_id=warehouse_id) | Q(to_location__warehouse_id=warehouse_id)
        )
    if date_from is not None:
        qs = qs.filter(posting_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(posting_date__lte=date_to)
    if source_type:
        qs = qs.filter(source_type=source_type)
    if source_id:
        qs = qs.filter(source_id=source_id)
    if move_type:
        qs = qs.filter(move_type=move_type)
    return qs


def stock_move_get(actor, move_id: int) -> StockMove | None:
    require_perm(actor, "inventory.view_stockmove")
    return stock_moves_list(actor).filter(pk=move_id).first()

"""Inventory reads for other systems, on the inventory router (imported at the bottom of
api.py): /lots/ (list, read, POST /{id}/change-status), /stock-balances/ (list with an
ordering allowlist), /stock-on-hand/ (today or as of a past date) and /stock-available/.
Reads go through the selectors; the one write (lot status) through its service."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from erp.core.access import require_perm
from erp.core.api_pagination import ErpPagination
from erp.core.errors import NotFound, ValidationFailed
from erp.core.money import round_amount, round_quantity
from erp.inventory import selectors_reports as sel
from erp.inventory.api import _actor, router
from erp.inventory.models import Lot
from erp.inventory.selectors import available_qty
from erp.inventory.services.lots import lot_status_change
from erp.inventory.states import LotStatus
from erp.masterdata.models import Material, Warehouse
from erp.masterdata.selectors import checked_ordering


class LotOut(Schema):
    id: int
    number: str
    material_id: int
    material_code: str
    supplier_lot: str
    production_date: dt.date | None
    expiry_date: dt.date | None
    status: str
    on_hand: Decimal
    stock_value: Decimal


class LotAttributeOut(Schema):
    name: str
    value: str
    unit: str


class LotStatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    actor: str | None
    at: dt.datetime


class LotBalanceOut(Schema):
    location_id: int
    location_code: str
    warehouse_id: int
    on_hand: Decimal
    reserved: Decimal
    value: Decimal


class LotDetailOut(LotOut):
    attributes: list[LotAttributeOut]
    history: list[LotStatusChangeOut]
    balances: list[LotBalanceOut]


class LotStatusIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: str
    reason: str


class BalanceOut(Schema):
    id: int
    material_id: int
    material_code: str
    location_id: int
    location_code: str
    warehouse_id: int
    lot_id: int | None
    lot_number: str | None
    on_hand: Decimal
    reserved: Decimal
    value: Decimal


class OnHandFilter(Schema):
    material_id: int | None = None
    warehouse_id: int | None = None
    location_id: int | None = None
    lot_id: int | None = None
    category_id: int | None = None


class OnHandRowOut(Schema):
    material_id: int
    material_code: str
    warehouse_id: int | None
    location_id: int | None
    lot_id: int | None
    quantity: Decimal
    value: Decimal


class OnHandOut(Schema):
    on_date: dt.date
    group: str
    rows: list[OnHandRowOut]


class AvailableOut(Schema):
    material_id: int
    warehouse_id: int | None
    on_date: dt.date
    available: Decimal


def _lot_out(lot: Lot) -> dict:
    return {
        **{
            f: getattr(lot, f)
            for f in ("number", "material_id", "supplier_lot", "production_date", "expiry_date")
        },
        "id": lot.pk,
        "material_code": lot.material.code,
        "status": lot.status,
        # Sums come back from SQLite unscaled ("10"): answer with the fields' places.
        "on_hand": round_quantity(lot.on_hand),
        "stock_value": round_amount(lot.stock_value),
    }


def _lot(lot_id: int) -> Lot:
    lot = sel.lots_annotated().filter(pk=lot_id).first()
    if lot is None:
        raise NotFound()
    return lot


def _lot_detail(lot: Lot) -> dict:
    trace = sel.lot_trace(lot_id=lot.pk)
    return {
        **_lot_out(lot),
        "attributes": [
            {
                "name": a.name,
                "value": a.value_text if a.value_decimal is None else str(a.value_decimal),
                "unit": a.unit,
            }
            for a in trace.attributes
        ],
        "history": [
            {
                "from_status": h.from_status,
                "to_status": h.to_status,
                "reason": h.reason,
                "actor": h.actor.username if h.actor else None,
                "at": h.at,
            }
            for h in trace.history
        ],
        "balances": [
            {
                "location_id": b.location_id,
                "location_code": b.location.code,
                "warehouse_id": b.location.warehouse_id,
                "on_hand": b.on_hand,
                "reserved": b.reserved,
                "value": b.value,
            }
            for b in trace.balances
        ],
    }


def _status(value: str) -> str:
    if value and value not in LotStatus.values:
        raise ValidationFailed(
            _("Unknown lot status “%(value)s”. Use one of: %(allowed)s.")
            % {"value": value[:40], "allowed": ", ".join(LotStatus.values)},
            code="invalid_lot_status",
        )
    return value


def _lots_out(items: list) -> None:
    """The page's lots as answers, after the page was cut in SQL (never every lot)."""
    items[:] = [_lot_out(lot) for lot in items]


@router.get("/lots/", response=list[LotOut], operation_id="lot_list")
@paginate(ErpPagination, decorate=_lots_out)
def lot_list(
    request,
    material_id: int | None = None,
    status: str = "",
    expiring_within_days: int | None = None,
):
    """Lots of a material / status; `expiring_within_days=N` lists lots with stock that
    expire within N days (expired ones included)."""
    require_perm(_actor(request), "inventory.view_lot")
    if expiring_within_days is not None and not 0 <= expiring_within_days <= 3650:
        raise ValidationFailed(
            _("Enter expiring_within_days between 0 and 3650."), code="invalid_days"
        )
    return sel.lots_list(
        material=material_id, status=_status(status), expiring_within_days=expiring_within_days
    )


@router.get("/lots/{lot_id}", response=LotDetailOut, operation_id="lot_read")
def lot_read(request, lot_id: int):
    require_perm(_actor(request), "inventory.view_lot")
    return _lot_detail(_lot(lot_id))


@router.post("/lots/{lot_id}/change-status", response=LotDetailOut, operation_id="lot_status")
def lot_change_status(request, lot_id: int, body: LotStatusIn):
    """Quality decision on a lot (待检/合格/不合格/冻结); the reason goes into its history."""
    lot_status_change(actor=_actor(request), lot_id=lot_id, status=body.status, reason=body.reason)
    return _lot_detail(_lot(lot_id))


@router.get("/stock-balances/", response=list[BalanceOut], operation_id="stockbalance_list")
@paginate(ErpPagination)
def stock_balance_list(request, filters: Query[OnHandFilter], ordering: str = "material__code"):
    """Balance rows with stock, per material/location/lot. Ordering from an allowlist."""
    require_perm(_actor(request), "inventory.view_stockbalance")
    qs = sel.balances_list(
        flt=_stock_filter(filters), ordering=checked_ordering(ordering, sel.BALANCE_ORDERINGS)
    )
    return [
        {
            "id": b.pk,
            "material_id": b.material_id,
            "material_code": b.material.code,
            "location_id": b.location_id,
            "location_code": b.location.code,
            "warehouse_id": b.location.warehouse_id,
            "lot_id": b.lot_id,
            "lot_number": b.lot.number if b.lot else None,
            "on_hand": b.on_hand,
            "reserved": b.reserved,
            "value": b.value,
        }
        for b in qs
    ]


def _stock_filter(filters: OnHandFilter) -> sel.StockFilter:
    return sel.StockFilter(
        material=filters.material_id,
        warehouse=filters.warehouse_id,
        location=filters.location_id,
        lot=filters.lot_id,
        category=filters.category_id,
    )


@router.get("/stock-on-hand/", response=OnHandOut, operation_id="stock_on_hand")
def stock_on_hand(
    request, filters: Query[OnHandFilter], group: str = "material", on_date: dt.date | None = None
):
    """On hand and value grouped by material / warehouse / location / lot, today (balances) or
    as of the end of a past posting date (summed from the ledger)."""
    require_perm(_actor(request), "inventory.view_stockbalance")
    if group not in sel.GROUPS:
        raise ValidationFailed(
            _("Group by one of: %(allowed)s.") % {"allowed": ", ".join(sel.GROUPS)},
            code="invalid_group",
        )
    today = timezone.localdate()
    rows = sel.on_hand_rows(group=group, flt=_stock_filter(filters), on_date=on_date)
    return {
        "on_date": min(on_date or today, today),
        "group": group,
        "rows": [
            {
                "material_id": r.material.pk,
                "material_code": r.material.code,
                "warehouse_id": r.warehouse.pk if r.warehouse else None,
                "location_id": r.location.pk if r.location else None,
                "lot_id": r.lot.pk if r.lot else None,
                "quantity": round_quantity(r.quantity),
                "value": round_amount(r.value),
            }
            for r in rows
        ],
    }


@router.get("/stock-available/", response=AvailableOut, operation_id="stock_available")
def stock_available(request, material_id: int, warehouse_id: int | None = None):
    """Available = on hand − reserved over released, unexpired lots (and non-batch stock)."""
    require_perm(_actor(request), "inventory.view_stockbalance")
    if not Material.objects.filter(pk=material_id).exists():
        raise NotFound()
    if warehouse_id is not None and not Warehouse.objects.filter(pk=warehouse_id).exists():
        raise NotFound()
    return {
        "material_id": material_id,
        "warehouse_id": warehouse_id,
        "on_date": timezone.localdate(),
        "available": round_quantity(available_qty(material=material_id, warehouse=warehouse_id)),
    }

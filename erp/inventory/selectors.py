"""Inventory reads: available and on-hand quantities, FEFO picking, ledger queries."""

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from erp.inventory import errors
from erp.inventory.models import Lot, StockBalance, StockMove
from erp.inventory.states import LotStatus

ZERO = Decimal(0)
_QTY = DecimalField(max_digits=18, decimal_places=4)


def _pk(obj) -> int | None:
    return getattr(obj, "pk", obj)


def usable_balances(
    *, material, location=None, warehouse=None, lot=None, on_date: date | None = None
) -> QuerySet[StockBalance]:
    """Balances whose stock may be issued or reserved: no lot (non-batch material), or a
    released lot not past its expiry date on `on_date` (default today)."""
    on_date = on_date or timezone.localdate()
    qs = StockBalance.objects.filter(material_id=_pk(material), on_hand__gt=0)
    if location is not None:
        qs = qs.filter(location_id=_pk(location))
    elif warehouse is not None:
        qs = qs.filter(location__warehouse_id=_pk(warehouse))
    if lot is not None:
        qs = qs.filter(lot_id=_pk(lot))
    return qs.filter(
        Q(lot__isnull=True)
        | Q(lot__status=LotStatus.RELEASED)
        & (Q(lot__expiry_date__isnull=True) | Q(lot__expiry_date__gte=on_date))
    )


def available_qty(
    *, material, location=None, warehouse=None, lot=None, on_date: date | None = None
) -> Decimal:
    """Available = on hand − reserved, over released, unexpired lots (and non-batch stock)."""
    qs = usable_balances(
        material=material, location=location, warehouse=warehouse, lot=lot, on_date=on_date
    )
    total = qs.aggregate(
        q=Coalesce(Sum(F("on_hand") - F("reserved"), output_field=_QTY), Value(ZERO))
    )["q"]
    return Decimal(total)


class FefoPick(NamedTuple):
    lot: Lot | None
    quantity: Decimal
    location_id: int


def fefo_balances(
    *,
    material,
    location=None,
    warehouse=None,
    on_date: date | None = None,
    min_expiry: date | None = None,
):
    """Usable balances with stock free to take, in first-expiry-first-out order: lots without
    an expiry date last; ties go to the older production date, then the lot number, then the
    bin. `min_expiry` keeps only lots lasting until then (a customer's remaining shelf life)."""
    rows = (
        usable_balances(material=material, location=location, warehouse=warehouse, on_date=on_date)
        .filter(on_hand__gt=F("reserved"))
        .select_related("lot")
        .order_by(
            F("lot__expiry_date").asc(nulls_last=True),
            F("lot__production_date").asc(nulls_last=True),
            "lot__number",
            "location_id",
        )
    )
    if min_expiry is not None:
        rows = rows.filter(Q(lot__expiry_date__isnull=True) | Q(lot__expiry_date__gte=min_expiry))
    return rows


def lots_pick_fefo(
    *, material, quantity: Decimal, location=None, warehouse=None, on_date: date | None = None
) -> list[FefoPick]:
    """First expiry, first out: which lots (and bins) to take `quantity` from. Refuses with
    the available quantity when there is not enough."""
    rows = fefo_balances(material=material, location=location, warehouse=warehouse, on_date=on_date)
    picks: list[FefoPick] = []
    remaining = quantity
    for bal in rows:
        take = min(bal.on_hand - bal.reserved, remaining)
        picks.append(FefoPick(bal.lot, take, bal.location_id))
        remaining -= take
        if remaining == 0:
            return picks
    raise errors.not_enough_available(
        material=material, available=quantity - remaining, requested=quantity
    )


def on_hand_by_material(
    *, location=None, warehouse=None, material=None, on_date: date | None = None
) -> dict[int, Decimal]:
    """On hand per material in a location or warehouse (all lots, any status). Today's figure
    comes from the balances; a past date is summed from the ledger up to that posting date."""
    if on_date is None or on_date >= timezone.localdate():
        qs = StockBalance.objects.filter(on_hand__gt=0)  # served by index balance_in_stock
        if location is not None:
            qs = qs.filter(location_id=_pk(location))
        elif warehouse is not None:
            qs = qs.filter(location__warehouse_id=_pk(warehouse))
        if material is not None:
            qs = qs.filter(material_id=_pk(material))
        rows = qs.values("material_id").annotate(q=Sum("on_hand")).order_by()
        return {r["material_id"]: r["q"] for r in rows if r["q"]}
    return _on_hand_from_ledger(location, warehouse, material, on_date)


def _on_hand_from_ledger(location, warehouse, material, on_date: date) -> dict[int, Decimal]:
    moves = StockMove.objects.filter(posting_date__lte=on_date)
    if material is not None:
        moves = moves.filter(material_id=_pk(material))
    if location is not None:
        into, out = Q(to_location_id=_pk(location)), Q(from_location_id=_pk(location))
    elif warehouse is not None:
        into = Q(to_location__warehouse_id=_pk(warehouse))
        out = Q(from_location__warehouse_id=_pk(warehouse))
    else:
        into, out = Q(to_location__isnull=False), Q(from_location__isnull=False)
    result: dict[int, Decimal] = {}
    for cond, sign in ((into, 1), (out, -1)):
        for r in moves.filter(cond).values("material_id").annotate(q=Sum("quantity")).order_by():
            result[r["material_id"]] = result.get(r["material_id"], ZERO) + sign * r["q"]
    return {m: q for m, q in result.items() if q}


def moves_of_source(*, source_type: str, source_id) -> QuerySet[StockMove]:
    return StockMove.objects.filter(source_type=source_type, source_id=str(source_id)).order_by(
        "material_id", "sequence"
    )


def lot_statuses(lot_ids) -> dict[int, str]:
    """Quality status (LotStatus value) of each given lot: for other apps' reports (a
    supplier's rejection rate) without reading the Lot table themselves."""
    return dict(Lot.objects.filter(pk__in=set(lot_ids)).values_list("pk", "status"))

"""Reservations: stock promised to a document line, which lowers available stock."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from erp.core.access import require_perm
from erp.core.services.audit import audit_record
from erp.inventory import errors
from erp.inventory.models import Lot, Reservation, StockBalance
from erp.inventory.selectors import lots_pick_fefo
from erp.inventory.services.posting import (
    StockSource,
    rows_update,
    stock_lock,
    valuations_lock,
)
from erp.inventory.services.retry import posting_retried
from erp.inventory.services.stock import _masters, _quantity
from erp.inventory.states import LotStatus


@dataclass(frozen=True)
class ReserveLine:
    """Without lot_id, a batch-managed material is reserved FEFO over the location's lots."""

    material_id: int
    location_id: int
    quantity: Decimal
    lot_id: int | None = None
    source_line_id: str = ""


@posting_retried
def stock_reserve(*, actor, source: StockSource, lines: list[ReserveLine]) -> list[Reservation]:
    require_perm(actor, "inventory.add_reservation")
    with transaction.atomic():
        materials, locations, lots = _masters(
            [ln.material_id for ln in lines],
            [ln.location_id for ln in lines],
            [ln.lot_id for ln in lines],
        )
        wanted = []  # (material, location, lot, qty, line id)
        # FEFO picks under the materials' valuation locks (the gate's first lock), so a posting
        # cannot take the picked stock between the pick and the reservation.
        fefo = {
            ln.material_id
            for ln in lines
            if materials[ln.material_id].batch_managed and not ln.lot_id
        }
        if fefo:
            valuations_lock(material_ids=fefo)
        for ln in lines:
            material, qty = materials[ln.material_id], _quantity(ln.quantity)
            if material.batch_managed and not ln.lot_id:
                picks = lots_pick_fefo(material=material, quantity=qty, location=ln.location_id)
                wanted += [
                    (material, locations[ln.location_id], p.lot, p.quantity, ln) for p in picks
                ]
            else:
                wanted.append((material, locations[ln.location_id], lots.get(ln.lot_id), qty, ln))
        keys = [(m.pk, loc.pk, lot.pk if lot else None) for m, loc, lot, _q, _l in wanted]
        balances = stock_lock(keys=keys)
        rows = [
            _reserve_one(balances[k], w, source, actor) for k, w in zip(keys, wanted, strict=True)
        ]
        rows_update(StockBalance, list(balances.values()), ["reserved"])
        Reservation.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="create",
            object_type="inventory.reservation",
            object_id=f"{source.type}:{source.id}",
            object_repr=f"{source.type} {source.id}",
            changes={
                "reserved": [[r.material_id, r.location_id, r.lot_id, r.quantity] for r in rows]
            },
        )
        return rows


def _reserve_one(balance: StockBalance, wanted, source: StockSource, actor) -> Reservation:
    material, location, lot, qty, line = wanted
    if lot is not None:
        lot = Lot.objects.get(pk=lot.pk)  # status read after the lot lock in stock_lock
        if lot.status != LotStatus.RELEASED:
            raise errors.lot_status_refused(lot, "reserve")
        today = timezone.localdate()
        if lot.expiry_date is not None and lot.expiry_date < today:
            raise errors.lot_expired(lot, today)
    available = balance.on_hand - balance.reserved
    if qty > available:
        raise errors.insufficient_stock(
            material=material, location=location, lot=lot, available=available, requested=qty
        )
    balance.reserved += qty
    return Reservation(
        material=material,
        location=location,
        lot=lot,
        quantity=qty,
        source_type=source.type,
        source_id=str(source.id),
        source_line_id=str(line.source_line_id),
        actor=actor,
    )


@posting_retried
def stock_release_reservation(
    *, actor, source: StockSource, source_line_id: str | None = None
) -> int:
    """Release what a document (or one of its lines) still holds. Returns the number of
    reservations released (0 when there was nothing left, e.g. after the issue)."""
    require_perm(actor, "inventory.delete_reservation")
    with transaction.atomic():
        qs = Reservation.objects.filter(source_type=source.type, source_id=str(source.id))
        if source_line_id is not None:
            qs = qs.filter(source_line_id=str(source_line_id))
        rows = list(qs)
        if not rows:
            return 0
        keys = sorted({(r.material_id, r.location_id, r.lot_id) for r in rows}, key=str)
        balances = stock_lock(keys=keys)
        for r in rows:
            balances[(r.material_id, r.location_id, r.lot_id)].reserved -= r.quantity
        rows_update(StockBalance, list(balances.values()), ["reserved"])
        Reservation.objects.filter(pk__in=[r.pk for r in rows]).delete()
        audit_record(
            actor=actor,
            action="delete",
            object_type="inventory.reservation",
            object_id=f"{source.type}:{source.id}",
            object_repr=f"{source.type} {source.id}",
            changes={"released": [[r.material_id, r.lot_id, r.quantity] for r in rows]},
            note="" if source_line_id is None else f"line {source_line_id}",
        )
        return len(rows)


__all__ = ["ReserveLine", "stock_release_reservation", "stock_reserve"]

"""Stock postings other apps call: receive, issue, transfer, scrap, count adjustment, reversal.

Each is one transaction through the posting gate (services/posting.py), retried a bounded
number of times on a PostgreSQL serialization failure or deadlock.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import Conflict
from erp.core.money import round_amount, round_quantity, round_unit_price
from erp.inventory import errors
from erp.inventory.models import Lot, StockMove
from erp.inventory.move_types import IN, OUT, move_type_get
from erp.inventory.selectors import lots_pick_fefo
from erp.inventory.services.lots import LotRequest, lots_for_receipt
from erp.inventory.services.posting import (
    MoveSpec,
    StockSource,
    moves_post,
    stock_lock,
    valuations_lock,
)
from erp.inventory.services.retry import posting_retried
from erp.inventory.states import MoveType
from erp.masterdata.models import Location, Material


@dataclass(frozen=True)
class ReceiptLine:
    material_id: int
    location_id: int
    quantity: Decimal
    unit_cost: Decimal
    lot_id: int | None = None
    lot_number: str = ""
    supplier_lot: str = ""
    production_date: date | None = None
    expiry_date: date | None = None
    source_line_id: str = ""
    # The exact line value when the document knows it (a price per purchase unit converted to
    # the base unit): posted as is, unit_cost then only shows value / quantity.
    value: Decimal | None = None


@dataclass(frozen=True)
class IssueLine:
    """An outflow line. Without lot_id, a batch-managed material is picked FEFO at the
    location."""

    material_id: int
    location_id: int
    quantity: Decimal
    lot_id: int | None = None
    source_line_id: str = ""
    # A fixed outflow value (a purchase return leaves at the received cost); None: average.
    value: Decimal | None = None


@dataclass(frozen=True)
class TransferLine:
    material_id: int
    from_location_id: int
    to_location_id: int
    quantity: Decimal
    lot_id: int | None = None
    source_line_id: str = ""


@dataclass(frozen=True)
class CountLine:
    material_id: int
    location_id: int
    counted_quantity: Decimal
    lot_id: int | None = None
    source_line_id: str = ""


def _quantity(value, *, allow_zero: bool = False) -> Decimal:
    if isinstance(value, float):
        raise TypeError("pass Decimal or str quantities, never float")
    qty = round_quantity(value)
    if qty < 0 or (qty == 0 and not allow_zero):
        raise errors.invalid_line(_("Enter a quantity greater than zero."), quantity=str(value))
    return qty


def _masters(material_ids, location_ids, lot_ids=()) -> tuple[dict, dict, dict]:
    materials = Material.objects.in_bulk(set(material_ids))
    locations = Location.objects.select_related("warehouse").in_bulk(set(location_ids))
    lots = Lot.objects.in_bulk({i for i in lot_ids if i})
    if len(materials) != len(set(material_ids)) or len(locations) != len(set(location_ids)):
        raise errors.invalid_line(
            _("A material or location on a line does not exist. Choose it from the list.")
        )
    if len(lots) != len({i for i in lot_ids if i}):
        raise errors.invalid_line(_("A lot on a line does not exist. Choose it from the list."))
    return materials, locations, lots


@posting_retried
def stock_receive(
    *,
    actor,
    lines: list[ReceiptLine],
    posting_date: date,
    source: StockSource,
    reason: str = "",
    move_type: str = MoveType.RECEIPT,
) -> list[StockMove]:
    """Receive stock from outside (supplier, production output, opening stock). Creates the
    lots it names that do not exist yet: numbered by rule "inventory.lot" when no number is
    given, status 待检 when the material needs QC on receipt, otherwise 合格. `move_type` may
    also be a module's registered inflow type (purchasing's "purchase_receipt")."""
    require_perm(actor, "inventory.post_receipt")
    if move_type not in (MoveType.RECEIPT, MoveType.OPENING) and not _module_type(move_type, IN):
        raise errors.invalid_line(_("A receipt can only be a receipt or opening stock."))
    with transaction.atomic():
        materials, locations, _lots = _masters(
            [ln.material_id for ln in lines], [ln.location_id for ln in lines]
        )
        requests = [
            LotRequest(
                material=materials[ln.material_id],
                lot_id=ln.lot_id,
                number=ln.lot_number.strip(),
                supplier_lot=ln.supplier_lot,
                production_date=ln.production_date,
                expiry_date=ln.expiry_date,
            )
            for ln in lines
        ]
        lots = lots_for_receipt(
            actor=actor,
            requests=requests,
            posting_date=posting_date,
            allow_expired=move_type == MoveType.OPENING,
        )
        specs = [
            MoveSpec(
                material=materials[ln.material_id],
                quantity=_quantity(ln.quantity),
                move_type=move_type,
                to_location=locations[ln.location_id],
                lot=lot,
                unit_cost=None if ln.value is not None else _unit_cost(ln.unit_cost),
                value=None if ln.value is None else _line_value(ln.value),
                source_line_id=ln.source_line_id,
            )
            for ln, lot in zip(lines, lots, strict=True)
        ]
        return moves_post(
            actor=actor, specs=specs, posting_date=posting_date, source=source, reason=reason
        )


def _unit_cost(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("pass Decimal or str unit costs, never float")
    cost = round_unit_price(value)
    if cost < 0:
        raise errors.invalid_line(_("A unit cost cannot be negative."), unit_cost=str(value))
    return cost


def _line_value(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("pass Decimal or str values, never float")
    amount = round_amount(value)
    if amount < 0:
        raise errors.invalid_line(_("A line value cannot be negative."), value=str(value))
    return amount


def _outflow_specs(lines: list[IssueLine], move_type: str, posting_date: date) -> list[MoveSpec]:
    materials, locations, lots = _masters(
        [ln.material_id for ln in lines],
        [ln.location_id for ln in lines],
        [ln.lot_id for ln in lines],
    )
    # FEFO picks happen under the materials' valuation locks (the gate's first lock): no other
    # posting can take the picked stock between the pick and moves_post.
    fefo = {
        ln.material_id for ln in lines if materials[ln.material_id].batch_managed and not ln.lot_id
    }
    if fefo and move_type == MoveType.ISSUE:
        valuations_lock(material_ids=fefo)
    specs = []
    for ln in lines:
        material, qty = materials[ln.material_id], _quantity(ln.quantity)
        if material.batch_managed and not ln.lot_id and move_type == MoveType.ISSUE:
            picks = lots_pick_fefo(
                material=material, quantity=qty, location=ln.location_id, on_date=posting_date
            )
        else:
            picks = [(lots.get(ln.lot_id), qty)]
        specs += [
            MoveSpec(
                material=material,
                quantity=pick[1],
                move_type=move_type,
                from_location=locations[ln.location_id],
                lot=pick[0],
                source_line_id=ln.source_line_id,
                value=None if ln.value is None else _line_value(ln.value),
            )
            for pick in picks
        ]
    return specs


def _module_type(code: str, direction: str) -> bool:
    """A move type a module registered (not one of inventory's own) going `direction`."""
    spec = move_type_get(code)
    return spec is not None and code not in MoveType.values and spec.direction == direction


@posting_retried
def stock_issue(
    *,
    actor,
    lines: list[IssueLine],
    posting_date: date,
    source: StockSource,
    reason: str = "",
    move_type: str = MoveType.ISSUE,
) -> list[StockMove]:
    """Issue stock to outside (delivery, production consumption, other issue). Only released,
    unexpired lots; a document's own reservations on the same stock are consumed. A module's
    registered outflow type (`move_type`, e.g. "purchase_return") takes its lot rules from its
    registration; its lines name their lots (no FEFO pick)."""
    require_perm(actor, "inventory.post_issue")
    if move_type != MoveType.ISSUE and not _module_type(move_type, OUT):
        raise errors.invalid_line(_("An issue can only use a registered outflow move type."))
    with transaction.atomic():
        specs = _outflow_specs(lines, move_type, posting_date)
        return moves_post(
            actor=actor, specs=specs, posting_date=posting_date, source=source, reason=reason
        )


@posting_retried
def stock_scrap(
    *, actor, lines: list[IssueLine], posting_date: date, source: StockSource, reason: str
) -> list[StockMove]:
    """Scrap stock (报废). Batch-managed materials need the lot named; quarantine, rejected and
    expired lots may be scrapped, blocked ones may not."""
    require_perm(actor, "inventory.post_scrap")
    if not (reason or "").strip():
        raise errors.invalid_line(_("Enter the reason for scrapping."))
    with transaction.atomic():
        specs = _outflow_specs(lines, MoveType.SCRAP, posting_date)
        return moves_post(
            actor=actor, specs=specs, posting_date=posting_date, source=source, reason=reason
        )


@posting_retried
def stock_transfer(
    *, actor, lines: list[TransferLine], posting_date: date, source: StockSource, reason: str = ""
) -> list[StockMove]:
    """Move stock between locations (调拨), between bins or warehouses; value moves with it."""
    require_perm(actor, "inventory.post_transfer")
    with transaction.atomic():
        materials, locations, lots = _masters(
            [ln.material_id for ln in lines],
            [ln.from_location_id for ln in lines] + [ln.to_location_id for ln in lines],
            [ln.lot_id for ln in lines],
        )
        specs = []
        for ln in lines:
            if ln.from_location_id == ln.to_location_id:
                raise errors.invalid_line(_("Choose a destination other than the origin."))
            specs.append(
                MoveSpec(
                    material=materials[ln.material_id],
                    quantity=_quantity(ln.quantity),
                    move_type=MoveType.TRANSFER,
                    from_location=locations[ln.from_location_id],
                    to_location=locations[ln.to_location_id],
                    lot=lots.get(ln.lot_id),
                    source_line_id=ln.source_line_id,
                )
            )
        return moves_post(
            actor=actor, specs=specs, posting_date=posting_date, source=source, reason=reason
        )


@posting_retried
def stock_count_adjust(
    *, actor, lines: list[CountLine], posting_date: date, source: StockSource, reason: str = ""
) -> list[StockMove]:
    """Post the difference between counted and booked quantity (盘盈/盘亏) as count_adjust
    moves. The booked quantity is read under lock, so a posting racing the count cannot make
    the adjustment wrong. Lines without a difference post nothing."""
    require_perm(actor, "inventory.post_count_adjust")
    with transaction.atomic():
        materials, locations, lots = _masters(
            [ln.material_id for ln in lines],
            [ln.location_id for ln in lines],
            [ln.lot_id for ln in lines],
        )
        keys = [(ln.material_id, ln.location_id, ln.lot_id) for ln in lines]
        balances = stock_lock(keys=keys)
        specs = []
        for ln, key in zip(lines, keys, strict=True):
            booked = balances[key].on_hand
            diff = _quantity(ln.counted_quantity, allow_zero=True) - booked
            if diff == 0:
                continue
            where = (
                {"to_location": locations[ln.location_id]}
                if diff > 0
                else {"from_location": locations[ln.location_id]}
            )
            specs.append(
                MoveSpec(
                    material=materials[ln.material_id],
                    quantity=abs(diff),
                    move_type=MoveType.COUNT_ADJUST,
                    lot=lots.get(ln.lot_id),
                    source_line_id=ln.source_line_id,
                    **where,
                )
            )
        if not specs:
            return []
        return moves_post(
            actor=actor, specs=specs, posting_date=posting_date, source=source, reason=reason
        )


@posting_retried
def stock_reverse(
    *, actor, source: StockSource, reason: str, on_date: date | None = None
) -> list[StockMove]:
    """Cancel every move a document posted (冲销). By default dated as the original moves (the
    document is undone as if never posted); `on_date` posts the whole reversal on that date
    instead — the way to correct a document whose period is closed. Like every posting, the
    date's period must be open, and the reversing (red) voucher is posted with it. Refused,
    naming the first later document that would go negative, when later outflows depended on
    the stock."""
    require_perm(actor, "inventory.reverse_stockmove")
    if not (reason or "").strip():
        raise errors.invalid_line(_("Enter the reason for the reversal."))
    with transaction.atomic():
        originals = list(
            StockMove.objects.filter(
                source_type=source.type,
                source_id=str(source.id),
                reverses__isnull=True,
                reversed_by__isnull=True,
            )
            .select_related("material", "lot", "from_location__warehouse", "to_location__warehouse")
            .order_by("posting_date", "material_id", "sequence")
        )
        if not originals:
            raise Conflict(
                _("%(source)s has no stock moves left to reverse: it was already reversed.")
                % {"source": f"{source.type} {source.id}"},
                code="already_reversed",
            )
        moves = []
        dates = {on_date} if on_date else {m.posting_date for m in originals}
        for posting_date in sorted(dates):
            specs = [_reversal(m) for m in originals if on_date or m.posting_date == posting_date]
            moves += moves_post(
                actor=actor, specs=specs, posting_date=posting_date, source=source, reason=reason
            )
        return moves


def _reversal(move: StockMove) -> MoveSpec:
    return MoveSpec(
        material=move.material,
        quantity=move.quantity,
        move_type=MoveType.REVERSAL,
        from_location=move.to_location,
        to_location=move.from_location,
        lot=move.lot,
        unit_cost=move.unit_cost,
        value=move.value,
        reverses_id=move.pk,
    )


__all__ = [
    "CountLine",
    "IssueLine",
    "ReceiptLine",
    "TransferLine",
    "stock_count_adjust",
    "stock_issue",
    "stock_receive",
    "stock_reverse",
    "stock_scrap",
    "stock_transfer",
]

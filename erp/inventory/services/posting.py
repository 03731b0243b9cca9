"""The posting gate: the ONLY code that writes StockMove, and it updates StockBalance and
MaterialValuation in the same transaction.

Lock order (fixed, so two postings never wait on each other in a cycle): numbering rule (by the
caller, for lot numbers) → material valuations (by material id) → lots used by outflows (by id)
→ balances (by material id, location id, lot id). The valuation lock comes first so a caller
can take it before deciding what to post (a FEFO pick, `valuations_lock`) without inverting
the order; a lot is otherwise locked alone (status changes), never before a valuation.

Valuation: ONE costing unit, the moving weighted average per material over the company
(移动加权平均, in posting order). An inflow from outside (receipt, opening, count gain, a
reversed outflow) adds its value and recomputes the average. Every outflow (issue, scrap,
count loss) is valued at round(qty × average) and leaves the average as it is; it never takes
more than the material's remaining value, and the outflow that empties the material takes all
of it (the rounding residue). A transfer is valued at round(qty × average) and changes no
valuation. A balance's value is derived: round(on hand × average) for every balance a posting
touches, and for every other balance in stock of a material whose average the posting moved.
MaterialValuation.value is the truth (Σ boundary move values; the GL ties to it); Σ balance
values differs from it by rounding only.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.money import round_amount, round_unit_price
from erp.core.services.audit import audit_record
from erp.inventory import errors
from erp.inventory.models import Lot, MaterialValuation, Reservation, StockBalance, StockMove
from erp.inventory.move_types import move_type_get
from erp.inventory.services.listeners import (
    StockPosting,
    stock_listeners_check,
    stock_listeners_posted,
)
from erp.inventory.states import MoveType

ZERO = Decimal(0)
Key = tuple[int, int, int | None]  # material id, location id, lot id


@dataclass(frozen=True)
class StockSource:
    """The document a posting comes from (any app): e.g. StockSource("sales.deliverynote", 42,
    "SO2026120001"). The number is what vouchers, ledgers and audit show; give it."""

    type: str
    id: str | int
    number: str = ""


@dataclass(frozen=True)
class MoveSpec:
    material: object  # masterdata.Material
    quantity: Decimal
    move_type: str
    from_location: object | None = None  # masterdata.Location; None = outside
    to_location: object | None = None
    lot: Lot | None = None
    unit_cost: Decimal | None = None  # inflow from outside; None = current average
    value: Decimal | None = None  # fixed value (reversals)
    source_line_id: str = ""
    reverses_id: int | None = None

    def key_from(self) -> Key | None:
        if self.from_location is None:
            return None
        return (self.material.pk, self.from_location.pk, self.lot.pk if self.lot else None)

    def key_to(self) -> Key | None:
        if self.to_location is None:
            return None
        return (self.material.pk, self.to_location.pk, self.lot.pk if self.lot else None)


def _sort_key(key: Key) -> tuple[int, int, int]:
    return (key[0], key[1], key[2] or 0)


def moves_post(
    *, actor, specs: list[MoveSpec], posting_date: date, source: StockSource, reason: str = ""
) -> list[StockMove]:
    """Post moves as one unit; call inside the service's transaction.atomic()."""
    if not specs:
        raise errors.invalid_line(_("Add at least one line with a quantity before posting."))
    if posting_date > timezone.localdate():
        raise errors.future_posting_date(posting_date)
    # Every posting passes the listeners' checks (accounting: the period is open) before it
    # writes anything, and hands them its moves after: no caller can skip either.
    stock_listeners_check(posting_date=posting_date, source=source)
    valuations = _valuations_locked({s.material.pk for s in specs})
    lots = _lots_locked(specs)
    specs = [_with_lot(s, lots) for s in specs]
    for spec in specs:
        _check_spec(spec, posting_date)
    balances = _balances_locked(specs)
    _backdating_guard(specs, posting_date, valuations, balances)
    own = _own_reservations(specs, balances, source)
    now = timezone.now()
    averages = {m: v.unit_cost for m, v in valuations.items()}
    moves = [
        _apply(
            s, valuations[s.material.pk], balances, own, posting_date, source, reason, actor, now
        )
        for s in specs
    ]
    _derive_values(balances.values(), valuations)
    rows_insert(StockMove, moves)
    rows_update(StockBalance, list(balances.values()), ["on_hand", "reserved", "value"])
    rows_update(
        MaterialValuation,
        list(valuations.values()),
        ["quantity", "value", "unit_cost", "last_sequence", "last_posting_date"],
    )
    _revalue_other_balances(
        {m: v.unit_cost for m, v in valuations.items() if v.unit_cost != averages[m]},
        exclude={b.pk for b in balances.values()},
    )
    _save_reservations(own)
    _audit(actor, moves, source, reason)
    stock_listeners_posted(StockPosting(actor, moves, posting_date, source, reason))
    return moves


def _db():
    # The real connection, not the django.db.connection proxy: every attribute read through
    # the proxy costs a thread-local lookup, and the field adapters read it per value.
    return connections[DEFAULT_DB_ALIAS]


def _adapters(fields, conn) -> list:
    """One callable per field turning a model value into a database parameter. Adaptation is
    a pure function of the value, so results are memoised per call: ledger rows repeat the
    same ids, dates, quantities and actor, and Django's per-value adaptation dominated."""

    def adapter(field):
        memo: dict = {}
        prep = field.get_db_prep_save

        def adapt(value):
            try:
                return memo[value]
            except KeyError:
                memo[value] = result = prep(value, conn)
                return result
            except TypeError:  # unhashable value: adapt without the memo
                return prep(value, conn)

        return adapt

    return [adapter(f) for f in fields]


def _needs_pre_save(field) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def rows_insert(model, objs: list, *, ignore_conflicts: bool = False) -> None:
    """INSERT rows with one executemany (no ids returned): the ledger's hot path, where
    bulk_create's per-value SQL compilation dominated the posting time."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.db_returning]
    for field in fields:
        if _needs_pre_save(field):
            for obj in objs:
                field.pre_save(obj, True)
    attnames = [f.attname for f in fields]
    rows = [[getattr(obj, a) for a in attnames] for obj in objs]
    rows_insert_values(model, attnames, rows, ignore_conflicts=ignore_conflicts)


def rows_insert_values(
    model, attnames: list[str], rows: list[list], *, ignore_conflicts: bool = False
) -> None:
    """INSERT plain value rows (one per list, in `attnames` order) with one executemany,
    without building model instances; unnamed columns take their database defaults only if
    the model gives them none, so name every column that has a model default."""
    if not rows:
        return
    from django.db.models.constants import OnConflict

    conn = _db()
    fields = [model._meta.get_field(a) for a in attnames]
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    quote = conn.ops.quote_name
    sql = "{} {} ({}) VALUES ({}) {}".format(
        conn.ops.insert_statement(on_conflict=on_conflict),
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        conn.ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
    )
    adapt = _adapters(fields, conn)
    params = [[a(v) for a, v in zip(adapt, row, strict=True)] for row in rows]
    with conn.cursor() as cursor:
        cursor.executemany(sql, params)


def rows_update(model, rows: list, fields: list[str]) -> None:
    """UPDATE each row's fields by primary key with one executemany: QuerySet.bulk_update
    builds a CASE expression per field and row, which cost most of a posting's time."""
    if not rows:
        return
    conn = _db()
    meta = conn.ops.quote_name
    model_fields = [model._meta.get_field(f) for f in fields]
    sets = ", ".join(f"{meta(f.column)} = %s" for f in model_fields)
    # Only quoted model metadata goes into the text; every value is a bound parameter.
    table, pk = meta(model._meta.db_table), meta(model._meta.pk.column)
    sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"  # noqa: S608
    adapt = _adapters(model_fields, conn)
    attnames = [f.attname for f in model_fields]
    params = [
        [a(getattr(r, n)) for a, n in zip(adapt, attnames, strict=True)] + [r.pk] for r in rows
    ]
    with conn.cursor() as cursor:
        cursor.executemany(sql, params)


def stock_lock(*, keys: list[Key]) -> dict[Key, StockBalance]:
    """Take the gate's locks (valuations → lots → balances) for these keys before reading
    balances to decide quantities (stock counts); moves_post then finds them already held."""
    specs = [_KeySpec(k) for k in keys]
    _valuations_locked({k[0] for k in keys})
    _lots_locked(specs)
    return _balances_locked(specs)


def valuations_lock(*, material_ids: set[int]) -> None:
    """Take the first of the gate's locks (the materials' valuations) before choosing what to
    post, e.g. before a FEFO pick: no other posting of these materials can change their
    balances until the caller's transaction ends, so the pick stays true until moves_post."""
    _valuations_locked(material_ids)


@dataclass(frozen=True)
class _KeySpec:
    key: Key

    @property
    def lot(self):
        return _Pk(self.key[2]) if self.key[2] else None

    @property
    def from_location(self):
        return self.key[1]

    def key_from(self) -> Key:
        return self.key

    def key_to(self) -> None:
        return None


@dataclass(frozen=True)
class _Pk:
    pk: int


def _lots_locked(specs: list[MoveSpec]) -> dict[int, Lot]:
    # Outflows read the lot's status: lock those lots so a status change cannot slip between
    # the check and the commit. Inflow-only lots are read without a lock.
    ids = sorted({s.lot.pk for s in specs if s.lot and s.from_location is not None})
    if not ids:
        return {}
    return {
        lot.pk: lot for lot in Lot.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def _with_lot(spec: MoveSpec, lots: dict[int, Lot]) -> MoveSpec:
    if spec.lot is None or spec.lot.pk not in lots:
        return spec
    fresh = lots[spec.lot.pk]
    return MoveSpec(**{**spec.__dict__, "lot": fresh})


def _move_type(code: str):
    """The registered move type (erp/inventory/move_types.py); an unregistered code is a
    programming error of the posting module, not a user's mistake."""
    move_type = move_type_get(code)
    if move_type is None:
        raise ImproperlyConfigured(f"move type {code!r} is not registered (move_type_register)")
    return move_type


def _check_spec(spec: MoveSpec, posting_date: date) -> None:
    _move_type(spec.move_type)
    material = spec.material
    if spec.quantity <= 0:
        raise errors.invalid_line(
            _("Enter a quantity greater than zero for %(material)s.") % {"material": material.code}
        )
    if material.batch_managed and spec.lot is None:
        raise errors.invalid_line(
            _("%(material)s is batch managed: choose or enter a lot.") % {"material": material.code}
        )
    if not material.batch_managed and spec.lot is not None:
        raise errors.invalid_line(
            _("%(material)s is not batch managed: leave the lot empty.")
            % {"material": material.code}
        )
    if spec.lot is not None and spec.lot.material_id != material.pk:
        raise errors.invalid_line(
            _("Lot %(lot)s belongs to another material than %(material)s.")
            % {"lot": spec.lot.number, "material": material.code}
        )
    for location in (spec.from_location, spec.to_location):
        if location is not None and not location.active:
            raise errors.invalid_line(
                _("Location %(location)s is inactive: choose an active location.")
                % {"location": location.code}
            )
    if spec.from_location is not None and spec.lot is not None:
        _check_lot_outflow(spec, posting_date)


def _check_lot_outflow(spec: MoveSpec, posting_date: date) -> None:
    lot = spec.lot
    move_type = _move_type(spec.move_type)
    if lot.status not in move_type.allowed_lot_statuses:
        raise errors.lot_status_refused(lot, spec.move_type)
    expired = lot.expiry_date is not None and lot.expiry_date < posting_date
    if expired and move_type.expiry_blocks:
        raise errors.lot_expired(lot, posting_date)


def _valuations_locked(material_ids: set[int]) -> dict[int, MaterialValuation]:
    ids = sorted(material_ids)
    rows_insert_values(
        MaterialValuation,
        ["material", "quantity", "value", "unit_cost", "last_sequence", "last_posting_date"],
        [[m, ZERO, ZERO, ZERO, 0, None] for m in ids],
        ignore_conflicts=True,
    )
    rows = MaterialValuation.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {v.pk: v for v in rows}


def _balances_locked(specs: list[MoveSpec]) -> dict[Key, StockBalance]:
    keys = sorted({k for s in specs for k in (s.key_from(), s.key_to()) if k}, key=_sort_key)
    # Insert-or-ignore makes every row exist, so the locking SELECT below sees them all; a row
    # another transaction is inserting makes this one wait on the unique index, not fail.
    rows_insert_values(
        StockBalance,
        ["material", "location", "lot", "on_hand", "reserved", "value"],
        [[m, loc, lot, ZERO, ZERO, ZERO] for m, loc, lot in keys],
        ignore_conflicts=True,
    )
    with_lot = [k for k in keys if k[2] is not None]
    without = [k for k in keys if k[2] is None]
    cond = Q(pk__in=[])
    if with_lot:
        cond |= Q(lot_id__in={k[2] for k in with_lot}, location_id__in={k[1] for k in with_lot})
    if without:
        cond |= Q(
            lot__isnull=True,
            material_id__in={k[0] for k in without},
            location_id__in={k[1] for k in without},
        )
    wanted = set(keys)
    rows = (
        StockBalance.objects.select_for_update()
        .filter(cond)
        .order_by("material_id", "location_id", "lot_id")
    )
    found = {(b.material_id, b.location_id, b.lot_id): b for b in rows}
    return {k: b for k, b in found.items() if k in wanted}


def _signed(move: StockMove, key: Key) -> Decimal:
    return move.quantity if move.to_location_id == key[1] else -move.quantity


def _backdating_guard(specs, posting_date, valuations, balances) -> None:
    """Backdated postings (before the material's latest posting date) must not change the past
    silently: refused after a later stock count on the same balance, and refused when an
    outflow would make any later point of the running balance negative."""
    backdated = {
        m
        for m, v in valuations.items()
        if v.last_posting_date is not None and posting_date < v.last_posting_date
    }
    if not backdated:
        return
    net: dict[Key, Decimal] = defaultdict(Decimal)
    for spec in specs:
        if spec.material.pk not in backdated:
            continue
        if k := spec.key_from():
            net[k] -= spec.quantity
        if k := spec.key_to():
            net[k] += spec.quantity
    by_key = {s.key_from(): s for s in specs} | {s.key_to(): s for s in specs}
    for key, change in sorted(net.items(), key=lambda kv: _sort_key(kv[0])):
        _running_check(key, change, posting_date, balances[key], by_key[key])


def _running_check(key: Key, change: Decimal, posting_date: date, balance, spec) -> None:
    later = list(
        StockMove.objects.filter(material_id=key[0], lot_id=key[2], posting_date__gt=posting_date)
        .filter(Q(from_location_id=key[1]) | Q(to_location_id=key[1]))
        .order_by("posting_date", "sequence")
    )
    location = spec.from_location if spec.key_from() == key else spec.to_location
    count = next((m for m in later if m.move_type == MoveType.COUNT_ADJUST), None)
    if count is not None:
        raise errors.backdated_before_count(
            material=spec.material, location=location, count_move=count
        )
    if change >= 0:
        return
    running = balance.on_hand - sum((_signed(m, key) for m in later), ZERO)
    if running + change < 0:
        raise errors.insufficient_stock(
            material=spec.material,
            location=location,
            lot=spec.lot,
            available=running,
            requested=-change,
        )
    running += change
    for move in later:
        running += _signed(move, key)
        if running < 0:
            raise errors.backdated_goes_negative(
                material=spec.material,
                location=location,
                lot=spec.lot,
                move=move,
                running=running,
            )


def _own_reservations(specs, balances, source: StockSource) -> dict[Key, list[Reservation]]:
    """Reservations this same document holds on the balances it takes from: its outflow may use
    them (and consumes them)."""
    keys = {s.key_from() for s in specs if s.key_from() and balances[s.key_from()].reserved > 0}
    if not keys:
        return {}
    rows = Reservation.objects.filter(
        source_type=source.type,
        source_id=str(source.id),
        material_id__in={k[0] for k in keys},
        location_id__in={k[1] for k in keys},
    ).order_by("id")
    own: dict[Key, list[Reservation]] = defaultdict(list)
    for r in rows:
        key = (r.material_id, r.location_id, r.lot_id)
        if key in keys:
            own[key].append(r)
    return own


def _consume_own(reservations: list[Reservation], quantity: Decimal) -> Decimal:
    taken = ZERO
    for r in reservations:
        take = min(r.quantity, quantity - taken)
        r.quantity -= take
        taken += take
        if taken == quantity:
            break
    return taken


def _save_reservations(own: dict[Key, list[Reservation]]) -> None:
    rows = [r for rs in own.values() for r in rs]
    Reservation.objects.filter(pk__in=[r.pk for r in rows if r.quantity == 0]).delete()
    Reservation.objects.bulk_update([r for r in rows if r.quantity > 0], ["quantity"])


def _apply(spec, val, balances, own, posting_date, source, reason, actor, now) -> StockMove:
    qty = spec.quantity
    src = balances.get(spec.key_from()) if spec.from_location else None
    dst = balances.get(spec.key_to()) if spec.to_location else None
    unit_cost = spec.unit_cost if spec.unit_cost is not None else val.unit_cost
    if src is not None:
        mine = own.get(spec.key_from(), [])
        own_qty = sum((r.quantity for r in mine), ZERO)
        available = src.on_hand - src.reserved + own_qty
        if qty > available:
            raise errors.insufficient_stock(
                material=spec.material,
                location=spec.from_location,
                lot=spec.lot,
                available=available,
                requested=qty,
            )
        src.reserved -= _consume_own(mine, qty)
        src.on_hand -= qty
    if src is not None and dst is not None:  # a transfer: at the average (a reversed one
        # at the original's value, so its voucher undoes the original's exactly)
        value = spec.value if spec.value is not None else round_amount(qty * val.unit_cost)
    elif src is not None:
        value = _outflow_value(val, qty, spec.value)
        _book(val, -qty, -value, recompute=spec.value is not None)
    else:
        value = spec.value if spec.value is not None else round_amount(qty * unit_cost)
        if spec.value is not None and spec.unit_cost is None:
            unit_cost = value / qty  # an exact line value: the unit cost is for display
        _book(val, qty, value, recompute=True)
    if dst is not None:
        dst.on_hand += qty
    val.last_sequence += 1
    if val.last_posting_date is None or posting_date > val.last_posting_date:
        val.last_posting_date = posting_date
    return StockMove(
        material=spec.material,
        lot=spec.lot,
        from_location=spec.from_location,
        to_location=spec.to_location,
        quantity=qty,
        unit_cost=round_unit_price(unit_cost),
        value=value,
        move_type=spec.move_type,
        reason=reason[:300],
        posting_date=posting_date,
        sequence=val.last_sequence,
        source_type=source.type,
        source_id=str(source.id),
        source_line_id=str(spec.source_line_id),
        reverses_id=spec.reverses_id,
        actor=actor,
        posted_at=now,
    )


def _outflow_value(val, qty: Decimal, fixed: Decimal | None) -> Decimal:
    """An outflow takes qty × average, or a reversal's original value; never more than the
    material's remaining value, and the outflow that empties the material takes all of it
    (the rounding residue of every earlier move)."""
    if qty == val.quantity:
        return val.value
    value = fixed if fixed is not None else round_amount(qty * val.unit_cost)
    return min(max(value, ZERO), val.value)


def _book(val, qty: Decimal, value: Decimal, *, recompute: bool) -> None:
    """A move across the company boundary: quantity and value of the material change; an
    inflow (or an outflow at a value other than the average: a reversed receipt) recomputes
    the average; an outflow at the average leaves it as it is."""
    val.quantity += qty
    val.value += value
    if recompute and val.quantity > 0:
        val.unit_cost = round_unit_price(val.value / val.quantity)


def _derive_values(balances, valuations: dict[int, MaterialValuation]) -> None:
    """A balance's value is derived: on hand × its material's average, rounded."""
    for b in balances:
        b.value = round_amount(b.on_hand * valuations[b.material_id].unit_cost)


def _revalue_other_balances(averages: dict[int, Decimal], *, exclude: set[int]) -> None:
    """A posting that moved a material's average revalues the material's other balances in
    stock: one read, one batched update of the rows whose value changes. The caller holds
    these materials' valuation locks and every balance writer takes them first, so no other
    transaction is writing these rows."""
    if not averages:
        return
    rows = (
        StockBalance.objects.filter(material_id__in=averages, on_hand__gt=0)
        .only("pk", "material_id", "on_hand", "value")
        .order_by("material_id", "location_id", "lot_id")
    )
    changed = []
    for b in rows:
        value = round_amount(b.on_hand * averages[b.material_id])
        if value != b.value and b.pk not in exclude:
            b.value = value
            changed.append(b)
    rows_update(StockBalance, changed, ["value"])


def _source_repr(source: StockSource) -> str:
    """The document as the audit log shows it: its type's name and number (生产订单
    MO2026110001); the raw type and id only for a source without a number."""
    if not source.number:
        return f"{source.type} {source.id}"
    from erp.core.references import document_type_label

    return f"{document_type_label(source.type)} {source.number}"


def _audit(actor, moves: list[StockMove], source: StockSource, reason: str) -> None:
    audit_record(
        actor=actor,
        action="create",
        object_type="inventory.stockmove",
        object_id=f"{source.type}:{source.id}",
        object_repr=_source_repr(source),
        changes={
            "move_type": moves[0].move_type,
            "moves": [
                [
                    m.material_id,
                    m.lot_id,
                    m.from_location_id,
                    m.to_location_id,
                    m.quantity,
                    m.value,
                ]
                for m in moves
            ],
        },
        note=reason,
    )

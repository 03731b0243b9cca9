"""Inventory report reads: on hand (today or as of a date), lot trace, stock ledger with
running balance, expiring lots, slow movers, count accuracy, turnover. Read-only.

Past-date figures come from the ledger (indexes on posting date and material); today's
figures come from the balances. A material's company value "as of" a date is Σ signed
boundary move values up to that date (its valuation then); a location's or lot's share is its
quantity × that average, as a balance's value is derived today (see docs/inventory.md,
Valuation).
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from erp.core.money import round_amount, round_quantity
from erp.inventory.models import (
    Lot,
    MaterialValuation,
    StockBalance,
    StockCount,
    StockMove,
    StockSnapshotLine,
    StockSnapshotValue,
)
from erp.inventory.services.snapshots import snapshot_before
from erp.inventory.states import LotStatus, MoveType, StockCountState
from erp.masterdata.models import Location, Material, MaterialCategory, Warehouse

ZERO = Decimal(0)
_DEC = DecimalField(max_digits=18, decimal_places=4)
GROUPS = ("material", "warehouse", "location", "lot")
# Balance fields that make up each grouping (material is always part of the key).
_BALANCE_KEYS = {
    "material": ["material_id"],
    "warehouse": ["material_id", "location__warehouse_id"],
    "location": ["material_id", "location_id"],
    "lot": ["material_id", "location_id", "lot_id"],
}


@dataclass
class StockFilter:
    """The filters every stock report accepts (ids or None)."""

    warehouse: int | None = None
    location: int | None = None
    category: int | None = None
    material: int | None = None
    lot: int | None = None
    keyword: str = ""


@dataclass
class OnHandRow:
    material: Material
    quantity: Decimal
    value: Decimal
    warehouse: Warehouse | None = None
    location: Location | None = None
    lot: Lot | None = None

    @property
    def unit_cost(self) -> Decimal | None:
        return (self.value / self.quantity).quantize(Decimal("0.000001")) if self.quantity else None


def _material_q(flt: StockFilter, prefix: str = "material") -> Q:
    q = Q()
    if flt.material:
        q &= Q(**{f"{prefix}_id": flt.material})
    if flt.category:
        q &= Q(**{f"{prefix}__category_id": flt.category})
    if flt.lot:
        q &= Q(lot_id=flt.lot)
    if flt.keyword:
        q &= Q(**{f"{prefix}__code__icontains": flt.keyword}) | Q(
            **{f"{prefix}__name__icontains": flt.keyword}
        )
    return q


def _where_q(flt: StockFilter, loc_field: str) -> Q:
    if flt.location:
        return Q(**{f"{loc_field}_id": flt.location})
    if flt.warehouse:
        return Q(**{f"{loc_field}__warehouse_id": flt.warehouse})
    return Q(**{f"{loc_field}__isnull": False})


def on_hand_rows(*, group: str, flt: StockFilter, on_date: date | None = None) -> list[OnHandRow]:
    """On-hand quantity and value grouped by material / warehouse / location / lot, today from
    the balances, a past date from the ledger. Zero rows are left out."""
    if group not in GROUPS:
        raise ValueError(group)
    if on_date is None or on_date >= timezone.localdate():
        sums = _sums_from_balances(group, flt)
    else:
        sums = _sums_from_ledger(group, flt, on_date)
    return _decorate(group, {k: v for k, v in sums.items() if v[0] or v[1]})


def _sums_from_balances(group: str, flt: StockFilter) -> dict[tuple, list[Decimal]]:
    keys = _BALANCE_KEYS[group]
    rows = (
        StockBalance.objects.filter(_material_q(flt) & _where_q(flt, "location"))
        .values(*keys)
        .annotate(q=Sum("on_hand"), v=Sum("value"))
        .order_by()
    )
    return {tuple(r[k] for k in keys): [r["q"], r["v"]] for r in rows}


def _sums_from_ledger(group: str, flt: StockFilter, on_date: date) -> dict[tuple, list[Decimal]]:
    """Σ into − Σ out of the filtered locations up to `on_date`: the month-end snapshot before
    it (if a closed month has one) plus the moves since, else the whole ledger (posting date
    index); each row's value is its quantity at the material's average on that date."""
    result: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    snapshot = snapshot_before(on_date)
    base = _moves_since(snapshot, on_date).filter(_material_q(flt))
    if snapshot is not None:
        keys = _BALANCE_KEYS[group]
        rows = (
            StockSnapshotLine.objects.filter(
                Q(month=snapshot) & _material_q(flt) & _where_q(flt, "location")
            )
            .values(*keys)
            .annotate(q=Sum("quantity"))
            .order_by()
        )
        for r in rows:
            result[tuple(r[k] for k in keys)][0] += round_quantity(r["q"])
    for side, sign in (("to_location", 1), ("from_location", -1)):
        keys = [k.replace("location", side) for k in _BALANCE_KEYS[group]]
        rows = base.filter(_where_q(flt, side)).values(*keys).annotate(q=Sum("quantity")).order_by()
        for r in rows:
            result[tuple(r[k] for k in keys)][0] += sign * round_quantity(r["q"])
    company = _company_at(on_date, flt)
    for key, acc in result.items():
        qty, value = company.get(key[0], (ZERO, ZERO))
        acc[1] = round_amount(acc[0] * value / qty) if qty else ZERO
    return dict(result)


def _moves_since(snapshot, on_date: date):
    """Moves dated after the snapshot (or from the beginning) up to the end of `on_date`."""
    moves = StockMove.objects.filter(posting_date__lte=on_date)
    if snapshot is not None:
        moves = moves.filter(posting_date__gt=snapshot.month_end)
    return moves


def _company_at(on_date: date, flt: StockFilter) -> dict[int, tuple[Decimal, Decimal]]:
    """Company quantity and value per material at the end of `on_date` (boundary moves), from
    the month-end snapshot before it plus the moves since."""
    snapshot = snapshot_before(on_date)
    company_q = _company_q(flt)
    base = _moves_since(snapshot, on_date).filter(company_q)
    result: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    if snapshot is not None:
        rows = StockSnapshotValue.objects.filter(Q(month=snapshot) & company_q)
        for m, q, v in rows.values_list("material_id", "quantity", "value"):
            result[m] = [q, v]
    for cond, sign in ((Q(from_location__isnull=True), 1), (Q(to_location__isnull=True), -1)):
        rows = base.filter(cond).values("material_id").annotate(q=Sum("quantity"), v=Sum("value"))
        for r in rows.order_by():
            result[r["material_id"]][0] += sign * round_quantity(r["q"])
            result[r["material_id"]][1] += sign * round_amount(r["v"])
    return {m: (q, v) for m, (q, v) in result.items()}


def _company_q(flt: StockFilter) -> Q:
    """The material part of a filter on company figures. They have no lot: a lot filter
    narrows to the lot's material, whose company average values the lot's quantity (the
    costing unit is the material, never the lot)."""
    material = flt.material
    if flt.lot:
        material = Lot.objects.filter(pk=flt.lot).values_list("material_id", flat=True).first()
    return _material_q(StockFilter(material=material, category=flt.category, keyword=flt.keyword))


def _decorate(group: str, sums: dict[tuple, list[Decimal]]) -> list[OnHandRow]:
    materials = Material.objects.select_related("base_unit", "category").in_bulk(
        {k[0] for k in sums}
    )
    warehouses = Warehouse.objects.in_bulk({k[1] for k in sums} if group == "warehouse" else [])
    locations = Location.objects.select_related("warehouse").in_bulk(
        {k[1] for k in sums} if group in ("location", "lot") else []
    )
    lots = Lot.objects.in_bulk({k[2] for k in sums if k[2]} if group == "lot" else [])
    rows = []
    for key, (qty, value) in sums.items():
        row = OnHandRow(material=materials[key[0]], quantity=qty, value=value)
        if group == "warehouse":
            row.warehouse = warehouses.get(key[1])
        if group in ("location", "lot"):
            row.location = locations.get(key[1])
            row.warehouse = row.location.warehouse if row.location else None
        if group == "lot":
            row.lot = lots.get(key[2])
        rows.append(row)
    rows.sort(
        key=lambda r: (
            r.material.code,
            r.warehouse.code if r.warehouse else "",
            r.location.code if r.location else "",
            r.lot.number if r.lot else "",
        )
    )
    return rows


# --- lot page -------------------------------------------------------------------------------


@dataclass
class LotTrace:
    lot: Lot
    attributes: list
    history: list
    balances: list  # where every unit is now
    moves: list
    on_hand: Decimal = ZERO
    value: Decimal = ZERO


def lot_trace(*, lot_id: int) -> Lot | LotTrace:
    lot = Lot.objects.select_related("material__base_unit").get(pk=lot_id)
    balances = list(
        StockBalance.objects.filter(lot=lot, on_hand__gt=0)
        .select_related("location__warehouse")
        .order_by("location__warehouse__code", "location__code")
    )
    moves = list(
        StockMove.objects.filter(lot=lot)
        .select_related("from_location", "to_location", "actor")
        .order_by("posting_date", "sequence")
    )
    return LotTrace(
        lot=lot,
        attributes=list(lot.attributes.all()),
        history=list(lot.status_changes.select_related("actor").order_by("at", "id")),
        balances=balances,
        moves=moves,
        on_hand=sum((b.on_hand for b in balances), ZERO),
        value=sum((b.value for b in balances), ZERO),
    )


# --- stock ledger with running balance, paged in SQL ----------------------------------------
#
# Pages are keyset pages on (posting date, sequence, id) over the `move_mat_date` index: a page
# reads page_size + 1 rows whatever the history. The balance before the page's first row comes
# from one aggregate over the smaller side of history: Σ moves before the row, or today's
# figures (MaterialValuation, StockBalance) − Σ moves from the row on. Which side is smaller is
# estimated from the row's sequence against the material's last sequence.
#
# Balance value: for the whole company (no location, warehouse or lot filter) it is the
# material's value, Σ signed boundary move values in ledger order — exact, it ends at
# MaterialValuation.value. For a location, warehouse or lot it is the running quantity × the
# material's company average after that row (company value / quantity up to the row in ledger
# order), the way balances are valued (docs/inventory.md, Valuation) and the as-of on-hand
# report values a past date; it is not a sum of move values.

LEDGER_PAGE_SIZE = 100


@dataclass(frozen=True)
class LedgerKey:
    """A move's place in the ledger: (posting date, sequence, id)."""

    posting_date: date
    sequence: int
    id: int

    def encode(self) -> str:
        return f"{self.posting_date.isoformat()}.{self.sequence}.{self.id}"

    @classmethod
    def decode(cls, text: str) -> "LedgerKey":
        """ValueError for anything that is not a key `encode` wrote."""
        day, seq, pk = text.split(".")
        return cls(date.fromisoformat(day), int(seq), int(pk))

    @classmethod
    def of(cls, move: StockMove) -> "LedgerKey":
        return cls(move.posting_date, move.sequence, move.pk)


def _at_or_after(key: LedgerKey) -> Q:
    # posting_date >= d first, so the index range starts at the key (no scan of the history
    # before it).
    d = key.posting_date
    return Q(posting_date__gte=d) & (
        Q(posting_date__gt=d)
        | Q(sequence__gt=key.sequence)
        | Q(sequence=key.sequence, id__gte=key.id)
    )


def _before(key: LedgerKey) -> Q:
    d = key.posting_date
    return Q(posting_date__lte=d) & (
        Q(posting_date__lt=d)
        | Q(sequence__lt=key.sequence)
        | Q(sequence=key.sequence, id__lt=key.id)
    )


def _just_after(key: LedgerKey) -> LedgerKey:
    return LedgerKey(key.posting_date, key.sequence, key.id + 1)


@dataclass
class LedgerLine:
    move: StockMove
    quantity_in: Decimal
    quantity_out: Decimal
    value_change: Decimal
    balance: Decimal
    balance_value: Decimal


@dataclass
class Ledger:
    opening: Decimal = ZERO
    opening_value: Decimal = ZERO
    lines: list[LedgerLine] = field(default_factory=list)
    has_prev: bool = False
    has_next: bool = False
    # True: the balance value is the material's value (whole company); False: quantity × the
    # company average after each row (a location, warehouse or lot).
    exact_value: bool = True

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def closing_value(self) -> Decimal:
        return self.lines[-1].balance_value if self.lines else self.opening_value

    @property
    def first_key(self) -> str:
        return LedgerKey.of(self.lines[0].move).encode() if self.lines else ""

    @property
    def last_key(self) -> str:
        return LedgerKey.of(self.lines[-1].move).encode() if self.lines else ""


@dataclass
class _Scope:
    material_id: int
    lot: int | None
    loc_ids: set[int] | None

    @property
    def exact(self) -> bool:
        return self.loc_ids is None and not self.lot

    def moves(self) -> QuerySet[StockMove]:
        moves = StockMove.objects.filter(material_id=self.material_id)
        if self.lot:
            moves = moves.filter(lot_id=self.lot)
        if self.loc_ids is not None:
            moves = moves.filter(
                Q(from_location_id__in=self.loc_ids) | Q(to_location_id__in=self.loc_ids)
            )
        return moves

    def sign(self, move: StockMove) -> int:
        """+1 inflow / −1 outflow / 0 for the scope (transfers inside it are internal)."""
        return _ledger_sign(move, self.loc_ids)

    def signed(self, field_name: str) -> Case:
        if self.loc_ids is None:
            into, out = Q(from_location__isnull=True), Q(to_location__isnull=True)
        else:
            into = Q(to_location_id__in=self.loc_ids) & ~Q(from_location_id__in=self.loc_ids)
            out = Q(from_location_id__in=self.loc_ids) & ~Q(to_location_id__in=self.loc_ids)
        if self.lot:
            into, out = into & Q(lot_id=self.lot), out & Q(lot_id=self.lot)
        return _case(field_name, into, out)

    def now_quantity(self) -> Decimal:
        balances = StockBalance.objects.filter(material_id=self.material_id)
        if self.lot:
            balances = balances.filter(lot_id=self.lot)
        if self.loc_ids is not None:
            balances = balances.filter(location_id__in=self.loc_ids)
        return balances.aggregate(q=Sum("on_hand"))["q"] or ZERO


def _case(field_name: str, into: Q, out: Q) -> Case:
    return Case(
        When(into, then=F(field_name)),
        When(out, then=-F(field_name)),
        default=Value(ZERO),
        output_field=_DEC,
    )


_COMPANY = _Scope(0, None, None)


def _ledger_sign(move: StockMove, loc_ids: set[int] | None) -> int:
    if loc_ids is None:
        return (move.from_location_id is None) - (move.to_location_id is None)
    return (move.to_location_id in loc_ids) - (move.from_location_id in loc_ids)


def _sums(moves: QuerySet, scope: _Scope) -> tuple[Decimal, Decimal, Decimal]:
    """(company quantity, company value, scope quantity) of `moves` in one query."""
    agg = moves.aggregate(
        cq=Sum(_COMPANY.signed("quantity")),
        cv=Sum(_COMPANY.signed("value")),
        sq=Sum(scope.signed("quantity")),
    )
    return (
        round_quantity(agg["cq"] or ZERO),
        round_amount(agg["cv"] or ZERO),
        round_quantity(agg["sq"] or ZERO),
    )


def _balance_before(scope: _Scope, point: LedgerKey | None) -> tuple[Decimal, Decimal, Decimal]:
    """(company quantity, company value, scope quantity) just before `point`, from the smaller
    side of history (`_fewer_before`). Two to three queries whatever the history."""
    if point is None:
        return ZERO, ZERO, ZERO
    material_moves = StockMove.objects.filter(material_id=scope.material_id)
    first_date = (
        StockMove.objects.filter(material_id=OuterRef("material_id"))
        .order_by("posting_date")
        .values("posting_date")[:1]
    )
    now = (
        MaterialValuation.objects.filter(material_id=scope.material_id)
        .annotate(first_date=Subquery(first_date))
        .values_list("quantity", "value", "last_sequence", "first_date", "last_posting_date")
        .first()
    )
    if now is None:
        return ZERO, ZERO, ZERO
    if _fewer_before(point, *now[2:]):
        return _sums(material_moves.filter(_before(point)), scope)
    cq, cv, sq = _sums(material_moves.filter(_at_or_after(point)), scope)
    scope_now = now[0] if scope.exact else scope.now_quantity()
    return now[0] - cq, now[1] - cv, round_quantity(scope_now) - sq


def _fewer_before(point: LedgerKey, last_sequence: int, first: date, last: date) -> bool:
    """Whether fewer moves lie before `point` than from it on, estimated from where its posting
    date falls between the material's first and last (moves spread evenly in time); on a tie,
    from its sequence (backdated history can put a low sequence late in the ledger)."""
    if first and last and point.posting_date:
        before, after = (point.posting_date - first).days, (last - point.posting_date).days
        if before != after:
            return before < after
    return point.sequence * 2 <= last_sequence


def _company_running(
    material_id: int, first: LedgerKey, last: LedgerKey, ids: list[int]
) -> dict[int, tuple[Decimal, Decimal]]:
    """Company quantity and value from `first` up to and including each of the `ids` (rows
    between first and last), one windowed query over that stretch of the ledger."""
    table = StockMove._meta.db_table
    sign_q = (
        "CASE WHEN from_location_id IS NULL THEN {f} "
        "WHEN to_location_id IS NULL THEN -{f} ELSE 0 END"
    )
    marks = ", ".join(["%s"] * len(ids))
    # Only the table name and placeholders are formatted in; every value is a parameter.
    sql = (
        f"SELECT id, cq, cv FROM (SELECT id, "  # noqa: S608
        f"SUM({sign_q.format(f='quantity')}) OVER w AS cq, "
        f"SUM({sign_q.format(f='value')}) OVER w AS cv "
        f"FROM {table} WHERE material_id = %s AND posting_date >= %s AND posting_date <= %s "
        f"AND (posting_date > %s OR sequence >= %s) AND (posting_date < %s OR sequence <= %s) "
        f"WINDOW w AS (ORDER BY posting_date, sequence, id ROWS UNBOUNDED PRECEDING)"
        f") running WHERE id IN ({marks})"
    )
    params = [
        material_id,
        first.posting_date,
        last.posting_date,
        first.posting_date,
        first.sequence,
        last.posting_date,
        last.sequence,
        *ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            pk: (round_quantity(Decimal(str(q))), round_amount(Decimal(str(v))))
            for pk, q, v in cursor.fetchall()
        }


def _at_average(quantity: Decimal, company_q: Decimal, company_v: Decimal) -> Decimal:
    return round_amount(quantity * company_v / company_q) if company_q else ZERO


def stock_ledger(
    *,
    material_id: int,
    flt: StockFilter,
    date_from: date | None,
    date_to: date | None,
    after: LedgerKey | None = None,
    before: LedgerKey | None = None,
    last: bool = False,
    page_size: int = LEDGER_PAGE_SIZE,
) -> Ledger:
    """出入库明细账, one page: moves of one material in ledger order (posting date, sequence)
    with the running balance over the scope. The first page by default; `after` the page that
    follows a key, `before` the page that precedes one, `last` the newest page. The opening is
    the balance before the page's first row (before `date_from` on the first page)."""
    scope = _Scope(material_id, flt.lot, _scope_locations(flt))
    shown = scope.moves()
    if date_from:
        shown = shown.filter(posting_date__gte=date_from)
    if date_to:
        shown = shown.filter(posting_date__lte=date_to)
    backwards = before is not None or last
    if backwards:
        if before is not None:
            shown = shown.filter(_before(before))
        order = ("-posting_date", "-sequence", "-id")
    else:
        if after is not None:
            shown = shown.filter(~_before(_just_after(after)))
        order = ("posting_date", "sequence", "id")
    rows = list(
        shown.select_related("lot", "from_location", "to_location").order_by(*order)[
            : page_size + 1
        ]
    )
    more = len(rows) > page_size
    rows = rows[:page_size]
    ledger = Ledger(exact_value=scope.exact)
    point: LedgerKey | None
    if backwards:
        rows.reverse()
        ledger.has_prev, ledger.has_next = more, before is not None
    else:
        ledger.has_prev, ledger.has_next = after is not None, more

    if scope.exact and not (date_from or ledger.has_prev):
        point = None  # the first page of the whole history opens at zero
    elif rows:
        point = LedgerKey.of(rows[0])
    elif after is not None:
        point = _just_after(after)
    elif before is not None:
        point = before
    elif date_to and not date_from:
        point = LedgerKey(date_to + timedelta(days=1), 0, 0)
    else:
        point = LedgerKey(date_from, 0, 0) if date_from else None
    company_q, company_v, qty = _balance_before(scope, point)
    ledger.opening = qty
    ledger.opening_value = company_v if scope.exact else _at_average(qty, company_q, company_v)

    running = {}
    if rows and not scope.exact:
        running = _company_running(
            material_id, LedgerKey.of(rows[0]), LedgerKey.of(rows[-1]), [m.pk for m in rows]
        )
    value = ledger.opening_value
    for move in rows:
        sign = scope.sign(move)
        qty += sign * move.quantity
        if scope.exact:
            value += sign * move.value
        else:
            dq, dv = running[move.pk]
            value = _at_average(qty, company_q + dq, company_v + dv)
        ledger.lines.append(
            LedgerLine(
                move=move,
                quantity_in=move.quantity if sign > 0 else ZERO,
                quantity_out=move.quantity if sign < 0 else ZERO,
                value_change=sign * move.value,
                balance=qty,
                balance_value=value,
            )
        )
    return ledger


def stock_ledger_rows(
    *, material_id: int, flt: StockFilter, date_from: date | None, date_to: date | None
) -> Iterator[LedgerLine]:
    """The whole ledger (for the xlsx export), streamed: one pass over the material's moves
    from `date_from` with .iterator(), the company balance kept along the way, never the
    ledger in memory. The first line is the opening (move None)."""
    scope = _Scope(material_id, flt.lot, _scope_locations(flt))
    point = LedgerKey(date_from, 0, 0) if date_from else None
    company_q, company_v, qty = _balance_before(scope, point)
    value = company_v if scope.exact else _at_average(qty, company_q, company_v)
    yield LedgerLine(None, ZERO, ZERO, ZERO, qty, value)  # type: ignore[arg-type]
    # Every move of the material is read (the company average needs them), only the scope's
    # are returned.
    moves = StockMove.objects.filter(material_id=material_id)
    if scope.exact:
        moves = scope.moves()
    if date_from:
        moves = moves.filter(posting_date__gte=date_from)
    if date_to:
        moves = moves.filter(posting_date__lte=date_to)
    moves = moves.select_related("lot", "from_location", "to_location").order_by(
        "posting_date", "sequence", "id"
    )
    for move in moves.iterator(chunk_size=2000):
        c_sign = _ledger_sign(move, None)
        company_q += c_sign * move.quantity
        company_v += c_sign * move.value
        if scope.lot and move.lot_id != scope.lot:
            continue
        sign = scope.sign(move)
        if (
            scope.loc_ids is not None
            and move.from_location_id not in scope.loc_ids
            and move.to_location_id not in scope.loc_ids
        ):
            continue
        qty += sign * move.quantity
        value = value + sign * move.value if scope.exact else _at_average(qty, company_q, company_v)
        yield LedgerLine(
            move=move,
            quantity_in=move.quantity if sign > 0 else ZERO,
            quantity_out=move.quantity if sign < 0 else ZERO,
            value_change=sign * move.value,
            balance=qty,
            balance_value=value,
        )


def _scope_locations(flt: StockFilter) -> set[int] | None:
    if flt.location:
        return {flt.location}
    if flt.warehouse:
        return set(Location.objects.filter(warehouse_id=flt.warehouse).values_list("pk", flat=True))
    return None


# --- lots: expiring and expired -------------------------------------------------------------


def lots_with_stock() -> QuerySet[Lot]:
    """Lots that still hold stock, with on hand and value."""
    return lots_annotated().filter(on_hand__gt=0)


def lots_annotated() -> QuerySet[Lot]:
    """Every lot with its on hand and stock value. Correlated subqueries rather than a join +
    GROUP BY, so list totals can sum the annotations."""
    per_lot = StockBalance.objects.filter(lot=OuterRef("pk")).values("lot")
    return Lot.objects.annotate(
        on_hand=Coalesce(
            Subquery(per_lot.annotate(s=Sum("on_hand")).values("s")),
            Value(ZERO),
            output_field=_DEC,
        ),
        stock_value=Coalesce(
            Subquery(per_lot.annotate(s=Sum("value")).values("s")),
            Value(ZERO),
            output_field=DecimalField(max_digits=18, decimal_places=2),
        ),
    ).select_related("material")


def lots_expiring(*, within_days: int, on_date: date | None = None) -> QuerySet[Lot]:
    """Lots with stock whose expiry date is on or before today + `within_days` (expired ones
    included: their expiry date is in the past)."""
    today = on_date or timezone.localdate()
    return lots_with_stock().filter(expiry_date__lte=today + timedelta(days=within_days))


def days_to_expiry(lot: Lot, on_date: date | None = None) -> int | None:
    if lot.expiry_date is None:
        return None
    return (lot.expiry_date - (on_date or timezone.localdate())).days


# --- slow movers ----------------------------------------------------------------------------


@dataclass
class SlowMover:
    material: Material
    quantity: Decimal
    value: Decimal
    last_outflow: date | None
    idle_days: int | None


OUTFLOW_TYPES = (MoveType.ISSUE, MoveType.SCRAP)


def slow_movers(*, days: int, flt: StockFilter, on_date: date | None = None) -> list[SlowMover]:
    """Materials in stock with no outflow (issue or scrap) in the last `days` days, the
    longest idle first; "last outflow" empty means never issued."""
    today = on_date or timezone.localdate()
    stock = {
        r["material_id"]: (r["q"], r["v"])
        for r in StockBalance.objects.filter(_material_q(flt) & _where_q(flt, "location"))
        .values("material_id")
        .annotate(q=Sum("on_hand"), v=Sum("value"))
        .filter(q__gt=0)
        .order_by()
    }
    last = dict(
        StockMove.objects.filter(material_id__in=stock, move_type__in=OUTFLOW_TYPES)
        .values("material_id")
        .annotate(d=Max("posting_date"))
        .order_by()
        .values_list("material_id", "d")
    )
    cutoff = today - timedelta(days=days)
    materials = Material.objects.select_related("base_unit").in_bulk(stock)
    rows = [
        SlowMover(
            material=materials[m],
            quantity=q,
            value=v,
            last_outflow=last.get(m),
            idle_days=(today - last[m]).days if m in last else None,
        )
        for m, (q, v) in stock.items()
        if last.get(m) is None or last[m] < cutoff
    ]
    rows.sort(key=lambda r: (r.last_outflow or date.min, r.material.code))
    return rows


# --- inventory accuracy ---------------------------------------------------------------------


def counts_posted(*, warehouse: int | None = None) -> QuerySet[StockCount]:
    qs = StockCount.objects.filter(state=StockCountState.POSTED).select_related("warehouse")
    if warehouse:
        qs = qs.filter(warehouse_id=warehouse)
    return qs.order_by("-date", "-pk")


@dataclass
class AccuracyMonth:
    month: date
    counts: int
    lines_total: int
    lines_within: int

    @property
    def accuracy(self) -> Decimal | None:
        if not self.lines_total:
            return None
        return (Decimal(self.lines_within) * 100 / self.lines_total).quantize(Decimal("0.01"))


def accuracy_by_month(*, warehouse: int | None = None) -> list[AccuracyMonth]:
    """Inventory accuracy over time: lines within tolerance / lines counted, per month, over
    every posted count (weighted by lines, not an average of percentages)."""
    rows = (
        counts_posted(warehouse=warehouse)
        .annotate(m=TruncMonth("date"))
        .values("m")
        .annotate(n=Count("pk"), t=Sum("lines_total"), w=Sum("lines_within"))
        .order_by("m")
    )
    return [AccuracyMonth(r["m"], r["n"], r["t"] or 0, r["w"] or 0) for r in rows]


# --- inventory turnover ---------------------------------------------------------------------


@dataclass
class TurnoverRow:
    key: object  # Material or MaterialCategory
    outflow_value: Decimal
    opening_value: Decimal
    closing_value: Decimal
    days: int

    @property
    def average_value(self) -> Decimal:
        return (self.opening_value + self.closing_value) / 2

    @property
    def turnover(self) -> Decimal | None:
        avg = self.average_value
        if avg <= 0:
            return None
        return (self.outflow_value / avg).quantize(Decimal("0.01"))

    @property
    def days_of_stock(self) -> Decimal | None:
        turns = self.turnover
        if not turns:
            return None
        return (Decimal(self.days) / turns).quantize(Decimal("0.1"))


def _values_at(on_date: date, flt: StockFilter) -> dict[int, Decimal]:
    """Company stock value per material at the end of `on_date` (snapshot + moves since)."""
    return {m: v for m, (_q, v) in _company_at(on_date, flt).items()}


def turnover(*, date_from: date, date_to: date, by: str, flt: StockFilter) -> list[TurnoverRow]:
    """库存周转率 over [date_from, date_to]: outflow value at cost (issues to customers and
    production, scrap — a COGS-like figure) / average of opening and closing stock value.
    `by` is "material" or "category"."""
    opening = _values_at(date_from - timedelta(days=1), flt)
    closing = _values_at(date_to, flt)
    outflow = {
        r["material_id"]: r["v"]
        for r in StockMove.objects.filter(
            _material_q(flt),
            posting_date__range=(date_from, date_to),
            move_type__in=OUTFLOW_TYPES,
        )
        .values("material_id")
        .annotate(v=Sum("value"))
        .order_by()
    }
    ids = set(opening) | set(closing) | set(outflow)
    materials = Material.objects.select_related("category").in_bulk(ids)
    days = (date_to - date_from).days + 1
    acc: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    keys: dict[int, object] = {}
    for m in ids:
        material = materials[m]
        key = material if by == "material" else material.category
        keys[key.pk] = key
        row = acc[key.pk]
        row[0] += outflow.get(m, ZERO)
        row[1] += opening.get(m, ZERO)
        row[2] += closing.get(m, ZERO)
    rows = [TurnoverRow(keys[k], v[0], v[1], v[2], days) for k, v in acc.items() if any(v)]
    rows.sort(key=lambda r: (-(r.turnover or Decimal(-1)), r.key.code))
    return rows


def categories() -> QuerySet[MaterialCategory]:
    return MaterialCategory.objects.order_by("code")


# --- API reads (api_reports.py) -------------------------------------------------------------

BALANCE_ORDERINGS = (
    "material__code",
    "location__code",
    "lot__number",
    "lot__expiry_date",
    "on_hand",
    "reserved",
    "value",
    "id",
)


def lots_list(
    *, material: int | None = None, status: str = "", expiring_within_days: int | None = None
) -> QuerySet[Lot]:
    """Lots (with or without stock) by material and status; with `expiring_within_days`, only
    lots holding stock that expire by today + N days (expired ones included)."""
    qs = (
        lots_annotated()
        if expiring_within_days is None
        else lots_expiring(within_days=expiring_within_days)
    )
    if material:
        qs = qs.filter(material_id=material)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("material__code", "number")


def balances_list(*, flt: StockFilter, ordering: str) -> QuerySet[StockBalance]:
    """Balance rows holding stock, filtered like the stock reports; `ordering` is checked
    against BALANCE_ORDERINGS by the caller."""
    return (
        StockBalance.objects.filter(Q(on_hand__gt=0) & _material_q(flt) & _where_q(flt, "location"))
        .select_related("material", "location", "lot")
        .order_by(ordering, "pk")
    )


__all__ = [
    "GROUPS",
    "StockFilter",
    "accuracy_by_month",
    "balances_list",
    "counts_posted",
    "lot_trace",
    "lots_annotated",
    "lots_expiring",
    "lots_list",
    "lots_with_stock",
    "on_hand_rows",
    "slow_movers",
    "stock_ledger",
    "stock_ledger_rows",
    "turnover",
]


# --- home figures and global search -----------------------------------------------------------


def lots_expiring_soon_count() -> int:
    """Lots in stock that expire today or within 30 days; expired lots are counted apart."""
    today = timezone.localdate()
    return lots_expiring(within_days=30, on_date=today).filter(expiry_date__gte=today).count()


def lots_expired_count() -> int:
    """Lots still in stock whose expiry date has passed."""
    return lots_with_stock().filter(expiry_date__lt=timezone.localdate()).count()


def lots_quarantine_count() -> int:
    return lots_with_stock().filter(status=LotStatus.QUARANTINE).count()


def lot_search_scope() -> QuerySet[Lot]:
    return Lot.objects.select_related("material")


def lot_describe(lot: Lot) -> str:
    return f"{lot.number} · {lot.material.code} {lot.material.name} · {lot.get_status_display()}"

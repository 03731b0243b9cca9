"""Inventory report reads: on hand (today or as of a date), lot trace, stock ledger with
running balance, expiring lots, slow movers, count accuracy, turnover. Read-only.

Past-date figures come from the ledger (indexes on posting date and material); today's
figures come from the balances. A material's company value "as of" a date is Σ signed
boundary move values up to that date (its valuation then); a location's or lot's share is its
quantity × that average, as a balance's value is derived today (see docs/inventory.md,
Valuation).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from erp.core.money import round_amount, round_quantity
from erp.inventory.models import Lot, StockBalance, StockCount, StockMove
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
    """Σ into − Σ out of the filtered locations up to `on_date` (posting date index); each
    row's value is its quantity at the material's average on that date."""
    result: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    base = StockMove.objects.filter(Q(posting_date__lte=on_date) & _material_q(flt))
    for side, sign in (("to_location", 1), ("from_location", -1)):
        keys = [k.replace("location", side) for k in _BALANCE_KEYS[group]]
        rows = base.filter(_where_q(flt, side)).values(*keys).annotate(q=Sum("quantity")).order_by()
        for r in rows:
            result[tuple(r[k] for k in keys)][0] += sign * r["q"]
    company = _company_at(on_date, flt)
    for key, acc in result.items():
        qty, value = company.get(key[0], (ZERO, ZERO))
        acc[1] = round_amount(acc[0] * value / qty) if qty else ZERO
    return dict(result)


def _company_at(on_date: date, flt: StockFilter) -> dict[int, tuple[Decimal, Decimal]]:
    """Company quantity and value per material at the end of `on_date` (boundary moves)."""
    base = StockMove.objects.filter(Q(posting_date__lte=on_date) & _material_q(flt))
    result: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for cond, sign in ((Q(from_location__isnull=True), 1), (Q(to_location__isnull=True), -1)):
        rows = base.filter(cond).values("material_id").annotate(q=Sum("quantity"), v=Sum("value"))
        for r in rows.order_by():
            result[r["material_id"]][0] += sign * round_quantity(r["q"])
            result[r["material_id"]][1] += sign * round_amount(r["v"])
    return {m: (q, v) for m, (q, v) in result.items()}


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


# --- stock ledger with running balance ------------------------------------------------------


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
    truncated: bool = False

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def closing_value(self) -> Decimal:
        return self.lines[-1].balance_value if self.lines else self.opening_value


LEDGER_LIMIT = 5000


def _ledger_sign(move: StockMove, flt: StockFilter, loc_ids: set[int] | None) -> int:
    """+1 inflow / −1 outflow / 0 for the scope: the company (no place filter: transfers are
    internal) or the set of filtered locations."""
    if loc_ids is None:
        return (move.to_location_id is not None) - (move.from_location_id is not None)
    return (move.to_location_id in loc_ids) - (move.from_location_id in loc_ids)


def stock_ledger(
    *, material_id: int, flt: StockFilter, date_from: date | None, date_to: date | None
) -> Ledger:
    """出入库明细账: moves of one material in posting order with the running balance (quantity and
    value) over the scope; the opening balance sums everything before `date_from`."""
    loc_ids = _scope_locations(flt)
    moves = StockMove.objects.filter(material_id=material_id)
    if flt.lot:
        moves = moves.filter(lot_id=flt.lot)
    if loc_ids is not None:
        moves = moves.filter(Q(from_location_id__in=loc_ids) | Q(to_location_id__in=loc_ids))
    ledger = Ledger()
    if date_from:
        ledger.opening, ledger.opening_value = _scope_sum(
            moves.filter(posting_date__lt=date_from), loc_ids
        )
        moves = moves.filter(posting_date__gte=date_from)
    if date_to:
        moves = moves.filter(posting_date__lte=date_to)
    rows = list(
        moves.select_related("lot", "from_location", "to_location").order_by(
            "posting_date", "sequence"
        )[: LEDGER_LIMIT + 1]
    )
    ledger.truncated = len(rows) > LEDGER_LIMIT
    qty, value = ledger.opening, ledger.opening_value
    for move in rows[:LEDGER_LIMIT]:
        sign = _ledger_sign(move, flt, loc_ids)
        qty += sign * move.quantity
        value += sign * move.value
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


def _scope_locations(flt: StockFilter) -> set[int] | None:
    if flt.location:
        return {flt.location}
    if flt.warehouse:
        return set(Location.objects.filter(warehouse_id=flt.warehouse).values_list("pk", flat=True))
    return None


def _scope_sum(moves: QuerySet, loc_ids: set[int] | None) -> tuple[Decimal, Decimal]:
    if loc_ids is None:
        into, out = Q(to_location__isnull=False), Q(from_location__isnull=False)
    else:
        into, out = Q(to_location_id__in=loc_ids), Q(from_location_id__in=loc_ids)
    qty = value = ZERO
    for cond, sign in ((into, 1), (out, -1)):
        agg = moves.filter(cond).aggregate(q=Sum("quantity"), v=Sum("value"))
        qty += sign * (agg["q"] or ZERO)
        value += sign * (agg["v"] or ZERO)
    return qty, value


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
    """Company stock value per material at the end of `on_date` (ledger, boundary moves)."""
    base = StockMove.objects.filter(Q(posting_date__lte=on_date) & _material_q(flt))
    result: dict[int, Decimal] = defaultdict(Decimal)
    for cond, sign in ((Q(from_location__isnull=True), 1), (Q(to_location__isnull=True), -1)):
        for r in base.filter(cond).values("material_id").annotate(v=Sum("value")).order_by():
            result[r["material_id"]] += sign * r["v"]
    return result


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

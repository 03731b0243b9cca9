"""The MRP engine, pure (no database): facts in, proposals out.

One pass over the materials by low-level code (a component after every product it goes
into), and per material one pass over its demands in date order:

1. usable stock first, FEFO over the lots that can serve *this* demand: released (or in
   quarantine from its inspection's expected release date; without an inspection under way,
   when the material counts quarantine, from plan date + QC release time), not
   expired on the need date, and with at least the customer's minimum remaining shelf life on
   it; a lot passed over is reported once with its reason;
2. then open orders (purchase orders, requisitions, production orders) in date order; one due
   after the need date gets an "advance" message, one due more than a week before its first
   use a "postpone", one left over a "reduce or cancel";
3. then the surplus of earlier planned orders of the material (minimum lots, multiples);
4. what is still short becomes planned orders, sized by the lot rules, due on the need date
   and started lead time + QC release time earlier; a make order is exploded through the
   formula version effective on its start date (percentages of the quantity, grossed up by
   the expected yield) into dependent demand of its components on its start date. The
   formula is scaled by erp.production.calc.requirements, the same arithmetic as the
   production order: line modes (percentage, absolute per base batch, fixed, balance,
   packaging) and loss %, each line rounded up.

Every input is sorted on a full key before use and every quantity is a Decimal, so the same
facts give the same result, byte for byte (`Result.digest`).

Net change: a material's result depends only on the facts that reach it (its own demand, lots,
open orders, parameters, formula versions, low-level code, the plan date, and the dependent
demand its parents' planned orders explode into it). `Outcome.facts_digest` fingerprints
exactly those, with a parent planned order named by (material, number within the material)
rather than by its run-wide sequence, which shifts whenever an earlier material plans one
order more or less. Given the previous run's outcomes (`Facts.previous`), a material whose
fingerprint is unchanged is not netted again: its planned orders, pegging, entries and
exceptions are the previous run's (the caller copies them, renumbered by `seq_from`), and only
its make orders are exploded again so that its components see their dependent demand. A
component whose dependent demand changed gets another fingerprint and is recomputed, so a
change travels down the low-level codes as far as it changes anything.
"""

import datetime as dt
import gc
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from erp.production import calc

ZERO = Decimal(0)
HUNDRED = Decimal(100)
QTY = Decimal("0.0001")
FAR = date.max
# An open order due more than a week before anything needs it should come later.
POSTPONE_AFTER = timedelta(days=7)

RELEASED, QUARANTINE = "released", "quarantine"
SALES, DEPENDENT, SAFETY, FORECAST = "sales", "dependent", "safety", "forecast"
PLANNED_SOURCE = "mrp.plannedorder"
HOURS_PER_DAY = Decimal(8)  # a work centre without a capacity: one shift
# Part of every fingerprint: a change of the rules invalidates the previous run's fingerprints.
ENGINE_VERSION = "3"
# Same-day demands: customers first, then production, then the safety stock.
DEMAND_ORDER = {SALES: 0, DEPENDENT: 1, FORECAST: 2, SAFETY: 3}


class FormulaCycle(Exception):
    """A product is (indirectly) a component of itself: no low-level code exists."""

    def __init__(self, path: list[int]) -> None:
        self.path = path
        super().__init__(" → ".join(str(p) for p in path))


@dataclass(frozen=True)
class Params:
    material_id: int
    code: str
    make: bool
    lead_time_days: int = 0
    qc_release_days: int = 0
    quarantine_counts: bool = False
    safety_stock: Decimal = ZERO
    min_lot: Decimal = ZERO
    max_lot: Decimal = ZERO
    lot_multiple: Decimal = ZERO
    fixed_lot: Decimal = ZERO
    yield_pct: Decimal = HUNDRED


@dataclass(frozen=True)
class FormulaVersion:
    formula_id: int
    product_id: int
    version: int
    valid_from: date
    valid_to: date | None
    # (component material id, calc.Line), or (id, percentage of batch) for a percentage line
    lines: tuple[tuple[int, "calc.Line | Decimal"], ...]
    batch_size: Decimal = ZERO  # base batch of absolute lines; 0: the planned quantity
    # Its released routing: (setup hours, run hours per batch, work centre hours per day).
    operations: tuple[tuple[Decimal, Decimal, Decimal], ...] = ()
    yield_pct: Decimal | None = None  # the formula's expected yield, else the parameter's

    def calc_lines(self) -> list["calc.Line"]:
        return [
            ln if isinstance(ln, calc.Line) else calc.Line(calc.PERCENTAGE, ln)
            for _m, ln in self.lines
        ]


@dataclass(frozen=True)
class Demand:
    material_id: int
    date: date
    quantity: Decimal
    kind: str = SALES
    source_type: str = ""
    source_id: int | None = None
    source_number: str = ""
    min_remaining_days: int | None = None
    parent_seq: int | None = None  # dependent demand of a planned order of this run

    def key(self) -> tuple:
        return (
            self.date,
            DEMAND_ORDER.get(self.kind, 9),
            self.source_type,
            self.source_number,
            self.source_id or 0,
            self.parent_seq or 0,
            self.quantity,
        )


@dataclass(frozen=True)
class ForecastIn:
    material_id: int
    start: date
    end: date  # first day after the period
    quantity: Decimal


def forecast_demands(
    forecasts: list[ForecastIn], sales: list[Demand], plan_date: date
) -> list[Demand]:
    """Forecast left after consumption: customer orders of the material due inside the period
    use up its forecast first (so an order is never planned twice); a period already over is
    dropped, one under way is due from the plan date."""
    ordered: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for d in sales:
        ordered[(d.material_id, d.date)] += d.quantity
    by_material: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for (material_id, day), qty in ordered.items():
        by_material[material_id].append((day, qty))
    result = []
    for f in sorted(forecasts, key=lambda f: (f.material_id, f.start)):
        if f.end <= plan_date:
            continue
        taken = sum(
            (q for day, q in by_material.get(f.material_id, ()) if f.start <= day < f.end), ZERO
        )
        left = f.quantity - taken
        if left > 0:
            result.append(
                Demand(
                    f.material_id, max(f.start, plan_date), left, FORECAST, "", None,
                    f.start.isoformat(),
                )
            )  # fmt: skip
    return result


@dataclass(frozen=True)
class LotStock:
    material_id: int
    lot_id: int | None  # None: stock of a material without lots
    number: str
    quantity: Decimal
    status: str = RELEASED
    expiry: date | None = None
    # A lot in quarantine whose inspection is under way: released (expected) on this date.
    release_date: date | None = None


@dataclass(frozen=True)
class Receipt:
    material_id: int
    date: date
    quantity: Decimal
    kind: str  # po, pr, mo
    source_type: str
    source_id: int
    source_number: str


@dataclass
class Peg:
    kind: str
    source_type: str
    source_id: int | None
    source_number: str
    need_date: date
    quantity: Decimal
    parent_seq: int | None


@dataclass
class Planned:
    seq: int
    material_id: int
    make: bool
    low_level_code: int
    quantity: Decimal
    start_date: date
    due_date: date
    late: bool
    explanation: str
    pegs: list[Peg] = field(default_factory=list)


@dataclass(frozen=True)
class Message:
    material_id: int
    kind: str  # late, raised_to_min, stock_skipped, advance, reduce, no_formula
    reason: str = ""
    date: dt.date | None = None
    quantity: Decimal | None = None
    reference: str = ""
    source_type: str = ""
    source_id: int | None = None
    planned_seq: int | None = None


@dataclass(frozen=True)
class Entry:
    material_id: int
    kind: str
    date: date
    quantity: Decimal
    source_type: str = ""
    source_id: int | None = None
    source_number: str = ""


@dataclass(frozen=True)
class Kept:
    """A material's outcome in the previous run, as a net-change run needs it."""

    facts_digest: str
    result_digest: str
    planned_count: int
    exception_count: int
    # (quantity, start date) of its planned orders in sequence: re-exploded for the components
    make_orders: tuple[tuple[Decimal, date], ...] = ()


@dataclass
class Facts:
    plan_date: date
    params: dict[int, Params]
    formulas: list[FormulaVersion]
    demands: list[Demand]
    lots: list[LotStock]
    receipts: list[Receipt]
    previous: dict[int, Kept] | None = None  # a net-change run: the base run's outcomes


@dataclass(frozen=True)
class Outcome:
    """One material of a run: where its planned orders start in the run's sequence, how many
    there are, the fingerprints of its facts and of its result, and whether it was netted in
    this run (False: the previous run's result is kept)."""

    material_id: int
    low_level_code: int
    seq_from: int
    planned_count: int
    exception_count: int
    facts_digest: str
    result_digest: str
    recomputed: bool


@dataclass
class Result:
    """The planned orders, exceptions and entries of the recomputed materials (all of them in
    a full run) and the outcome of every material, in planning order."""

    planned: list[Planned]
    exceptions: list[Message]
    entries: list[Entry]
    low_level_codes: dict[int, int]
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def digest(self) -> str:
        """A fingerprint of the proposals: equal digests, equal plans. Made of the materials'
        result fingerprints in planning order, so a net-change run, which keeps most of them,
        has the digest a full run on the same facts has."""
        h = hashlib.sha256()
        for o in self.outcomes:
            h.update(f"{o.material_id}|{o.result_digest}\n".encode())
        return h.hexdigest()

    @property
    def recomputed_count(self) -> int:
        return sum(1 for o in self.outcomes if o.recomputed)


def kept_from(result: Result) -> dict[int, Kept]:
    """The outcomes of a run as the next net-change run takes them (runs.py reads the same
    from the database)."""
    orders: dict[int, list[tuple[Decimal, date]]] = defaultdict(list)
    for p in result.planned:
        if p.make:
            orders[p.material_id].append((p.quantity, p.start_date))
    return {
        o.material_id: Kept(
            o.facts_digest, o.result_digest, o.planned_count, o.exception_count,
            tuple(orders.get(o.material_id, ())),
        )
        for o in result.outcomes
    }  # fmt: skip


# --- lot sizing -----------------------------------------------------------------------------


def _round_up(quantity: Decimal, multiple: Decimal) -> Decimal:
    """Up to a whole number of `multiple` (a vessel, a pack): never a fraction of one."""
    if multiple <= 0:
        return quantity
    return (quantity / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple


def lot_sizes(need: Decimal, p: Params) -> list[Decimal]:
    """The planned quantities that cover `need`: a fixed lot as often as needed; else the
    need raised to the minimum and rounded up to the multiple, split at the maximum (the
    maximum itself rounded down to the multiple so that every piece stays a whole multiple)."""
    if need <= 0:
        return []
    if p.fixed_lot > 0:
        count = (need / p.fixed_lot).to_integral_value(rounding=ROUND_CEILING)
        return [p.fixed_lot] * int(count)
    total = _round_up(max(need, p.min_lot), p.lot_multiple)
    cap = p.max_lot
    if cap > 0 and p.lot_multiple > 0:
        cap = (cap / p.lot_multiple).to_integral_value(rounding="ROUND_FLOOR") * p.lot_multiple
    if cap <= 0 or total <= cap:
        return [total]
    sizes: list[Decimal] = []
    left = total
    while left > cap:
        sizes.append(cap)
        left -= cap
    if left > 0:
        sizes.append(_round_up(max(left, p.min_lot), p.lot_multiple))
    return sizes


# --- low-level codes ------------------------------------------------------------------------


def low_level_codes(formulas: list[FormulaVersion]) -> dict[int, int]:
    """Deepest level at which each material occurs (finished products 0). A cycle raises
    FormulaCycle naming the path."""
    children: dict[int, set[int]] = defaultdict(set)
    for f in formulas:
        for component, _pct in f.lines:
            children[f.product_id].add(component)
    codes: dict[int, int] = {}
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[int, int] = defaultdict(int)
    order: list[int] = []

    def visit(node: int, path: list[int]) -> None:
        # Iterative enough for 3–10 levels; recursion depth is the formula depth.
        colour[node] = GREY
        for child in sorted(children.get(node, ())):
            if colour[child] == GREY:
                raise FormulaCycle([*path, node, child][[*path, node, child].index(child) :])
            if colour[child] == WHITE:
                visit(child, [*path, node])
        colour[node] = BLACK
        order.append(node)

    for node in sorted(children):
        if colour[node] == WHITE:
            visit(node, [])
    for node in reversed(order):  # parents before children (reverse post-order)
        codes.setdefault(node, 0)
        for child in children.get(node, ()):
            codes[child] = max(codes.get(child, 0), codes[node] + 1)
    return codes


def formula_on(versions: list[FormulaVersion], on: date) -> FormulaVersion | None:
    """The newest released version effective on `on`; before the first one, the earliest."""
    effective = [
        v for v in versions if v.valid_from <= on and (v.valid_to is None or v.valid_to >= on)
    ]
    if effective:
        return max(effective, key=lambda v: v.version)
    future = [v for v in versions if v.valid_from > on]
    return min(future, key=lambda v: (v.valid_from, v.version)) if future else None


def routing_days(version: FormulaVersion | None, quantity: Decimal) -> int | None:
    """Production lead time of `quantity` (input, before yield) from the routing: every
    operation's setup plus its run hours for the number of base batches, at its work centre's
    hours per day, in whole days. None without a routing (the parameter's lead time applies)."""
    if version is None or not version.operations or version.batch_size <= 0:
        return None
    batches = quantity / version.batch_size
    days = sum(
        ((setup + run * batches) / (per_day if per_day > 0 else HOURS_PER_DAY))
        for setup, run, per_day in version.operations
    )
    return int(Decimal(days).to_integral_value(rounding=ROUND_CEILING))


# --- the run --------------------------------------------------------------------------------


@dataclass
class _Lot:
    stock: LotStock
    left: Decimal


@dataclass
class _Receipt:
    receipt: Receipt
    left: Decimal
    first_use: date | None = None


@dataclass
class _Surplus:
    planned: Planned
    left: Decimal


class _Planner:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.today = facts.plan_date
        self.versions: dict[int, list[FormulaVersion]] = defaultdict(list)
        for f in sorted(facts.formulas, key=lambda f: (f.product_id, f.version, f.formula_id)):
            self.versions[f.product_id].append(f)
        self.llc = low_level_codes(facts.formulas)
        self.demands: dict[int, list[Demand]] = defaultdict(list)
        for d in facts.demands:
            self.demands[d.material_id].append(d)
        for p in facts.params.values():
            if p.safety_stock > 0:
                self.demands[p.material_id].append(
                    Demand(p.material_id, self.today, p.safety_stock, SAFETY)
                )
        self.lots: dict[int, list[LotStock]] = defaultdict(list)
        for lot in facts.lots:
            if lot.quantity > 0:
                self.lots[lot.material_id].append(lot)
        self.receipts: dict[int, list[Receipt]] = defaultdict(list)
        for r in facts.receipts:
            if r.quantity > 0:
                self.receipts[r.material_id].append(r)
        self.planned: list[Planned] = []
        self._next_seq = 1
        self._seq_from = 1  # first sequence of the material being netted
        # run-wide sequence → (material, number within it): what fingerprints name parents by
        self._owner: dict[int, tuple[int, int]] = {}
        self.outcomes: list[Outcome] = []
        self._explained: dict[int, str] = {}
        self._formula_cache: dict[tuple, FormulaVersion | None] = {}
        self.exceptions: list[Message] = []
        self.entries: list[Entry] = []

    def run(self) -> Result:
        materials = set(self.demands) | set(self.lots) | set(self.receipts) | set(self.llc)
        materials &= set(self.facts.params)  # unknown (inactive) materials are not planned
        # Low-level code order; a material's dependent demand is complete when it is reached.
        previous = self.facts.previous or {}
        for material_id in sorted(
            materials, key=lambda m: (self.llc.get(m, 0), self.facts.params[m].code, m)
        ):
            p = self.facts.params[material_id]
            facts_digest = self._facts_digest(p)
            kept = previous.get(material_id)
            if kept is not None and kept.facts_digest == facts_digest:
                self._keep(p, kept, facts_digest)
            else:
                self._recompute(p, facts_digest)
        return Result(self.planned, self.exceptions, self.entries, dict(self.llc), self.outcomes)

    # fingerprints and net change

    def _facts_digest(self, p: Params) -> str:
        """Everything `_material` reads for this material, parents named stably. Fields are
        written out rather than repr'd: this runs for every material of every run."""
        owner = self._owner
        parts = [f"{ENGINE_VERSION}|{self.today}|{self.llc.get(p.material_id, 0)}|{p!r}"]
        parts += [
            f"{d.date}|{d.kind}|{d.quantity}|{d.source_type}|{d.source_id}|{d.source_number}|"
            f"{d.min_remaining_days}|{owner.get(d.parent_seq) if d.parent_seq else None}"
            for d in sorted(self.demands.get(p.material_id, ()), key=Demand.key)
        ]
        parts += [
            f"{s.lot_id}|{s.number}|{s.quantity}|{s.status}|{s.expiry}|{s.release_date}"
            for s in sorted(
                self.lots.get(p.material_id, ()),
                key=lambda s: (s.expiry or FAR, s.number, s.lot_id or 0),
            )
        ]
        parts += [
            f"{r.date}|{r.kind}|{r.quantity}|{r.source_type}|{r.source_id}|{r.source_number}"
            for r in sorted(
                self.receipts.get(p.material_id, ()),
                key=lambda r: (r.date, r.kind, r.source_number, r.source_id),
            )
        ]
        if p.make:
            parts += [repr(v) for v in self.versions.get(p.material_id, ())]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _recompute(self, p: Params, facts_digest: str) -> None:
        seq_from, planned_at, exceptions_at = (
            self._next_seq,
            len(self.planned),
            len(self.exceptions),
        )
        self._seq_from = seq_from
        self._material(p)
        planned = self.planned[planned_at:]
        exceptions = self.exceptions[exceptions_at:]
        self.outcomes.append(
            Outcome(
                p.material_id, self.llc.get(p.material_id, 0), seq_from, len(planned),
                len(exceptions), facts_digest, self._result_digest(planned, exceptions, seq_from),
                True,
            )
        )  # fmt: skip

    def _keep(self, p: Params, kept: Kept, facts_digest: str) -> None:
        """The previous result stands; its make orders still feed the components."""
        seq_from = self._next_seq
        for n in range(kept.planned_count):
            self._owner[seq_from + n] = (p.material_id, n + 1)
        for n, (quantity, start) in enumerate(kept.make_orders):
            self._explode_demands(p, seq_from + n, quantity, start)
        self._next_seq += kept.planned_count
        self.outcomes.append(
            Outcome(
                p.material_id, self.llc.get(p.material_id, 0), seq_from, kept.planned_count,
                kept.exception_count, facts_digest, kept.result_digest, False,
            )
        )  # fmt: skip

    def _result_digest(self, planned: list[Planned], exceptions: list[Message], seq_from: int):
        """The material's proposals with sequences counted within the material."""
        h = hashlib.sha256()
        for p in planned:
            h.update(
                f"{p.seq - seq_from}|{p.material_id}|{p.make}|{p.low_level_code}|{p.quantity}|"
                f"{p.start_date}|{p.due_date}|{p.late}|{p.explanation}\n".encode()
            )
            for g in p.pegs:
                parent = self._owner.get(g.parent_seq) if g.parent_seq else None
                h.update(
                    f" {g.kind}|{g.source_type}|{g.source_id}|{g.source_number}|{g.need_date}|"
                    f"{g.quantity}|{parent}\n".encode()
                )
        for e in exceptions:
            local = e.planned_seq - seq_from if e.planned_seq else None
            h.update(
                f"{e.material_id}|{e.kind}|{e.reason}|{e.date}|{e.quantity}|{e.reference}|"
                f"{e.source_type}|{e.source_id}|{local}\n".encode()
            )
        return h.hexdigest()

    # one material

    def _material(self, p: Params) -> None:
        demands = sorted(self.demands.get(p.material_id, ()), key=Demand.key)
        lots = [
            _Lot(s, s.quantity)
            for s in sorted(
                self.lots.get(p.material_id, ()),
                key=lambda s: (s.expiry or FAR, s.number, s.lot_id or 0),
            )
        ]
        receipts = [
            _Receipt(r, r.quantity)
            for r in sorted(
                self.receipts.get(p.material_id, ()),
                key=lambda r: (r.date, r.kind, r.source_number, r.source_id),
            )
        ]
        self._entries_in(p, demands, lots, receipts)
        surplus: list[_Surplus] = []
        skipped: set[tuple] = set()
        for d in demands:
            need = self._from_lots(p, d, lots, skipped)
            need = self._from_receipts(p, d, need, receipts)
            need = self._from_surplus(d, need, surplus)
            if need > 0:
                self._plan(p, d, need, surplus)
        for r in receipts:
            if r.left > 0:
                self._exception(p, "reduce", date=r.receipt.date, quantity=r.left, receipt=r)
            if r.first_use and r.first_use > r.receipt.date + POSTPONE_AFTER:
                self._exception(
                    p, "postpone", date=r.first_use, quantity=r.receipt.quantity, receipt=r
                )
        self._expiring(p, lots)

    def _expiring(self, p: Params, lots: list[_Lot]) -> None:
        """What usable stock is left unused when its lot expires leaves the projection then."""
        for lot in lots:
            s = lot.stock
            if lot.left > 0 and s.expiry is not None and self._usable_today(p, s):
                self.entries.append(Entry(p.material_id, "expiring", s.expiry, lot.left))

    def _entries_in(self, p: Params, demands, lots, receipts) -> None:
        for d in demands:
            self.entries.append(
                Entry(p.material_id, d.kind, d.date, d.quantity, *self._demand_source(d))
            )
        usable = sum((x.left for x in lots if self._usable_today(p, x.stock)), ZERO)
        if usable > 0:
            self.entries.append(Entry(p.material_id, "stock", self.today, usable))
        for r in receipts:
            x = r.receipt
            self.entries.append(
                Entry(
                    p.material_id, x.kind, x.date, x.quantity, x.source_type, x.source_id,
                    x.source_number,
                )
            )  # fmt: skip

    @staticmethod
    def _demand_source(d: Demand) -> tuple:
        return (d.source_type, d.source_id, d.source_number)

    def _usable_today(self, p: Params, s: LotStock) -> bool:
        return self._skip_reason(p, s, self.today, None) is None

    def _skip_reason(self, p: Params, s: LotStock, need: date, min_days: int | None):
        if s.status == QUARANTINE:
            if s.release_date is not None:  # its own inspection says when
                if s.release_date > need:
                    return "quarantine"
            elif not p.quarantine_counts:
                return "quarantine"
            elif self.today + timedelta(days=p.qc_release_days) > need:
                return "quarantine"
        elif s.status != RELEASED:
            return {"rejected": "rejected", "blocked": "blocked"}.get(s.status, "blocked")
        if s.expiry is not None:
            if s.expiry <= need:
                return "expired"
            if min_days and (s.expiry - need).days < min_days:
                return "short_life"
        return None

    def _from_lots(self, p: Params, d: Demand, lots: list[_Lot], skipped: set) -> Decimal:
        need = d.quantity
        for lot in lots:
            if need <= 0:
                break
            if lot.left <= 0:
                continue
            reason = self._skip_reason(p, lot.stock, d.date, d.min_remaining_days)
            if reason is not None:
                key = (lot.stock.lot_id, reason)
                if key not in skipped:
                    skipped.add(key)
                    self._exception(
                        p,
                        "stock_skipped",
                        reason=reason,
                        date=d.date,
                        quantity=lot.left,
                        reference=lot.stock.number,
                        source=("inventory.lot", lot.stock.lot_id),
                    )
                continue
            take = min(need, lot.left)
            lot.left -= take
            need -= take
        return need

    def _from_receipts(self, p: Params, d: Demand, need: Decimal, receipts) -> Decimal:
        for r in receipts:
            if need <= 0:
                break
            if r.left <= 0:
                continue
            take = min(need, r.left)
            r.left -= take
            need -= take
            r.first_use = r.first_use or d.date
            if r.receipt.date > d.date:
                self._exception(p, "advance", date=d.date, quantity=take, receipt=r)
        return need

    @staticmethod
    def _from_surplus(d: Demand, need: Decimal, surplus: list[_Surplus]) -> Decimal:
        for s in surplus:
            if need <= 0:
                break
            if s.left <= 0:
                continue
            take = min(need, s.left)
            s.left -= take
            need -= take
            s.planned.pegs.append(_peg(d, take))
        return need

    def _plan(self, p: Params, d: Demand, need: Decimal, surplus: list[_Surplus]) -> None:
        sizes = lot_sizes(need, p)
        raised = p.fixed_lot <= 0 and p.min_lot > need
        for size in sizes:
            planned = self._planned(p, d, size)
            take = min(need, size)
            need -= take
            planned.pegs.append(_peg(d, take))
            if size > take:
                surplus.append(_Surplus(planned, size - take))
            if raised:
                self._exception(
                    p, "raised_to_min", date=d.date, quantity=size, planned_seq=planned.seq
                )
                raised = False

    def _planned(self, p: Params, d: Demand, quantity: Decimal) -> Planned:
        due = max(d.date, self.today)
        start = due - timedelta(days=self._lead_days(p, due, quantity) + p.qc_release_days)
        late = start < self.today
        seq = self._next_seq
        self._next_seq += 1
        self._owner[seq] = (p.material_id, seq - self._seq_from + 1)
        planned = Planned(
            seq=seq,
            material_id=p.material_id,
            make=p.make,
            low_level_code=self.llc.get(p.material_id, 0),
            quantity=quantity,
            start_date=start,
            due_date=due,
            late=late,
            explanation=self._explanation(p),
        )
        self.planned.append(planned)
        if late:
            self._exception(p, "late", date=start, quantity=quantity, planned_seq=planned.seq)
        if p.make:
            self._explode(p, planned)
        return planned

    def _lead_days(self, p: Params, due: date, quantity: Decimal) -> int:
        """A make order takes as long as its routing says (the formula version effective on
        the due date: the start date is what is being worked out); else the parameter."""
        if p.make:
            days = routing_days(self._formula(p, due), quantity * HUNDRED / p.yield_pct)
            if days is not None:
                return days
        return p.lead_time_days

    def _formula(self, p: Params, on: date) -> FormulaVersion | None:
        key = (p.material_id, on)
        if key not in self._formula_cache:
            self._formula_cache[key] = formula_on(self.versions.get(p.material_id, []), on)
        return self._formula_cache[key]

    def _explanation(self, p: Params) -> str:
        text = self._explained.get(p.material_id)
        if text is None:
            text = self._explained[p.material_id] = _explain(p)
        return text

    def _explode(self, p: Params, planned: Planned) -> None:
        if not self._explode_demands(p, planned.seq, planned.quantity, planned.start_date):
            self._exception(p, "no_formula", date=planned.start_date, planned_seq=planned.seq)

    def _explode_demands(self, p: Params, seq: int, quantity: Decimal, start: date) -> bool:
        """The components' dependent demand of one make order; False without a formula."""
        version = self._formula(p, start)
        if version is None:
            return False
        for component, qty in self._requirements(p, version, quantity):
            if qty > 0:
                self.demands[component].append(
                    Demand(
                        component,
                        start,
                        qty,
                        DEPENDENT,
                        PLANNED_SOURCE,
                        None,
                        p.code,
                        parent_seq=seq,
                    )
                )
        return True

    @staticmethod
    def _requirements(p: Params, version: FormulaVersion, quantity: Decimal):
        """(component, quantity to issue) for a planned output: the batch is the output
        grossed up by the expected yield (the formula's when it states one below 100 %)."""
        yield_pct = version.yield_pct if version.yield_pct not in (None, HUNDRED) else p.yield_pct
        batch = (quantity * HUNDRED / yield_pct).quantize(QTY, rounding=ROUND_CEILING)
        try:
            reqs = calc.requirements(
                version.calc_lines(),
                base=version.batch_size or batch,
                quantity=batch,
                yield_pct=yield_pct,
                rounding=ROUND_CEILING,
            )
        except calc.BalanceNegative:
            return []  # a released formula keeps its balance ≥ 0; rounding only at tiny batches
        return [(m, r.gross) for (m, _ln), r in zip(version.lines, reqs, strict=True)]

    def _exception(self, p: Params, kind: str, *, receipt: _Receipt | None = None, **kw) -> None:
        source = kw.pop("source", None)
        if receipt is not None:
            r = receipt.receipt
            kw |= {"reference": r.source_number}
            source = (r.source_type, r.source_id)
        if source is not None:
            kw |= {"source_type": source[0], "source_id": source[1]}
        self.exceptions.append(Message(p.material_id, kind, **kw))


def _peg(d: Demand, quantity: Decimal) -> Peg:
    return Peg(d.kind, d.source_type, d.source_id, d.source_number, d.date, quantity, d.parent_seq)


def _explain(p: Params) -> str:
    """A short, language-neutral record of the sizing rules applied (the page words it)."""
    rules = []
    if p.fixed_lot > 0:
        rules.append(f"fixed={p.fixed_lot.normalize():f}")
    if p.min_lot > 0:
        rules.append(f"min={p.min_lot.normalize():f}")
    if p.lot_multiple > 0:
        rules.append(f"multiple={p.lot_multiple.normalize():f}")
    if p.max_lot > 0:
        rules.append(f"max={p.max_lot.normalize():f}")
    return ";".join(rules)


def run(facts: Facts) -> Result:
    """Plan: see the module docstring. Raises FormulaCycle when formulas loop."""
    # A run allocates hundreds of thousands of small objects and makes no reference cycles;
    # the collector's passes over them took about two thirds of the time (5 s instead of
    # 15 s on the benchmark's 10,000 materials), so it waits until the plan is made.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Planner(facts).run()
    finally:
        if enabled:
            gc.enable()

"""The batch arithmetic, pure (no database): scaling a formula version to a batch and the
potency adjustment. The production order's requirements, its issue and MRP's explosion all
go through `requirements`, so they agree. Quantities round to 4 places like the stock ledger.

Line modes (配方行方式):
- percentage: a share of the batch (today's lines);
- absolute: a quantity per base batch, scaling with the batch (300 kg per 1,000 kg);
- fixed: a quantity per batch whatever its size (one filter bag);
- balance: at most one, takes what the bulk lines leave (补足至100%);
- packaging: a quantity per unit of theoretical output (batch × expected yield), kept apart
  from the bulk.
Percentage, absolute and balance lines make the bulk: at the base batch they add up to 100 %.
Loss % grosses a line's issue quantity up: net ÷ (1 − loss)."""

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

ZERO = Decimal(0)
HUNDRED = Decimal(100)
STEP = Decimal("0.0001")
# Σ % of a formula without a balance line may miss 100 by this much (absolute lines converted
# at the base batch rarely come out exact).
TOLERANCE = Decimal("0.001")

PERCENTAGE, ABSOLUTE, FIXED, BALANCE, PACKAGING = (
    "percentage",
    "absolute",
    "fixed",
    "balance",
    "packaging",
)
MODES = (PERCENTAGE, ABSOLUTE, FIXED, BALANCE, PACKAGING)
BULK = (PERCENTAGE, ABSOLUTE, BALANCE)


class Line(NamedTuple):
    mode: str
    amount: Decimal  # % (percentage), qty per base batch (absolute), per batch (fixed), per unit
    # of output (packaging); unused for the balance line
    loss: Decimal = ZERO  # loss %, 0 ≤ loss < 100
    compensates: bool = False  # a percentage line that absorbs the potency difference


class Requirement(NamedTuple):
    net: Decimal  # the formula's quantity for the batch
    gross: Decimal  # what to issue: net grossed up by the loss


class BalanceNegative(Exception):
    """The balance (or compensating) line at `index` would go below zero; `others` are the
    lines that took its share (the caller names them)."""

    def __init__(self, index: int, others: list[int], short: Decimal) -> None:
        self.index, self.others, self.short = index, others, short
        super().__init__(f"line {index} short {short}")


def _round(value: Decimal, rounding=ROUND_HALF_UP) -> Decimal:
    return value.quantize(STEP, rounding=rounding)


def share(line: Line, base: Decimal) -> Decimal | None:
    """The line's % of the base batch: percentage and absolute lines; None for the others."""
    if line.mode == PERCENTAGE:
        return line.amount
    if line.mode == ABSOLUTE:
        return line.amount * HUNDRED / base
    return None


def bulk_total(lines: Sequence[Line], base: Decimal) -> Decimal:
    """Σ % of the percentage and absolute lines at the base batch (the balance takes the rest)."""
    return sum((s for s in (share(ln, base) for ln in lines) if s is not None), ZERO)


def absorber(lines: Sequence[Line]) -> int | None:
    """The line that takes the rest of the bulk: the balance line, else a compensating one."""
    for mode_first in (True, False):
        for i, ln in enumerate(lines):
            if (ln.mode == BALANCE) if mode_first else ln.compensates:
                return i
    return None


def gross(net: Decimal, loss: Decimal, rounding=ROUND_HALF_UP) -> Decimal:
    """net ÷ (1 − loss %): 600 kg at 2 % loss → 612.2449 kg."""
    if not loss:
        return net
    return _round(net * HUNDRED / (HUNDRED - loss), rounding)


def requirements(
    lines: Sequence[Line],
    *,
    base: Decimal,
    quantity: Decimal,
    yield_pct: Decimal = HUNDRED,
    rounding=ROUND_HALF_UP,
) -> list[Requirement]:
    """Net and gross quantity of each line for a batch of `quantity` (base batch `base`). Each
    line is rounded; the balance (or compensating) line takes the rest of the bulk, so the bulk
    adds up to the batch exactly. Raises BalanceNegative when the rest is below zero.
    E.g. 2,000 kg: resin 40 % → 800; pigment 300 per 1,000 → 600; solvent balance → 600."""
    net = [_round(_scaled(ln, base, quantity, yield_pct), rounding) for ln in lines]
    i = absorber(lines)
    if i is not None:
        others = [j for j, ln in enumerate(lines) if ln.mode in BULK and j != i]
        net[i] = quantity - sum((net[j] for j in others), ZERO)
        if net[i] < 0:
            raise BalanceNegative(i, [j for j in others if net[j] > 0], -net[i])
    return [Requirement(n, gross(n, ln.loss, rounding)) for n, ln in zip(net, lines, strict=True)]


def _scaled(line: Line, base: Decimal, quantity: Decimal, yield_pct: Decimal) -> Decimal:
    if line.mode == PERCENTAGE:
        return quantity * line.amount / HUNDRED
    if line.mode == ABSOLUTE:
        return quantity * line.amount / base
    if line.mode == FIXED:
        return line.amount
    if line.mode == PACKAGING:
        return quantity * yield_pct / HUNDRED * line.amount
    return ZERO  # balance: set from the rest


def theoretical_output(quantity: Decimal, yield_pct: Decimal) -> Decimal:
    """Batch × expected yield: 2,000 kg at 97.5 % → 1,950 kg."""
    return _round(quantity * yield_pct / HUNDRED)


def scale(lines: Sequence[tuple[Decimal, bool]], quantity: Decimal) -> list[Decimal]:
    """Percentage lines only (percentage, compensates): the net requirement per line."""
    found = requirements(
        [Line(PERCENTAGE, pct, compensates=c) for pct, c in lines], base=quantity, quantity=quantity
    )
    return [r.net for r in found]


def after_potency(
    lines: Sequence[Line], reqs: Sequence[Requirement], taken: dict[int, Decimal]
) -> list[Decimal]:
    """What to issue of each line once the potency lines (index → quantity taken, gross) are
    picked: potency lines as taken; the absorber gives up the net extra they took (a weak lot
    needs more), so the bulk issued still nets to the batch. Raises BalanceNegative naming
    the potency lines when the absorber cannot give that much."""
    out = [r.gross for r in reqs]
    extra = ZERO
    for i, qty in taken.items():
        out[i] = qty
        extra += qty * (HUNDRED - lines[i].loss) / HUNDRED - reqs[i].net
    a = absorber(lines)
    if a is None or not taken:
        return out
    net = reqs[a].net - _round(extra)
    if net < 0:
        raise BalanceNegative(a, sorted(taken), -net)
    out[a] = gross(net, lines[a].loss)
    return out


class LotOffer(NamedTuple):
    key: object  # what the caller needs back (a balance: lot and location)
    available: Decimal
    value: Decimal  # the lot's potency attribute, e.g. assay 99.5 (%)


class Take(NamedTuple):
    key: object
    quantity: Decimal


def potency_takes(required: Decimal, target: Decimal, offers: Iterable[LotOffer]) -> list[Take]:
    """What to take from each lot (in FEFO order) so the active content equals what
    `required` at `target` holds: required × target ÷ the lot's value from the first lot, the
    rest from the next. E.g. 600 kg of resin at target 98 % from a lot of 96 % → 612.5 kg.
    Returns the takes, short of the need when the lots run out (the caller refuses)."""
    remaining = required * target  # active content still to issue (kg × %)
    takes: list[Take] = []
    for offer in offers:
        if remaining <= 0:
            break
        need = _round(remaining / offer.value)
        take = min(offer.available, need)
        if take <= 0:
            continue
        takes.append(Take(offer.key, take))
        remaining = ZERO if take == need else remaining - take * offer.value
    return takes


def potency_short(required: Decimal, target: Decimal, takes: list[Take], values) -> bool:
    """Whether the takes hold less active content than needed (more than rounding short)."""
    held = sum((t.quantity * values[t.key] for t in takes), ZERO)
    return required * target - held > Decimal("0.0001") * HUNDRED

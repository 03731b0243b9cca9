"""The batch arithmetic, pure (no database): scaling a formula to a quantity and the potency
adjustment. Quantities round to 4 places like the stock ledger."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from erp.core.money import round_quantity

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def scale(lines: Sequence[tuple[Decimal, bool]], quantity: Decimal) -> list[Decimal]:
    """Requirement per line (percentage, compensates) for `quantity`: each line is rounded;
    the compensating line, when there is one, takes the rest, so the lines add up to the
    quantity exactly. E.g. 40 % / 35.5 % / 24.5 % (compensating) of 2,000 kg → 800, 710, 490."""
    required = [round_quantity(quantity * pct / HUNDRED) for pct, _c in lines]
    for i, (_pct, compensates) in enumerate(lines):
        if compensates:
            required[i] = quantity - sum((r for j, r in enumerate(required) if j != i), ZERO)
    return required


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
        need = round_quantity(remaining / offer.value)
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

"""Move types (出入库类型): an open registry of what a stock move may be.

Every StockMove row stores a move type code. Inventory registers its own types in
`InventoryConfig.ready()` (receipt, issue, transfer, scrap, count adjustment, opening stock,
reversal); a later module registers its own from its ready() without editing inventory:

    move_type_register(
        "production_issue", _("Production issue"), direction=OUT,
        allowed_lot_statuses={LotStatus.RELEASED}, expiry_blocks=True,
        outflow_event="production_issue",
    )

A type says which way stock goes, which lot statuses an outflow may take stock from, whether an
expired lot is refused, and under which posting events (erp/core/posting_events.py) the
accounting listener books its moves into and out of the company. The posting gate refuses a
move whose type is not registered. The registry is fixed configuration written at start-up,
never changed by requests.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

IN = "in"  # into the company (receipt, opening stock, production output)
OUT = "out"  # out of the company (issue, scrap, production issue)
INTERNAL = "internal"  # between two locations (transfer)
EITHER = "either"  # in or out depending on the sign of the fact (count adjustment, reversal)
DIRECTIONS = (IN, OUT, INTERNAL, EITHER)
MAX_CODE_LENGTH = 30  # StockMove.move_type's max_length


@dataclass(frozen=True)
class MoveTypeSpec:
    code: str
    label: Any
    direction: str
    # Lot statuses an outflow of this type may take stock from (empty: none, i.e. the type
    # never takes stock out of a lot).
    allowed_lot_statuses: frozenset[str] = frozenset()
    # An expired lot may not be taken out by this type (issues); scrap and counts may.
    expiry_blocks: bool = False
    # Posting events of the accounting listener: a move into the company / out of it.
    inflow_event: str = ""
    outflow_event: str = ""


_TYPES: dict[str, MoveTypeSpec] = {}


def move_type_register(
    code: str,
    label: Any,
    *,
    direction: str,
    allowed_lot_statuses: Iterable[str] = (),
    expiry_blocks: bool = False,
    inflow_event: str = "",
    outflow_event: str = "",
) -> MoveTypeSpec:
    """Declare a move type (call from AppConfig.ready()). Registering the same type again is
    a no-op; a different declaration under a registered code is a programming error."""
    if not code or len(code) > MAX_CODE_LENGTH or not code.replace("_", "").isalnum():
        raise ImproperlyConfigured(f"move type {code!r}: use at most 30 letters, digits or _")
    if direction not in DIRECTIONS:
        raise ImproperlyConfigured(f"move type {code!r}: direction must be one of {DIRECTIONS}")
    spec = MoveTypeSpec(
        code=code,
        label=label,
        direction=direction,
        allowed_lot_statuses=frozenset(allowed_lot_statuses),
        expiry_blocks=expiry_blocks,
        inflow_event=inflow_event,
        outflow_event=outflow_event,
    )
    known = _TYPES.get(code)
    if known is not None and known != spec:
        raise ImproperlyConfigured(f"move type {code!r} registered twice with different rules")
    _TYPES[code] = spec
    return spec


def move_type_unregister(code: str) -> None:
    """Tests only: forget a type a test registered."""
    _TYPES.pop(code, None)


def move_type_get(code: str) -> MoveTypeSpec | None:
    return _TYPES.get(code)


def move_types() -> list[MoveTypeSpec]:
    return list(_TYPES.values())


def move_type_choices() -> list[tuple[str, str]]:
    """Choices of StockMove.move_type (a callable, so registered types are valid and display
    their label without a migration)."""
    return [(t.code, t.label) for t in _TYPES.values()]


def move_type_inflow_event(code: str) -> str:
    spec = _TYPES.get(code)
    return spec.inflow_event if spec else ""


def move_type_outflow_event(code: str) -> str:
    spec = _TYPES.get(code)
    return spec.outflow_event if spec else ""


def inventory_move_types_register() -> None:
    """Inventory's own move types (called from InventoryConfig.ready()). The codes are the
    values of states.MoveType, which stored StockMove rows carry."""
    from erp.inventory.states import EXPIRY_BLOCKS, OUTFLOW_ALLOWED_STATUSES, MoveType

    directions = {
        MoveType.RECEIPT: IN,
        MoveType.ISSUE: OUT,
        MoveType.TRANSFER: INTERNAL,
        MoveType.SCRAP: OUT,
        MoveType.COUNT_ADJUST: EITHER,
        MoveType.OPENING: IN,
        MoveType.REVERSAL: EITHER,
    }
    events = {  # (into the company, out of it): the accounting listener's posting events
        MoveType.RECEIPT: ("stock_receipt", ""),
        MoveType.ISSUE: ("", "stock_issue"),
        MoveType.SCRAP: ("", "scrap"),
        MoveType.COUNT_ADJUST: ("count_gain", "count_loss"),
        MoveType.OPENING: ("opening_stock", ""),
    }
    for move_type in MoveType:
        inflow, outflow = events.get(move_type, ("", ""))
        move_type_register(
            move_type.value,
            move_type.label,
            direction=directions[move_type],
            allowed_lot_statuses=OUTFLOW_ALLOWED_STATUSES.get(move_type, ()),
            expiry_blocks=move_type in EXPIRY_BLOCKS,
            inflow_event=inflow,
            outflow_event=outflow,
        )

"""Stock posting listeners: how other apps take part in every stock posting without inventory
importing them.

The posting gate (`posting.moves_post`) calls every registered listener twice inside its
transaction: `check` before any move is written (accounting refuses a date in a closed or
missing period there), and `posted` with the moves just written (accounting posts the
document's voucher there). A listener that raises rolls the whole posting back, so a stock
posting from any app — present or future — either carries its voucher or does not happen.

Accounting registers its listener in `AccountingConfig.ready()`; tests may register their own
and must unregister it.
"""

from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True)
class StockPosting:
    """One call of the posting gate: the moves of one source document on one date."""

    actor: object
    moves: list  # StockMove rows just inserted (no ids)
    posting_date: date
    source: object  # posting.StockSource
    reason: str = ""


class StockPostingListener(Protocol):
    def check(self, *, posting_date: date, source) -> None: ...

    def posted(self, posting: StockPosting) -> None: ...


_LISTENERS: list[StockPostingListener] = []


def stock_listener_register(listener: StockPostingListener) -> None:
    """Add a listener once (AppConfig.ready() may run more than once in tests)."""
    if not any(type(x) is type(listener) for x in _LISTENERS):
        _LISTENERS.append(listener)


def stock_listener_unregister(listener_type: type) -> None:
    _LISTENERS[:] = [x for x in _LISTENERS if type(x) is not listener_type]


def stock_listeners_check(*, posting_date: date, source) -> None:
    for listener in list(_LISTENERS):
        listener.check(posting_date=posting_date, source=source)


def stock_listeners_posted(posting: StockPosting) -> None:
    for listener in list(_LISTENERS):
        listener.posted(posting)

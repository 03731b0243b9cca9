"""Posting events (记账事件): an open registry of the business events the general ledger books.

A posting rule (accounting.PostingRule) says which accounts an event posts to; its `event` is a
code registered here. Accounting registers the stock events it books from the stock gate
(stock_receipt, stock_issue, ...) in `AccountingConfig.ready()`; a later module registers its
own events from its ready() — with the pure builder that turns its document's facts into
voucher lines, if it has one — without editing accounting:

    posting_event_register("production_output", _("Finished goods receipt"))
    posting_event_register("sales_invoice", _("Sales invoice"), builder=invoice_voucher_draft)

The registry lives in core (plumbing, no business rule) so that a module registering an event
depends on core only, never on accounting. It is fixed configuration written at start-up,
never changed by requests.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")  # PostingRule.event holds 30 characters


@dataclass(frozen=True)
class PostingEvent:
    code: str
    label: Any
    # A pure function document facts → voucher draft (erp/accounting/builders/); None when the
    # event is booked by a listener that builds its own voucher (the stock events).
    builder: Callable[..., Any] | None = None
    # The rule a new company starts with, per chart standard: (("enterprise", debit, credit),
    # ("small", debit, credit)). Seeded with the chart and by `erp setup` where it is missing
    # (accounting's posting_rules_ensure_defaults); finance edits it like any rule.
    defaults: tuple[tuple[str, str, str], ...] = ()


_EVENTS: dict[str, PostingEvent] = {}


def posting_event_register(
    code: str,
    label: Any,
    builder: Callable | None = None,
    *,
    defaults: dict[str, tuple[str, str]] | None = None,
) -> None:
    """Declare a posting event (call from AppConfig.ready()). Registering the same event again
    is a no-op; a different declaration under a registered code is a programming error.

    `defaults` = {"enterprise": (debit code, credit code), "small": (...)}: the default rule
    (no category, no warehouse) a company gets for this event."""
    if not _CODE.match(code):
        raise ImproperlyConfigured(f"posting event {code!r}: use a-z, 0-9 and _, at most 30")
    pairs = tuple(sorted((std, dr, cr) for std, (dr, cr) in (defaults or {}).items()))
    event = PostingEvent(code, label, builder, pairs)
    known = _EVENTS.get(code)
    if known is not None and known != event:
        raise ImproperlyConfigured(f"posting event {code!r} registered twice")
    _EVENTS[code] = event


def posting_event_unregister(code: str) -> None:
    """Tests only: forget an event a test registered."""
    _EVENTS.pop(code, None)


def posting_event_get(code: str) -> PostingEvent | None:
    return _EVENTS.get(code)


def posting_event_defaults(standard: str) -> dict[str, tuple[str, str]]:
    """event code -> (debit, credit) of every registered event with a default for `standard`."""
    return {
        e.code: (dr, cr) for e in _EVENTS.values() for std, dr, cr in e.defaults if std == standard
    }


def posting_event_codes() -> list[str]:
    return list(_EVENTS)


def posting_event_choices() -> list[tuple[str, Any]]:
    """Choices of PostingRule.event (a callable: a registered event is selectable and valid
    without a migration)."""
    return [(e.code, e.label) for e in _EVENTS.values()]


def posting_event_label(code: str) -> str:
    event = _EVENTS.get(code)
    return str(event.label) if event else code

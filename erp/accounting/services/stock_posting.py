"""Stock postings → general ledger (存货核算凭证): the voucher every stock posting carries.

`StockLedgerListener` is registered with the inventory posting gate from
`AccountingConfig.ready()`: the gate calls `check` before it writes a move (the period of the
posting date must be open once the books have started) and `posted` with the moves it has just
written, inside the same transaction. So no stock posting — from inventory documents, counts,
opening stock, reversals or any later module — can skip the period check or its voucher, and
inventory never imports accounting. The voucher's amounts are the moves' values, its accounts
come from the posting rules (builders/stock.py), and it posts through the gate.

A reversal (冲销) of a stock document posts the red mirror of the original moves' entries and is
linked to the original voucher of the same date (`reversal_of`), so the document's voucher is
reversed exactly once, by reversing the document.

The books start when the first accounting period exists: before that (a plant keeping stock
without the accounting module in use) no voucher is made and no period is checked.
"""

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.accounting.builders.stock import (
    NoPostingRule,
    StockMoveValue,
    UnsupportedMove,
    stock_moves_draft,
)
from erp.accounting.models import Period, Voucher
from erp.accounting.selectors import posting_rule_table
from erp.accounting.services.gate import voucher_post_for_source
from erp.accounting.services.periods import period_require_open
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError

# The partner the offset lines of a source's stock vouchers carry (暂估应付款 needs the
# supplier): registered by the module owning the source (erp/core/ledger.py); read for every
# voucher of the source — live postings, reversals and the catch-up alike.
from erp.core.ledger import stock_offset_partner
from erp.core.posting_events import posting_event_codes, posting_event_label
from erp.core.references import document_ref
from erp.masterdata.models import Location, Material

REVERSAL = "reversal"


class StockLedgerListener:
    """The inventory gate's accounting listener (see the module docstring)."""

    def check(self, *, posting_date: dt.date, source) -> None:
        if books_started():
            period_require_open(posting_date)

    def posted(self, posting) -> None:
        source = posting.source
        stock_voucher_post(
            actor=posting.actor,
            source_type=source.type,
            source_id=source.id,
            source_number=source.number or _known_number(source),
            on_date=posting.posting_date,
            moves=posting.moves,
        )


def _known_number(source) -> str:
    """A caller that did not give the number (a reversal names only type and id): the number
    an earlier voucher of the same source carries, else the document's own number."""
    number = (
        Voucher.objects.filter(source_type=source.type, source_id=str(source.id))
        .exclude(source_number="")
        .values_list("source_number", flat=True)
        .first()
    )
    return number or _document_number(source.type, source.id)


def _document_number(source_type: str, source_id) -> str:
    """The number the document shows (单据联查), never a raw "stockcount:2"; the id when the
    source has no numbered document."""
    return document_ref(source_type, source_id).number[:40]


def stock_ledger_listener_register() -> None:
    from erp.inventory.services.listeners import stock_listener_register

    stock_listener_register(StockLedgerListener())


def books_started() -> bool:
    return Period.objects.exists()


def stock_voucher_post(
    *,
    actor,
    source_type: str,
    source_id: int | str,
    source_number: str,
    on_date: dt.date,
    moves: Iterable,
) -> Voucher | None:
    """Post the voucher of one stock document's moves (StockMove rows). Returns None before
    the books start or when the moves carry no value (zero-cost stock, a transfer inside one
    valuation group); the period must be open either way."""
    if not books_started():
        return None
    period_require_open(on_date)
    moves = list(moves)
    reversed_types = _reversed_move_types(moves)
    facts = move_values([_as_entry(m, reversed_types) for m in moves])
    label = str(source_number or source_id)
    if reversed_types:
        label = str(_("Reversal of %(number)s") % {"number": label})
    summaries = {
        code: f"{posting_event_label(code)} {label}"[:200] for code in posting_event_codes()
    }  # 摘要: "Stock receipt QR-2026-0001"
    try:
        draft = stock_moves_draft(
            date=on_date,
            summaries=summaries,
            moves=facts,
            rules=posting_rule_table(),
            source_type=source_type,
            source_id=str(source_id),
            source_number=source_number,
            offset_partner=stock_offset_partner(source_type, source_id),
        )
    except NoPostingRule as exc:
        raise _rule_missing(str(exc), facts) from None
    except UnsupportedMove as exc:
        raise BusinessRuleError(
            _("Stock moves of type %(type)s have no voucher rule yet; post them manually.")
            % {"type": str(exc)},
            code="stock_move_unsupported",
        ) from None
    if draft is None:
        return None
    if reversed_types:
        draft = dataclasses.replace(
            draft, reversal_of_id=_original_voucher_id(source_type, source_id, on_date, moves)
        )
    return voucher_post_for_source(actor=actor, draft=draft)


@dataclasses.dataclass(frozen=True)
class _Entry:
    """A move as the builder should book it: a reversal books its original's entries red."""

    material_id: int
    from_location_id: int | None
    to_location_id: int | None
    move_type: str
    value: object
    source_line_id: str
    source_type: str = ""  # the source keeps the reason the rules key on (研发领用)
    source_id: str = ""


def _reversed_move_types(moves: list) -> dict[int, tuple]:
    """Original move id → (move type, posting date) for the reversal moves among `moves`."""
    from erp.inventory.models import StockMove

    ids = {m.reverses_id for m in moves if m.move_type == REVERSAL and m.reverses_id}
    if not ids:
        return {}
    rows = StockMove.objects.filter(pk__in=ids).values_list("pk", "move_type", "posting_date")
    return {pk: (move_type, on) for pk, move_type, on in rows}


def _as_entry(move, reversed_types: dict[int, tuple]):
    if move.move_type != REVERSAL:
        return move
    original_type = reversed_types[move.reverses_id][0]
    return _Entry(
        material_id=move.material_id,
        from_location_id=move.to_location_id,  # the original's direction
        to_location_id=move.from_location_id,
        move_type=original_type,
        value=-move.value,  # 红字: the original's entries, negated
        source_line_id=move.source_line_id,
        source_type=move.source_type,
        source_id=move.source_id,
    )


def _original_voucher_id(source_type, source_id, on_date, moves) -> int | None:
    """The not-yet-reversed voucher the reversed moves posted (same source, the originals'
    posting date): the reversal is linked to it so it cannot be reversed a second time."""
    from erp.inventory.models import StockMove

    original_dates = set(
        StockMove.objects.filter(pk__in={m.reverses_id for m in moves}).values_list(
            "posting_date", flat=True
        )
    )
    candidates = (
        Voucher.objects.filter(
            source_type=source_type,
            source_id=str(source_id),
            reversal_of__isnull=True,
            date__in=original_dates,
        )
        .exclude(reversed_by__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return candidates.first()


def move_values(moves: list) -> list[StockMoveValue]:
    """The builder's facts for StockMove rows: category code and warehouse codes by id, and
    the source document's reason code where the posting rules key on it (其他出库)."""
    reasons = _issue_reasons(moves)
    location_ids = {m.from_location_id for m in moves} | {m.to_location_id for m in moves}
    warehouses = dict(
        Location.objects.filter(pk__in=location_ids - {None}).values_list("pk", "warehouse__code")
    )
    categories = dict(
        Material.objects.filter(pk__in={m.material_id for m in moves}).values_list(
            "pk", "category__code"
        )
    )
    return [
        StockMoveValue(
            material_id=m.material_id,
            category_code=categories.get(m.material_id) or "",
            move_type=m.move_type,
            value=m.value,
            from_warehouse=warehouses.get(m.from_location_id) if m.from_location_id else None,
            to_warehouse=warehouses.get(m.to_location_id) if m.to_location_id else None,
            source_line=m.source_line_id,
            reason=reasons.get(
                (getattr(m, "source_type", ""), str(getattr(m, "source_id", ""))), ""
            ),
        )
        for m in moves
    ]


def _issue_reasons(moves: list) -> dict[tuple[str, str], str]:
    """(source type, source id) → reason code of the other issues among the moves' sources
    (研发领用 posts to 研发支出, builders/stock.py ISSUE_REASON_EVENTS). Moves that do not say
    their source (a reversal's entries built without it) get no reason."""
    from erp.inventory.models import OtherIssue

    ids = {
        str(m.source_id)
        for m in moves
        if getattr(m, "source_type", "") == "inventory.otherissue" and m.move_type == "issue"
    }
    if not ids:
        return {}
    rows = OtherIssue.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    return {("inventory.otherissue", str(pk)): r for pk, r in rows.values_list("pk", "reason")}


def _rule_missing(event: str, facts: list[StockMoveValue]) -> BusinessRuleError:
    label = posting_event_label(event)
    return BusinessRuleError(
        _(
            "No posting rule says which accounts %(event)s posts to. Add a default rule for "
            "it under Accounting → Posting rules, then post again."
        )
        % {"event": label},
        code="posting_rule_missing",
        event=event,
        categories=sorted({f.category_code for f in facts}),
    )


def stock_vouchers_catch_up(*, actor) -> list[Voucher]:
    """When the books start after stock was already kept (the demo; a site that switches the
    accounting module on): post the voucher of every stock posting that has none, per
    (source, posting date), dated as its moves. Sources already carrying a voucher are
    skipped, so running it twice posts nothing new."""
    from erp.inventory.models import StockMove

    require_perm(actor, "accounting.post_voucher")
    with transaction.atomic():
        done = set(Voucher.objects.exclude(source_type="").values_list("source_type", "source_id"))
        groups: dict[tuple[str, str, dt.date], list] = defaultdict(list)
        for move in StockMove.objects.order_by("posting_date", "pk"):
            if (move.source_type, move.source_id) not in done:
                groups[(move.source_type, move.source_id, move.posting_date)].append(move)
        posted = []
        for (source_type, source_id, on_date), moves in groups.items():
            voucher = stock_voucher_post(
                actor=actor,
                source_type=source_type,
                source_id=source_id,
                source_number=_document_number(source_type, source_id),
                on_date=on_date,
                moves=moves,
            )
            if voucher is not None:
                posted.append(voucher)
        return posted

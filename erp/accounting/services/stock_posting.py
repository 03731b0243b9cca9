"""Stock documents → general ledger (存货核算凭证): the voucher a posted stock document carries.

The inventory document services call `stock_voucher_post` inside their posting transaction,
with the moves they have just posted; the voucher's amounts are those moves' values, its
accounts come from the posting rules (builders/stock.py), and it posts through the gate. So
the document, its moves and its voucher commit together or not at all.

The books start when the first accounting period exists: before that (a plant keeping stock
without the accounting module in use) no voucher is made. Once they have started, a stock
posting dated in a closed or missing period is refused like any other posting.
"""

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
from erp.accounting.models import Period, PostingEvent, Voucher
from erp.accounting.selectors import posting_rule_table
from erp.accounting.services.gate import voucher_post_for_source
from erp.accounting.services.periods import period_require_open
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError
from erp.masterdata.models import Location, Material


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
    facts = move_values(list(moves))
    label = str(source_number or source_id)
    summaries = {
        event.value: f"{event.label} {label}"[:200] for event in PostingEvent
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
    return voucher_post_for_source(actor=actor, draft=draft)


def move_values(moves: list) -> list[StockMoveValue]:
    """The builder's facts for StockMove rows: category code and warehouse codes by id."""
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
        )
        for m in moves
    ]


def _rule_missing(event: str, facts: list[StockMoveValue]) -> BusinessRuleError:
    label = PostingEvent(event).label if event in PostingEvent.values else event
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
                source_number=f"{source_type.rsplit('.', 1)[-1]}:{source_id}"[:40],
                on_date=on_date,
                moves=moves,
            )
            if voucher is not None:
                posted.append(voucher)
        return posted

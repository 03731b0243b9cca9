"""Pure builders for stock documents (the inventory wiring calls them with plain facts).

A posting-rule table maps (event, category code, warehouse code) to (debit, credit) account
codes; `rule_accounts` picks the most specific entry, so the table can be data in the
database (PostingRule rows, see selectors.posting_rule_table) or a dict in a unit test. The
event of an issue depends on its reason (`ISSUE_REASON_EVENTS`: 研发领用 → stock_issue_rd).

Valuation groups: stock of a (material category, warehouse) is held on ONE inventory account,
the debit account of its `stock_receipt` rule (`inventory_account`). Every stock event posts
its inventory side there and takes only the other side (the offset) from its own rule, so the
GL inventory accounts follow the stock subledger by construction and a transfer between two
groups moves value from one inventory account to the other (within a group it posts nothing).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.core.ledger import NoPostingRule  # in core: modules posting via the port catch it
from erp.core.money import round_amount
from erp.inventory.move_types import (
    INTERNAL,
    move_type_get,
    move_type_inflow_event,
    move_type_outflow_event,
)

RuleTable = dict[tuple[str, str, str], tuple[str, str]]


@dataclass(frozen=True)
class StockValueLine:
    """One valued stock movement line: the material, where, and its value (≥ 0)."""

    material_id: int
    category_code: str
    warehouse_code: str
    value: Decimal
    source_line: str = ""


def rule_accounts(rules: RuleTable, event: str, category: str, warehouse: str) -> tuple[str, str]:
    for key in ((event, category, warehouse), (event, category, ""), (event, "", warehouse)):
        if key in rules:
            return rules[key]
    if (event, "", "") in rules:
        return rules[(event, "", "")]
    raise NoPostingRule(event)


def inventory_account(rules: RuleTable, category: str, warehouse: str) -> str:
    """The account a valuation group's stock is held on (debit of its stock_receipt rule)."""
    return rule_accounts(rules, "stock_receipt", category, warehouse)[0]


@dataclass(frozen=True)
class StockMoveValue:
    """One posted stock move as the builder needs it. A None warehouse is "outside"."""

    material_id: int
    category_code: str
    move_type: str  # receipt, opening, issue, scrap, count_adjust, transfer
    value: Decimal
    from_warehouse: str | None = None
    to_warehouse: str | None = None
    source_line: str = ""
    reason: str = ""  # the source document's reason code (其他出库 "rnd" = 研发领用)


# The event of a move into / out of the company is declared by its move type
# (erp/inventory/move_types.py: inflow_event / outflow_event), so a module's own move types
# post without editing this builder.
# Issues whose reason has its own posting event (and so its own offset account): a 研发领用
# issue is R&D spending (研发支出, 5301 in the enterprise chart), not production cost. Without
# a rule for the event the posting is refused (NoPostingRule): it never falls back silently.
ISSUE_REASON_EVENTS = {"rnd": "stock_issue_rd"}


def outflow_event(move_type: str, reason: str = "") -> str:
    """The posting event of an outflow: an issue's reason may choose its own event."""
    if move_type == "issue" and reason in ISSUE_REASON_EVENTS:
        return ISSUE_REASON_EVENTS[reason]
    return move_type_outflow_event(move_type)


class UnsupportedMove(ValueError):
    pass


def _move_entries(rules: RuleTable, move: StockMoveValue) -> tuple[str, tuple, tuple] | None:
    """(event, debit (account, material), credit (account, material)) of one move; the
    offset side carries no material so it sums into one line per account."""
    cat, src, dst = move.category_code, move.from_warehouse, move.to_warehouse
    if src is not None and dst is not None:
        return (
            "stock_transfer",
            (inventory_account(rules, cat, dst), move.material_id),
            (inventory_account(rules, cat, src), move.material_id),
        )
    if dst is not None and move_type_inflow_event(move.move_type):
        event = move_type_inflow_event(move.move_type)
        offset = rule_accounts(rules, event, cat, dst)[1]
        return event, (inventory_account(rules, cat, dst), move.material_id), (offset, None)
    if src is not None and move_type_outflow_event(move.move_type):
        event = outflow_event(move.move_type, move.reason)
        offset = rule_accounts(rules, event, cat, src)[0]
        return event, (offset, None), (inventory_account(rules, cat, src), move.material_id)
    if _one_sided_internal(move.move_type):
        return None
    raise UnsupportedMove(move.move_type)


def _one_sided_internal(move_type: str) -> bool:
    """Half of an internal move that changes a lot, not a location (a lot split: out of the
    parent lot, into the child lot at the same place): the value stays on its account."""
    spec = move_type_get(move_type)
    return spec is not None and spec.direction == INTERNAL


def stock_moves_draft(
    *,
    date: dt.date,
    summaries: dict[str, str],
    moves: list[StockMoveValue],
    rules: RuleTable,
    source_type: str = "",
    source_id: str = "",
    source_number: str = "",
    offset_partner: dict | None = None,
) -> VoucherDraft | None:
    """One 转 voucher for the moves of one document, amounts = the moves' values: debit and
    credit lines per (account, material) on inventory accounts, per account on offsets. A
    transfer inside one valuation group cancels out and posts nothing; None when nothing is
    left (zero-valued stock). `summaries` gives the 摘要 per event. `offset_partner`
    ({"supplier_id": 7}) is the auxiliary the offset lines carry: a purchase receipt credits
    暂估应付款 per supplier."""
    sides: dict[tuple[str, str, int | None, str], Decimal] = defaultdict(Decimal)
    for move in moves:
        entries = _move_entries(rules, move)
        if entries is None:
            continue
        event, (debit, d_mat), (credit, c_mat) = entries
        if debit == credit:
            continue  # same account on both sides: no movement between valuation groups
        value = round_amount(move.value)
        sides[(event, debit, d_mat, "debit")] += value
        sides[(event, credit, c_mat, "credit")] += value
    lines = [
        DraftLine(
            summary=summaries.get(event, event),
            account_code=code,
            material_id=material,
            **{side: amount},
            **((offset_partner or {}) if material is None else {}),
        )
        for (event, code, material, side), amount in sorted(
            sides.items(), key=lambda kv: (kv[0][3] != "debit", kv[0][0], kv[0][1], kv[0][2] or 0)
        )
        if amount
    ]
    if not lines:
        return None
    return VoucherDraft(
        date=date,
        word="转",
        lines=tuple(lines),
        source_type=source_type,
        source_id=source_id,
        source_number=source_number,
    )


def stock_document_draft(
    *,
    event: str,
    date: dt.date,
    summary: str,
    lines: list[StockValueLine],
    rules: RuleTable,
    source_type: str = "",
    source_id: str = "",
    source_number: str = "",
) -> VoucherDraft:
    """One 转 voucher: a debit line per (account, material) and credit lines summed per
    account, so the voucher stays short while the inventory accounts keep their material."""
    debits: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    credits: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        debit_code, credit_code = rule_accounts(
            rules, event, line.category_code, line.warehouse_code
        )
        value = round_amount(line.value)
        debits[(debit_code, line.material_id)] += value
        credits[credit_code] += value
    draft_lines = [
        DraftLine(summary=summary, account_code=code, debit=amount, material_id=material)
        for (code, material), amount in sorted(debits.items())
        if amount
    ] + [
        DraftLine(summary=summary, account_code=code, credit=amount)
        for code, amount in sorted(credits.items())
        if amount
    ]
    return VoucherDraft(
        date=date,
        word="转",
        lines=tuple(draft_lines),
        source_type=source_type,
        source_id=source_id,
        source_number=source_number,
    )

"""Pure builders for stock documents (the inventory wiring calls them with plain facts).

A posting-rule table maps (event, category code, warehouse code) to (debit, credit) account
codes; `rule_accounts` picks the most specific entry, so the table can be data in the
database (PostingRule rows, see selectors.posting_rule_table) or a dict in a unit test."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.core.money import round_amount

RuleTable = dict[tuple[str, str, str], tuple[str, str]]


@dataclass(frozen=True)
class StockValueLine:
    """One valued stock movement line: the material, where, and its value (≥ 0)."""

    material_id: int
    category_code: str
    warehouse_code: str
    value: Decimal
    source_line: str = ""


class NoPostingRule(LookupError):
    pass


def rule_accounts(rules: RuleTable, event: str, category: str, warehouse: str) -> tuple[str, str]:
    for key in ((event, category, warehouse), (event, category, ""), (event, "", warehouse)):
        if key in rules:
            return rules[key]
    if (event, "", "") in rules:
        return rules[(event, "", "")]
    raise NoPostingRule(event)


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

"""Pure AR/AP rules: allocation plans, the vouchers of receipts, payments and opening AR/AP,
aging buckets. No database: facts in, plans and `VoucherDraft`s out."""

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from erp.accounting.builders.drafts import DraftLine, VoucherDraft

ZERO = Decimal("0")
RECEIVABLE, PAYABLE = "receivable", "payable"

# Control accounts (往来科目) by code prefix. Lines on them naming a customer (receivable) or a
# supplier (payable) belong to the subledger; 220202 暂估应付款 (goods received, not invoiced)
# does not: it is cleared by the supplier invoice, not by payments.
CONTROL_PREFIXES = ("1122", "2203", "1221", "2202", "1123", "2241")
NOT_CONTROL = ("220202",)
INVOICE_ACCOUNT = {RECEIVABLE: "1122", PAYABLE: "2202"}  # 应收账款 / 应付账款
ADVANCE_ACCOUNT = {RECEIVABLE: "2203", PAYABLE: "1123"}  # 预收账款 / 预付账款
BANK_PREFIXES = ("1002", "1001")  # 银行存款 (sub-accounts per bank) or 库存现金

# Aging buckets (账龄, days since the document date): label, first day, last day (None = open).
BUCKETS = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    (">365", 366, None),
)


def is_control(code: str) -> bool:
    return code.startswith(CONTROL_PREFIXES) and not code.startswith(NOT_CONTROL)


def signed(kind: str, debit: Decimal, credit: Decimal) -> Decimal:
    """A voucher line's effect on the subledger: receivable debit-positive, payable
    credit-positive."""
    return debit - credit if kind == RECEIVABLE else credit - debit


def due_date(doc_date: dt.date, term_days: int | None) -> dt.date:
    return doc_date + dt.timedelta(days=term_days or 0)


def bucket_of(doc_date: dt.date, as_of: dt.date) -> int:
    """Index into BUCKETS of an item dated `doc_date`, aged at `as_of`."""
    age = max((as_of - doc_date).days, 0)
    for index, (_label, _first, last) in enumerate(BUCKETS):
        if last is None or age <= last:
            return index
    return len(BUCKETS) - 1


@dataclass(frozen=True)
class ItemFacts:
    """An open item as the allocation plan sees it."""

    item_id: int
    account_code: str
    doc_date: dt.date
    open_amount: Decimal


def auto_plan(amount: Decimal, items: list[ItemFacts]) -> list[tuple[int, Decimal]]:
    """Oldest first (document date, then id): allocate until `amount` is used up. Items with
    nothing open (or advances, which are negative) are skipped."""
    plan, left = [], amount
    for item in sorted(items, key=lambda i: (i.doc_date, i.item_id)):
        if left <= ZERO:
            break
        if item.open_amount <= ZERO:
            continue
        take = min(item.open_amount, left)
        plan.append((item.item_id, take))
        left -= take
    return plan


@dataclass(frozen=True)
class SettlementFacts:
    kind: str  # receivable: a customer receipt; payable: a supplier payment
    doc_id: int
    number: str
    date: dt.date
    amount: Decimal
    bank_code: str
    partner_id: int
    partner_name: str
    source_type: str
    allocations: tuple[tuple[str, Decimal], ...]  # (control account code, amount)
    advance_code: str


def settlement_draft(f: SettlementFacts) -> VoucherDraft:
    """Receipt: Dr bank, Cr each control account (customer); the remainder Cr 预收账款.
    Payment: mirror image (Dr 应付账款 / 预付账款 by supplier, Cr bank)."""
    receipt = f.kind == RECEIVABLE
    word, verb = ("收", "收款") if receipt else ("付", "付款")
    summary = f"{verb} {f.partner_name} {f.number}"[:200]
    aux = {"customer_id": f.partner_id} if receipt else {"supplier_id": f.partner_id}
    by_account: OrderedDict[str, Decimal] = OrderedDict()
    for code, amount in f.allocations:
        by_account[code] = by_account.get(code, ZERO) + amount
    remainder = f.amount - sum(by_account.values(), ZERO)
    if remainder > ZERO:
        by_account[f.advance_code] = by_account.get(f.advance_code, ZERO) + remainder
    side = "credit" if receipt else "debit"
    partner_lines = [
        DraftLine(summary, code, **{side: amount}, **aux, source_line=code)
        for code, amount in by_account.items()
        if amount
    ]
    bank_side = "debit" if receipt else "credit"
    bank = DraftLine(summary, f.bank_code, **{bank_side: f.amount})
    lines = [bank, *partner_lines] if receipt else [*partner_lines, bank]
    return VoucherDraft(
        date=f.date,
        lines=tuple(lines),
        word=word,
        note=summary,
        source_type=f.source_type,
        source_id=str(f.doc_id),
        source_number=f.number,
    )


@dataclass(frozen=True)
class OpeningItemFacts:
    partner_id: int
    account_code: str
    amount: Decimal  # positive: an open invoice; negative: an advance
    number: str


def opening_arap_draft(
    *,
    kind: str,
    go_live: dt.date,
    items: list[OpeningItemFacts],
    offset_code: str,
    source_type: str,
) -> VoucherDraft:
    """ONE 转 voucher dated the day before go-live: every open item on its control account
    (by partner), against the opening-balance account (`offset_code`, the account opening
    stock posts against), the way the GL opening balances are posted."""
    summary = "期初应收" if kind == RECEIVABLE else "期初应付"
    aux_name = "customer_id" if kind == RECEIVABLE else "supplier_id"
    lines, total = [], ZERO
    for number, item in enumerate(items, start=1):
        debit_positive = item.amount if kind == RECEIVABLE else -item.amount
        lines.append(
            DraftLine(
                f"{summary} {item.number}"[:200],
                item.account_code,
                debit=max(debit_positive, ZERO),
                credit=max(-debit_positive, ZERO),
                source_line=str(number),
                **{aux_name: item.partner_id},
            )
        )
        total += debit_positive
    if total:  # an advance may exactly offset an invoice: then no offset line is needed
        lines.append(
            DraftLine(
                summary,
                offset_code,
                debit=max(-total, ZERO),
                credit=max(total, ZERO),
                source_line="0",
            )
        )
    return VoucherDraft(
        date=go_live - dt.timedelta(days=1),
        lines=tuple(lines),
        word="转",
        note=f"{summary} {go_live.isoformat()}",
        source_type=source_type,
        source_id=go_live.isoformat(),
        source_number=go_live.isoformat(),
    )

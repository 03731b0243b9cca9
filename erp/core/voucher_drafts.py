"""Voucher drafts as plain data: what source documents hand to the general ledger.

Builders are pure functions (no database): they take document facts and account codes and
return a `VoucherDraft`; the general ledger (accounting's gate, reached through
erp/core/ledger.py) validates and writes it. They live in core so that a module builds a draft
without importing accounting."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class DraftLine:
    summary: str
    account_code: str
    debit: Decimal = Decimal("0")
    credit: Decimal = Decimal("0")
    customer_id: int | None = None
    supplier_id: int | None = None
    department_id: int | None = None
    employee_id: int | None = None
    material_id: int | None = None
    source_line: str = ""


@dataclass(frozen=True)
class VoucherDraft:
    date: dt.date
    lines: tuple[DraftLine, ...]
    word: str = "记"
    attachments: int = 0
    note: str = ""
    source_type: str = ""
    source_id: str = ""
    source_number: str = ""
    reversal_of_id: int | None = None

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), Decimal("0"))

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), Decimal("0"))

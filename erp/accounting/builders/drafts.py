"""Voucher drafts as plain data: what source documents hand to the posting gate.

Builders are pure functions (no database): they take document facts and account codes and
return a `VoucherDraft`; `voucher_post(draft=...)` validates and writes it."""

import datetime as dt
from dataclasses import dataclass, field
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
    extra: dict = field(default_factory=dict)

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), Decimal("0"))

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), Decimal("0"))


def draft_reversal(draft: VoucherDraft, *, on_date: dt.date, summary_prefix: str) -> VoucherDraft:
    """The red reversal (红字冲销) of a draft: same accounts and sides, negated amounts."""
    lines = tuple(
        DraftLine(
            summary=f"{summary_prefix}{line.summary}"[:200],
            account_code=line.account_code,
            debit=-line.debit,
            credit=-line.credit,
            customer_id=line.customer_id,
            supplier_id=line.supplier_id,
            department_id=line.department_id,
            employee_id=line.employee_id,
            material_id=line.material_id,
            source_line=line.source_line,
        )
        for line in draft.lines
    )
    return VoucherDraft(date=on_date, lines=lines, word=draft.word, note=draft.note)

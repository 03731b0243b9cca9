"""Pure builders for expense claims: the tax split of a line and the two vouchers a claim
produces (posting and payment). No database: facts in, `VoucherDraft` out."""

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.core.money import round_amount, round_tax

SOURCE_TYPE = "accounting.expenseclaim"
# The same codes in both charts (企业会计准则 and 小企业会计准则).
PAYABLE_ACCOUNT = "2241"  # 其他应付款, by employee
INPUT_VAT_ACCOUNT = "22210101"  # 应交税费—应交增值税—进项税额
PAYMENT_PREFIXES = ("1001", "1002")  # 库存现金 / 银行存款: the claim is paid from a leaf under them
ZERO = Decimal("0")


def tax_of(amount: Decimal, rate: Decimal) -> Decimal:
    """Input VAT contained in an amount incl. tax at `rate` (0.13 = 13 %), rounded to the fen.
    The net amount is always `amount - tax`, so net + tax = amount exactly."""
    if rate <= ZERO:
        return ZERO.quantize(Decimal("0.01"))
    return round_tax(amount * rate / (1 + rate))


@dataclass(frozen=True)
class ClaimLineFacts:
    account_code: str
    category: str
    amount: Decimal  # incl. tax
    tax: Decimal
    line_no: int = 0
    # False for 业务招待费 and the like: the line's VAT is part of the expense, never 进项税额.
    deductible: bool = True

    @property
    def input_vat(self) -> Decimal:
        return self.tax if self.deductible else ZERO

    @property
    def expense(self) -> Decimal:
        return self.amount - self.input_vat


@dataclass(frozen=True)
class ClaimFacts:
    claim_id: int
    number: str
    date: dt.date
    purpose: str
    employee_id: int
    employee_name: str
    department_id: int
    attachments: int
    lines: tuple[ClaimLineFacts, ...]


def claim_totals(lines) -> tuple[Decimal, Decimal]:
    """(total incl. tax, deductible input VAT) of the lines."""
    total = sum((round_amount(x.amount) for x in lines), ZERO)
    tax = sum((round_amount(x.input_vat) for x in lines), ZERO)
    return total, tax


def claim_voucher_draft(facts: ClaimFacts, *, on_date: dt.date) -> VoucherDraft:
    """Dr the expense accounts (one line per account, by department) and 进项税额, Cr 其他应付款
    for the employee. Lines of the same account are summed so the voucher stays short. A
    non-deductible line books its whole amount, VAT included, as the expense."""
    by_account: OrderedDict[str, Decimal] = OrderedDict()
    for line in facts.lines:
        by_account[line.account_code] = by_account.get(line.account_code, ZERO) + line.expense
    total, tax = claim_totals(facts.lines)
    summary = f"报销 {facts.employee_name} {facts.purpose}"[:200]
    lines = [
        DraftLine(summary, code, debit=net, department_id=facts.department_id)
        for code, net in by_account.items()
        if net != ZERO
    ]
    if tax != ZERO:
        lines.append(DraftLine(summary, INPUT_VAT_ACCOUNT, debit=tax))
    lines.append(DraftLine(summary, PAYABLE_ACCOUNT, credit=total, employee_id=facts.employee_id))
    return _draft(facts, lines, on_date=on_date, word="记")


def claim_payment_draft(facts: ClaimFacts, *, on_date: dt.date, account_code: str) -> VoucherDraft:
    """Dr 其他应付款 (employee), Cr the chosen cash/bank account (e.g. 100201) for the total.
    The caller checks that `account_code` is an active leaf under 1001/1002."""
    if not account_code.startswith(PAYMENT_PREFIXES):
        raise ValueError(f"{account_code} is not a cash or bank account")
    total, _tax = claim_totals(facts.lines)
    summary = f"支付报销款 {facts.employee_name} {facts.number}"[:200]
    lines = [
        DraftLine(summary, PAYABLE_ACCOUNT, debit=total, employee_id=facts.employee_id),
        DraftLine(summary, account_code, credit=total),
    ]
    return _draft(facts, lines, on_date=on_date, word="付")


def _draft(facts: ClaimFacts, lines: list[DraftLine], *, on_date, word) -> VoucherDraft:
    return VoucherDraft(
        date=on_date,
        lines=tuple(lines),
        word=word,
        attachments=facts.attachments,
        note=facts.purpose[:200],
        source_type=SOURCE_TYPE,
        source_id=str(facts.claim_id),
        source_number=facts.number,
    )

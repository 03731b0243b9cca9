"""The line rules every voucher write path applies (draft save, review and the posting gate)."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from erp.accounting.errors import VoucherInvalid
from erp.accounting.models import Account

MAX_AMOUNT = Decimal("9999999999999999.99")
ZERO = Decimal("0")


@dataclass
class LineInput:
    line_no: int
    summary: str
    account: Account | None
    debit: Decimal
    credit: Decimal
    aux: dict[str, int | None] = field(default_factory=dict)
    source_line: str = ""


def parse_amount(raw) -> Decimal | None:
    """A Decimal with at most 2 places, or None when the text is not such an amount."""
    if raw is None or raw == "":
        return ZERO
    if isinstance(raw, float):
        return None
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) > MAX_AMOUNT:
        return None
    return value.quantize(Decimal("0.01"))


def line_problems(line: LineInput) -> list[str]:
    problems: list[str] = []
    if not line.summary.strip():
        problems.append(str(_("Enter a summary (摘要).")))
    account = line.account
    if account is None:
        problems.append(str(_("Choose an account.")))
    else:
        if not account.active:
            problems.append(
                str(_("Account %(code)s is inactive; choose an active account.") % _code(account))
            )
        if not account.is_leaf:
            problems.append(
                str(
                    _("Account %(code)s has sub-accounts; choose one of its sub-accounts.")
                    % _code(account)
                )
            )
        for name in account.required_aux():
            if not line.aux.get(name):
                problems.append(
                    str(
                        _("Account %(code)s needs the %(dimension)s; choose it on this line.")
                        % {**_code(account), "dimension": _dimension(name)}
                    )
                )
    if line.debit == ZERO and line.credit == ZERO:
        problems.append(str(_("Enter the amount, as debit or as credit.")))
    elif line.debit != ZERO and line.credit != ZERO:
        problems.append(str(_("Enter an amount either as debit or as credit, not both.")))
    return problems


def lines_validate(lines: list[LineInput]) -> Decimal:
    """Raise VoucherInvalid listing every problem; return the total (Σdebit = Σcredit)."""
    details: dict[str, list[str]] = {}
    for line in lines:
        problems = line_problems(line)
        if problems:
            details[str(line.line_no)] = problems
    total_debit = sum((line.debit for line in lines), ZERO)
    total_credit = sum((line.credit for line in lines), ZERO)
    if details:
        raise VoucherInvalid(lines=details)
    if len(lines) < 2:
        raise VoucherInvalid(
            _("A voucher needs at least two lines: one debit and one credit."),
            code="voucher_too_few_lines",
        )
    if total_debit != total_credit:
        raise VoucherInvalid(
            _(
                "Debit total %(debit)s does not equal credit total %(credit)s (difference "
                "%(diff)s). Correct the amounts so both totals are equal."
            )
            % {"debit": total_debit, "credit": total_credit, "diff": total_debit - total_credit},
            code="voucher_unbalanced",
            debit=total_debit,
            credit=total_credit,
        )
    if total_debit == ZERO:
        raise VoucherInvalid(
            _("The voucher totals zero. Enter the amounts to post."), code="voucher_zero"
        )
    return total_debit


def _code(account: Account) -> dict[str, str]:
    return {"code": f"{account.code} {account.name}"}


def _dimension(name: str) -> str:
    labels = {
        "customer": _("customer"),
        "supplier": _("supplier"),
        "department": _("department"),
        "employee": _("employee"),
        "material": _("material"),
    }
    return str(labels[name])

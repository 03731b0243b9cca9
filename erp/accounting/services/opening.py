"""Opening balances (期初余额) at go-live: the GL opening balances of the import file become ONE
转 voucher dated the day before go-live, posted through the gate with the source
"golive.openingbalance:<go-live date>". Refused unless Σdebit = Σcredit (the message names both
totals and the difference) and refused while a live opening voucher for that date exists, so a
file imported twice cannot double the balances (reverse the voucher to import again).
Accounts a subledger feeds (inventory, AR/AP control accounts) are refused row by row: their
openings come from the opening stock and opening AR/AP imports (docs/accounting.md, Go-live
sequence)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from erp.accounting.builders.arap import INVOICE_ACCOUNT, NOT_CONTROL, is_control
from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.errors import VoucherInvalid
from erp.accounting.models import Account, Voucher
from erp.accounting.selectors import posting_rule_table
from erp.accounting.selectors_statements import OPENING_SOURCE, opening_voucher
from erp.accounting.selectors_stock import inventory_accounts
from erp.accounting.services.gate import voucher_post
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, Conflict, ValidationFailed

ZERO = Decimal("0")
# 应收账款 / 应付账款 are always kept by partner (not 220202 暂估应付款, cleared by invoices).
INVOICE_PREFIXES = tuple(INVOICE_ACCOUNT.values())
AUX = Account.AUX_FIELDS


@dataclass(frozen=True)
class OpeningLine:
    """One opening balance: an account (code) with optional auxiliary values (ids)."""

    account_code: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    customer_id: int | None = None
    supplier_id: int | None = None
    department_id: int | None = None
    employee_id: int | None = None
    material_id: int | None = None


def opening_draft(go_live: dt.date, lines: list[OpeningLine]) -> VoucherDraft:
    """The opening voucher as data (pure): one line per balance, dated the day before."""
    summary = str(pgettext("ledger", "Opening balance"))
    return VoucherDraft(
        date=go_live - dt.timedelta(days=1),
        word="转",
        lines=tuple(
            DraftLine(
                summary=summary,
                account_code=line.account_code,
                debit=line.debit,
                credit=line.credit,
                source_line=str(number),
                **{f"{name}_id": getattr(line, f"{name}_id") for name in AUX},
            )
            for number, line in enumerate(lines, start=1)
        ),
        note=str(_("Opening balances at go-live %(date)s") % {"date": go_live.isoformat()}),
        source_type=OPENING_SOURCE,
        source_id=go_live.isoformat(),
        source_number=go_live.isoformat(),
    )


def _require_balanced(lines: list[OpeningLine]) -> None:
    debit = sum((line.debit for line in lines), ZERO)
    credit = sum((line.credit for line in lines), ZERO)
    if debit != credit:
        raise BusinessRuleError(
            _(
                "The opening balances do not balance: debit total %(debit)s, credit total "
                "%(credit)s, difference %(diff)s. Correct the file so both totals are equal "
                "(the opening trial balance must balance)."
            )
            % {"debit": debit, "credit": credit, "diff": debit - credit},
            code="opening_unbalanced",
            debit=debit,
            credit=credit,
            difference=debit - credit,
        )


def _subledger_problem(line: OpeningLine, inventory: set[str], partner_codes: set[str]) -> str:
    """Why a row's opening balance must come from a subledger import ("" = it may not)."""
    code = line.account_code
    by_partner = line.customer_id or line.supplier_id
    if any(code == inv or code.startswith(inv) for inv in inventory):
        return str(
            _(
                "%(account)s is an inventory account: its opening balance is created by the "
                "opening stock import. Remove the row and import the opening stock instead."
            )
            % {"account": code}
        )
    if code.startswith(NOT_CONTROL):  # 暂估应付款 is cleared by invoices, not by a subledger
        return ""
    if (
        code.startswith(INVOICE_PREFIXES)
        or code in partner_codes
        or (is_control(code) and by_partner)
    ):
        return str(
            _(
                "%(account)s is a receivable/payable account kept by customer or supplier: its "
                "opening balance is created by the opening receivables/payables import. Remove "
                "the row and import the open invoices instead."
            )
            % {"account": code}
        )
    return ""


def _refuse_subledger_accounts(lines: list[OpeningLine]) -> None:
    """Inventory and AR/AP accounts are fed by their subledgers (opening stock, opening AR/AP
    imports): a GL opening balance on them would count the same value twice and break the
    stock = GL and AR/AP = control checks from day one."""
    inventory = inventory_accounts(posting_rule_table())
    codes = {line.account_code for line in lines}
    partner_codes = set(
        Account.objects.filter(code__in=codes)
        .filter(models.Q(aux_customer=True) | models.Q(aux_supplier=True))
        .values_list("code", flat=True)
    )
    problems = {
        str(number): problem
        for number, line in enumerate(lines, start=1)
        if (problem := _subledger_problem(line, inventory, partner_codes))
    }
    if problems:
        text = "；".join(
            str(_("Line %(line)s: %(problems)s") % {"line": n, "problems": p})
            for n, p in problems.items()
        )
        raise BusinessRuleError(text, code="opening_subledger_account", lines=problems)


def _line_errors(exc: VoucherInvalid, numbers: list[int]) -> BusinessRuleError:
    """The gate's per-line problems as one message naming the file's data lines (`numbers`
    maps the voucher's line positions back to them: zero lines are not posted)."""
    problems = {str(numbers[int(n) - 1]): p for n, p in (exc.details.get("lines") or {}).items()}
    text = "；".join(
        str(_("Line %(line)s: %(problems)s") % {"line": n, "problems": " ".join(p)})
        for n, p in problems.items()
    )
    return BusinessRuleError(text or exc.message, code="opening_lines_invalid", lines=problems)


@transaction.atomic
def opening_balances_post(*, actor, go_live: dt.date, lines: list[OpeningLine]) -> Voucher:
    require_perm(actor, "accounting.post_voucher")
    existing = opening_voucher(go_live)
    if existing is not None:
        raise Conflict(
            _(
                "Opening balances for go-live %(date)s were already imported (voucher "
                "%(number)s). Reverse that voucher first to import them again."
            )
            % {"date": go_live.isoformat(), "number": existing.number},
            code="opening_exists",
        )
    if not lines:
        raise ValidationFailed(
            _("The file has no opening balances. Fill at least two rows."),
            code="opening_no_lines",
        )
    for number, line in enumerate(lines, start=1):
        if line.debit and line.credit:
            raise ValidationFailed(
                _("Line %(line)s: enter either a debit or a credit balance, not both.")
                % {"line": number},
                code="opening_both_sides",
            )
    _refuse_subledger_accounts(lines)
    _require_balanced(lines)
    numbers = [n for n, line in enumerate(lines, start=1) if line.debit or line.credit]
    posted = [lines[n - 1] for n in numbers]  # rows listing an account at zero are skipped
    try:
        return voucher_post(actor=actor, draft=opening_draft(go_live, posted))
    except VoucherInvalid as exc:
        if exc.details.get("lines"):
            raise _line_errors(exc, numbers) from None
        raise

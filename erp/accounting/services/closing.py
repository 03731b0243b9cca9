"""Month-end (月结) and year-end: the checklist, P&L carry-forward (结转损益) into 本年利润 and
the year-end roll of 本年利润 into 利润分配—未分配利润. Both write through the posting gate.
The other month-end postings (制造费用 allocation, 转出未交增值税) and the whole close as one
background job live in services/month_end.py; the balances they clear are read here."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import (
    Account,
    AccountCategory,
    AccountPurpose,
    Period,
    Voucher,
    VoucherLine,
)
from erp.accounting.selectors import account_closing_balances, trial_balance
from erp.accounting.selectors_arap import arap_control_differences
from erp.accounting.selectors_statements import chart_standard
from erp.accounting.selectors_stock import stock_documents_unposted, stock_vs_gl
from erp.accounting.services.gate import voucher_post
from erp.accounting.statements import VAT_PAYABLE
from erp.accounting.states import VoucherState
from erp.core.errors import BusinessRuleError, NotFound
from erp.core.money import round_amount
from erp.core.templatetags.erp_format import cny

SOURCE_PL = "accounting.pl_carry_forward"
SOURCE_YEAR_END = "accounting.year_end"
# 制造费用 → 生产成本 per chart standard: (overhead account, the leaf it is allocated to).
OVERHEAD_ACCOUNTS = {"enterprise": ("5101", "500103"), "small": ("4101", "4001")}


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str
    ok: bool
    detail: str = ""
    url: str = ""


def period_checklist(period: Period) -> list[CheckItem]:
    unposted = Voucher.objects.filter(period=period).exclude(state=VoucherState.POSTED).count()
    tb = trial_balance(period)
    pl_left = _pl_balances(period)
    return [
        CheckItem(
            "vouchers_posted",
            str(_("All vouchers of the period are posted")),
            unposted == 0,
            str(_("%(n)s vouchers are not posted yet.") % {"n": unposted}) if unposted else "",
            reverse("accounting:voucher_list") + f"?period={period.pk}&state=draft,reviewed",
        ),
        CheckItem(
            "trial_balance",
            str(_("The trial balance balances")),
            tb.balanced,
            "" if tb.balanced else str(_("Debit and credit totals differ.")),
            reverse("accounting:trial_balance") + f"?period={period.pk}",
        ),
        *stock_checks(period),
        arap_check(period),
        overhead_check(period),
        vat_check(period),
        CheckItem(
            "pl_carried_forward",
            str(_("Profit and loss is carried forward into current-year profit")),
            not pl_left,
            str(_("%(n)s profit-and-loss accounts still have a balance.") % {"n": len(pl_left)})
            if pl_left
            else "",
            reverse("accounting:period_detail", args=[period.pk]),
        ),
    ]


def stock_checks(period: Period) -> list[CheckItem]:
    """All stock documents of the period posted; stock subledger = GL inventory accounts at
    the period end (per account, linked to the detail ledger of the first one that differs)."""
    drafts = stock_documents_unposted(period)
    result = stock_vs_gl(period)
    wrong = result.differences
    detail = "; ".join(
        str(
            _("%(account)s: stock %(stock)s, GL %(gl)s")
            % {"account": f"{r.code} {r.name}", "stock": r.stock_value, "gl": r.gl_value}
        )
        for r in wrong[:5]
    )
    if result.unmapped:
        detail = " ".join(
            [
                detail,
                str(
                    _("Stock without a posting rule: %(groups)s.")
                    % {
                        "groups": ", ".join(
                            f"{c or '-'}/{w or '-'}" for c, w in sorted(result.unmapped)
                        )
                    }
                ),
            ]
        ).strip()
    url = reverse("accounting:trial_balance") + f"?period={period.pk}"
    if wrong and wrong[0].account_id:
        url = reverse("accounting:detail_ledger") + (
            f"?account={wrong[0].code}&from={period.start}&to={period.end}"
        )
    return [
        CheckItem(
            "stock_documents_posted",
            str(_("All stock documents of the period are posted")),
            not drafts,
            "; ".join(f"{d.label}: {d.count}" for d in drafts),
            drafts[0].url if drafts else "",
        ),
        CheckItem(
            "stock_equals_gl",
            str(_("Stock value equals the GL inventory accounts")),
            result.ok,
            detail,
            url,
        ),
    ]


def arap_check(period: Period) -> CheckItem:
    wrong = arap_control_differences(period)
    detail = "; ".join(
        str(
            _("%(account)s %(partner)s: open items %(sub)s, GL %(gl)s")
            % {
                "account": r.account_code,
                "partner": r.partner,
                "sub": cny(r.subledger),
                "gl": cny(r.gl),
            }
        )
        for r in wrong[:5]
    )
    return CheckItem(
        "arap_equals_control",
        str(_("Receivables and payables equal their control accounts")),
        not wrong,
        detail,
        reverse("accounting:arap_tie_out") + f"?as_of={period.end}",
    )


def overhead_balances(period: Period) -> dict[tuple[str, int | None], Decimal]:
    """制造费用 left at the period end per (leaf account code, department): debit positive."""
    prefix = OVERHEAD_ACCOUNTS[chart_standard()][0]
    rows = (
        VoucherLine.objects.filter(
            voucher__state=VoucherState.POSTED,
            voucher__date__lte=period.end,
            account__code__startswith=prefix,
        )
        .values("account__code", "department_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    balances = {
        (r["account__code"], r["department_id"]): round_amount(r["d"] or 0)
        - round_amount(r["c"] or 0)
        for r in rows
    }
    return {k: v for k, v in balances.items() if v}


def overhead_check(period: Period) -> CheckItem:
    left = overhead_balances(period)
    code = OVERHEAD_ACCOUNTS[chart_standard()][0]
    total = sum(left.values(), Decimal("0"))
    return CheckItem(
        "overhead_allocated",
        str(_("Manufacturing overhead is allocated to production cost")),
        not left,
        str(
            _("%(account)s still has a balance of %(amount)s.")
            % {"account": code, "amount": cny(total)}
        )
        if left
        else "",
        reverse("accounting:detail_ledger")
        + f"?account={code}&from={period.start}&to={period.end}",
    )


def vat_payable_balance(period: Period) -> Decimal:
    """应交增值税 (222101 and its sub-accounts) at the period end, CREDIT positive: > 0 is VAT
    still to transfer to 未交增值税, < 0 is input VAT carried forward (留抵)."""
    accounts = Account.objects.filter(code__startswith=VAT_PAYABLE, is_leaf=True)
    return -sum(account_closing_balances(period, accounts).values(), Decimal("0"))


def vat_check(period: Period) -> CheckItem:
    left = vat_payable_balance(period)
    return CheckItem(
        "vat_transferred",
        str(_("VAT payable is transferred to unpaid VAT")),
        left <= 0,
        str(
            _("VAT payable has a credit balance of %(amount)s to transfer.") % {"amount": cny(left)}
        )
        if left > 0
        else "",
        reverse("accounting:detail_ledger")
        + f"?account={VAT_PAYABLE}&from={period.start}&to={period.end}",
    )


def _pl_balances(period: Period) -> dict[int, Decimal]:
    accounts = Account.objects.filter(category=AccountCategory.PROFIT_LOSS, is_leaf=True)
    return {k: v for k, v in account_closing_balances(period, accounts).items() if v}


def _purpose_account(purpose: str) -> Account:
    account = Account.objects.filter(purpose=purpose, is_leaf=True, active=True).first()
    if account is None:
        raise BusinessRuleError(
            _("No active account is marked as %(purpose)s. Mark one in the chart of accounts.")
            % {"purpose": AccountPurpose(purpose).label},
            code="purpose_account_missing",
        )
    return account


def _period(period_id: int) -> Period:
    try:
        return Period.objects.get(pk=period_id)
    except (Period.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@transaction.atomic
def pl_carry_forward(*, actor, period_id: int) -> Voucher | None:
    """结转损益: move every P&L account's balance at the period end into 本年利润 with one 转
    voucher dated the last day. Returns None when nothing is left to carry (idempotent)."""
    period = _period(period_id)
    balances = _pl_balances(period)
    if not balances:
        return None
    profit = _purpose_account(AccountPurpose.CURRENT_YEAR_PROFIT)
    accounts = Account.objects.in_bulk(list(balances))
    summary = str(_("Carry forward profit and loss %(period)s") % {"period": period})
    lines = [
        # A debit balance (expense) is cleared by a credit and vice versa.
        DraftLine(
            summary=summary,
            account_code=accounts[pk].code,
            debit=-amount if amount < 0 else Decimal("0"),
            credit=amount if amount > 0 else Decimal("0"),
        )
        for pk, amount in sorted(balances.items(), key=lambda kv: accounts[kv[0]].code)
    ]
    net = sum(balances.values(), Decimal("0"))  # debit positive: net > 0 is a loss
    lines.append(
        DraftLine(
            summary=summary,
            account_code=profit.code,
            debit=net if net > 0 else Decimal("0"),
            credit=-net if net < 0 else Decimal("0"),
        )
    )
    lines = [line for line in lines if line.debit or line.credit]
    draft = VoucherDraft(
        date=period.end,
        word="转",
        lines=tuple(lines),
        source_type=SOURCE_PL,
        source_id=str(period.pk),
        source_number=str(period),
    )
    return voucher_post(actor=actor, draft=draft)


@transaction.atomic
def year_end_close(*, actor, year: int) -> Voucher:
    """Roll 本年利润 into 利润分配—未分配利润 on 31 December. Refused a second time (the year's
    profit is already zero and a year-end voucher exists), so it is safe to retry."""
    period = Period.objects.filter(year=year, month=12).first()
    if period is None:
        raise BusinessRuleError(
            _("The periods of %(year)s do not exist.") % {"year": year}, code="period_missing"
        )
    if Voucher.objects.filter(source_type=SOURCE_YEAR_END, source_id=str(year)).exists():
        raise BusinessRuleError(
            _("The year-end close of %(year)s was already done.") % {"year": year},
            code="year_end_done",
        )
    if _pl_balances(period):
        raise BusinessRuleError(
            _("Carry forward profit and loss of December first."), code="year_end_pl_open"
        )
    profit = _purpose_account(AccountPurpose.CURRENT_YEAR_PROFIT)
    retained = _purpose_account(AccountPurpose.UNDISTRIBUTED_PROFIT)
    amount = account_closing_balances(period, Account.objects.filter(pk=profit.pk)).get(
        profit.pk, Decimal("0")
    )
    if not amount:
        raise BusinessRuleError(
            _("Current-year profit is zero; there is nothing to roll into undistributed profit."),
            code="year_end_nothing",
        )
    summary = str(_("Year-end close %(year)s") % {"year": year})
    # amount < 0 is a credit balance (profit): debit 本年利润, credit 未分配利润.
    lines = (
        DraftLine(
            summary,
            profit.code,
            debit=-amount if amount < 0 else Decimal("0"),
            credit=amount if amount > 0 else Decimal("0"),
        ),
        DraftLine(
            summary,
            retained.code,
            debit=amount if amount > 0 else Decimal("0"),
            credit=-amount if amount < 0 else Decimal("0"),
        ),
    )
    draft = VoucherDraft(
        date=period.end, word="转", lines=lines, source_type=SOURCE_YEAR_END, source_id=str(year)
    )
    return voucher_post(actor=actor, draft=draft)

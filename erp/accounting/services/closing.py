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
from erp.accounting.errors import VoucherInvalid
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
from erp.accounting.services.periods import period_lock_exclusive
from erp.accounting.statements import VAT_PAYABLE
from erp.accounting.states import VoucherState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, NotFound
from erp.core.money import round_amount
from erp.core.selectors import company_get
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
        review_check(period),
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


# Postings the month-end close makes itself (not reviewed one by one: the close is the act).
MONTH_END_SOURCES = (
    SOURCE_PL,
    SOURCE_YEAR_END,
    "accounting.overhead",
    "accounting.vat_transfer",
)


def unreviewed_system_vouchers(period: Period):
    """Vouchers a source document posted directly in `period` that nobody has reviewed yet."""
    return (
        Voucher.objects.filter(period=period, state=VoucherState.POSTED, reviewed_by__isnull=True)
        .exclude(source_type="")
        .exclude(source_type__in=MONTH_END_SOURCES)
        .order_by("seq", "pk")
    )


def review_check(period: Period) -> CheckItem:
    """Lists the unreviewed system vouchers; blocks the close only when the company setting
    "system vouchers need review" is on (Chinese default: off, they post directly)."""
    company = company_get()
    required = bool(company and company.system_vouchers_need_review)
    pending = unreviewed_system_vouchers(period)
    count = pending.count()
    detail = ""
    if count:
        numbers = ", ".join(pending.values_list("number", flat=True)[:10])
        detail = str(
            _("%(n)s system vouchers are not reviewed yet: %(numbers)s.")
            % {"n": count, "numbers": numbers + (" …" if count > 10 else "")}
        )
        if not required:
            detail += " " + str(_("Review is optional (company setting)."))
    return CheckItem(
        "system_vouchers_reviewed",
        str(_("Vouchers posted by documents are reviewed")),
        not (required and count),
        detail,
        reverse("accounting:voucher_list") + f"?period={period.pk}&state=posted&unreviewed=true",
    )


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


AuxKey = tuple[int | None, ...]  # one value per Account.AUX_FIELDS


def pl_balances_by_dimension(period: Period) -> dict[tuple[int, AuxKey], Decimal]:
    """P&L balance at the period end per (leaf account, auxiliary values), debit positive: the
    carry-forward clears each combination on its own line, so an account that requires a
    department (6601/6602) is closed per department as it was booked."""
    aux = [f"{name}_id" for name in Account.AUX_FIELDS]
    rows = (
        VoucherLine.objects.filter(
            voucher__state=VoucherState.POSTED,
            voucher__date__lte=period.end,
            account__category=AccountCategory.PROFIT_LOSS,
            account__is_leaf=True,
        )
        .values("account_id", *aux)
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    balances = {
        (r["account_id"], tuple(r[name] for name in aux)): round_amount(r["d"] or 0)
        - round_amount(r["c"] or 0)
        for r in rows
    }
    return {k: v for k, v in balances.items() if v}


def post_step(*, actor, draft: VoucherDraft, step: str) -> Voucher:
    """Post a month-end voucher; when the gate refuses it, say which step and list the
    refused lines (account, amount, dimensions, problems) so the close job can show them."""
    try:
        return voucher_post(actor=actor, draft=draft)
    except VoucherInvalid as exc:
        raise VoucherInvalid(
            _("%(step)s: %(problem)s %(lines)s")
            % {"step": step, "problem": exc.message, "lines": _refused_lines(draft, exc)},
            code=exc.code,
            **exc.details,
        ) from exc


def _refused_lines(draft: VoucherDraft, exc: VoucherInvalid) -> str:
    problems = exc.details.get("lines") or {}
    parts = []
    for number, line in enumerate(draft.lines, start=1):
        if str(number) not in problems:
            continue
        amount = line.debit or -line.credit
        dims = ", ".join(
            f"{name}={getattr(line, f'{name}_id')}"
            for name in Account.AUX_FIELDS
            if getattr(line, f"{name}_id")
        )
        parts.append(
            str(
                _("Line %(line)s %(account)s %(amount)s%(dims)s: %(problems)s")
                % {
                    "line": number,
                    "account": line.account_code,
                    "amount": cny(amount),
                    "dims": f" ({dims})" if dims else "",
                    "problems": " ".join(problems[str(number)]),
                }
            )
        )
    return "; ".join(parts)


@transaction.atomic
def pl_carry_forward(*, actor, period_id: int) -> Voucher | None:
    """结转损益: move every P&L balance at the period end into 本年利润 with one 转 voucher
    dated the last day, one line per account × auxiliary values. Returns None when nothing is
    left to carry (idempotent). The period row is locked FOR UPDATE before the balances are
    read, so two concurrent runs serialise and the second finds nothing left."""
    require_perm(actor, "accounting.post_voucher")
    period = _period_locked(period_id)
    balances = pl_balances_by_dimension(period)
    if not balances:
        return None
    profit = _purpose_account(AccountPurpose.CURRENT_YEAR_PROFIT)
    accounts = Account.objects.in_bulk({pk for pk, _dims in balances})
    summary = str(_("Carry forward profit and loss %(period)s") % {"period": period})
    lines = [
        # A debit balance (expense) is cleared by a credit and vice versa.
        DraftLine(
            summary=summary,
            account_code=accounts[pk].code,
            debit=-amount if amount < 0 else Decimal("0"),
            credit=amount if amount > 0 else Decimal("0"),
            **{f"{name}_id": value for name, value in zip(Account.AUX_FIELDS, dims, strict=True)},
        )
        for (pk, dims), amount in sorted(
            balances.items(), key=lambda kv: (accounts[kv[0][0]].code, str(kv[0][1]))
        )
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
    draft = VoucherDraft(
        date=period.end,
        word="转",
        lines=tuple(line for line in lines if line.debit or line.credit),
        source_type=SOURCE_PL,
        source_id=str(period.pk),
        source_number=str(period),
    )
    return post_step(actor=actor, draft=draft, step=str(_("Carrying forward profit and loss")))


def _period_locked(period_id) -> Period:
    """The period row FOR UPDATE: month-end and year-end postings re-read their preconditions
    after taking it (postings only share-lock it, so they still run meanwhile on SQLite's
    single writer and wait on PostgreSQL)."""
    _period(period_id)
    return period_lock_exclusive(period_id)


@transaction.atomic
def year_end_close(*, actor, year: int) -> Voucher:
    """Roll 本年利润 into 利润分配—未分配利润 on 31 December. Refused a second time (the year's
    profit is already zero and a year-end voucher exists), so it is safe to retry."""
    require_perm(actor, "accounting.post_voucher")
    period = Period.objects.filter(year=year, month=12).first()
    if period is None:
        raise BusinessRuleError(
            _("The periods of %(year)s do not exist.") % {"year": year}, code="period_missing"
        )
    period = _period_locked(period.pk)  # then re-check: a concurrent close committed first
    done = Voucher.objects.filter(source_type=SOURCE_YEAR_END, source_id=str(year))
    if done.filter(reversed_by__isnull=True, reversal_of__isnull=True).exists():
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
    return post_step(actor=actor, draft=draft, step=str(_("Year-end close")))

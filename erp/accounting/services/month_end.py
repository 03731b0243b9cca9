"""Month-end postings before the close, and the close itself as one job.

- `overhead_allocate`: 制造费用 (5101; 4101 in the small-enterprise chart) is cleared into
  生产成本—制造费用转入 (500103; 4001) at the period end, per department as it was booked. Until
  production costing exists the WHOLE balance goes to production cost (no split by order or
  product): the check "overhead allocated" only needs 5101 at zero.
- `vat_transfer`: 转出未交增值税 per 企业会计准则: when 应交增值税 (222101) has a credit balance at
  the period end (output VAT above input VAT plus any 留抵 carried in), Dr 应交税费—应交增值税
  (转出未交增值税) 22210103 / Cr 应交税费—未交增值税 222102. A debit balance (input above output)
  stays where it is as 留抵 and nothing is posted.
- `month_end_close`: overhead → VAT → P&L carry-forward → close. RESUMABLE, not atomic: each
  step is one voucher in its own transaction (a step never posts half) and idempotent (nothing
  left = no voucher), so after a failure the earlier, correct vouchers stay and a re-run
  continues where it stopped. One transaction for the whole close would hold the period lock
  (and SQLite's single writer) for the whole run and hide the job's progress. A refused
  voucher names the step and lists its refused lines (`closing.post_step`).
"""

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import Account, Period, Voucher
from erp.accounting.selectors_statements import chart_standard
from erp.accounting.services.closing import (
    OVERHEAD_ACCOUNTS,
    _period,
    _period_locked,
    overhead_balances,
    period_checklist,
    pl_carry_forward,
    post_step,
    vat_payable_balance,
)
from erp.accounting.services.periods import period_close
from erp.accounting.statements import VAT_TRANSFER_OUT, VAT_UNPAID
from erp.accounting.states import PeriodState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, Conflict, InvalidTransition

SOURCE_OVERHEAD = "accounting.overhead"
SOURCE_VAT = "accounting.vat_transfer"
ZERO = Decimal("0")
Progress = Callable[[int, int, str], None]


class MonthEndRunning(Conflict):
    code = "month_end_running"
    default_message = _(
        "The month-end close of this period is already running. Wait for it to finish and "
        "look at its result on the period page."
    )


def _leaf(code: str) -> Account:
    account = Account.objects.filter(code=code, is_leaf=True, active=True).first()
    if account is None:
        raise BusinessRuleError(
            _(
                "Account %(code)s is missing, inactive or has sub-accounts. Restore it as an "
                "active leaf account in the chart of accounts."
            )
            % {"code": code},
            code="month_end_account_missing",
        )
    return account


@transaction.atomic
def overhead_allocate(*, actor, period_id: int) -> Voucher | None:
    """制造费用 → 生产成本 at the period end; None when 5101 is already zero."""
    period = _period_locked(period_id)
    left = overhead_balances(period)
    if not left:
        return None
    target = _leaf(OVERHEAD_ACCOUNTS[chart_standard()][1])
    summary = str(_("Allocate manufacturing overhead %(period)s") % {"period": period})
    lines = [
        DraftLine(
            summary,
            code,
            debit=-amount if amount < 0 else ZERO,
            credit=amount if amount > 0 else ZERO,
            department_id=department_id,
        )
        for (code, department_id), amount in sorted(left.items(), key=lambda kv: str(kv[0]))
    ]
    total = sum(left.values(), ZERO)
    lines.append(
        DraftLine(
            summary,
            target.code,
            debit=total if total > 0 else ZERO,
            credit=-total if total < 0 else ZERO,
        )
    )
    draft = VoucherDraft(
        date=period.end,
        word="转",
        lines=tuple(line for line in lines if line.debit or line.credit),
        source_type=SOURCE_OVERHEAD,
        source_id=str(period.pk),
        source_number=str(period),
    )
    return post_step(actor=actor, draft=draft, step=str(_("Allocating manufacturing overhead")))


@transaction.atomic
def vat_transfer(*, actor, period_id: int) -> Voucher | None:
    """转出未交增值税 at the period end; None when nothing is payable (留抵 or already done)."""
    period = _period_locked(period_id)
    payable = vat_payable_balance(period)
    if payable <= 0:
        return None
    transfer_out, unpaid = _leaf(VAT_TRANSFER_OUT), _leaf(VAT_UNPAID)
    summary = str(_("Transfer unpaid VAT %(period)s") % {"period": period})
    draft = VoucherDraft(
        date=period.end,
        word="转",
        lines=(
            DraftLine(summary, transfer_out.code, debit=payable),
            DraftLine(summary, unpaid.code, credit=payable),
        ),
        source_type=SOURCE_VAT,
        source_id=str(period.pk),
        source_number=str(period),
    )
    return post_step(actor=actor, draft=draft, step=str(_("Transferring unpaid VAT")))


def _require_documents_posted(period: Period) -> None:
    """Carrying forward with vouchers or stock documents still pending would miss them: stop
    before posting anything."""
    pending = [
        c for c in period_checklist(period)
        if c.code in ("vouchers_posted", "stock_documents_posted") and not c.ok
    ]  # fmt: skip
    if pending:
        raise BusinessRuleError(
            _("Post or delete the pending documents of the period first: %(checks)s")
            % {"checks": "; ".join(f"{c.label} ({c.detail})" for c in pending)},
            code="month_end_pending",
        )


def month_end_close(*, actor, period_id: int, progress: Progress | None = None) -> Period:
    """The whole month-end close, resumable: each step commits on its own (a later failure
    keeps the earlier postings, which are correct; every step is idempotent, so running the
    close again continues after them); the close itself checks the list."""
    require_perm(actor, "accounting.close_period")
    period = _period(period_id)
    _require_documents_posted(period)
    steps = [
        (_("Allocating manufacturing overhead"), overhead_allocate),
        (_("Transferring unpaid VAT"), vat_transfer),
        (_("Carrying forward profit and loss"), pl_carry_forward),
        (_("Closing the period"), period_close),
    ]
    for number, (label, step) in enumerate(steps, start=1):
        if progress is not None:
            progress(number, len(steps), str(label))
        step(actor=actor, period_id=period.pk)
    period.refresh_from_db()
    return period


def month_end_start(*, actor, period_id: int):
    """Queue the month-end close of an open period as a job (the page's button and
    POST /api/v1/periods/{id}/month-end). Refused while a run of the period is going.

    No row lock here: the JobRun must be committed before the worker reads it, and two runs
    started at once are harmless (each step locks the period and is idempotent)."""
    from erp.accounting.selectors import month_end_status
    from erp.accounting.tasks import month_end_queue

    require_perm(actor, "accounting.close_period")
    period = _period(period_id)
    if period.state != PeriodState.OPEN:
        raise InvalidTransition(
            _("Period %(period)s is already closed. Reopen it first to run the close again.")
            % {"period": period},
            code="period_already_closed",
        )
    if month_end_status(period)["running"]:
        raise MonthEndRunning()
    return month_end_queue(actor_id=actor.pk, period_id=period.pk)

"""Accounting periods: create the months of a year, require an open period (for every module),
close and reopen."""

import datetime as dt
from calendar import monthrange

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.accounting.errors import PeriodClosed, PeriodMissing
from erp.accounting.models import Period
from erp.accounting.states import PeriodState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, Conflict, InvalidTransition, NotFound
from erp.core.services.audit import audit_record
from erp.inventory.services.snapshots import stock_snapshot_build, stock_snapshots_drop_from


@transaction.atomic
def periods_create_year(*, actor, year: int) -> list[Period]:
    """Create the twelve months of `year` (existing months are kept)."""
    require_perm(actor, "accounting.add_period")
    if not 2000 <= year <= 2100:
        raise BusinessRuleError(
            _("Enter a year between 2000 and 2100."), code="period_year_invalid", year=year
        )
    created = []
    for month in range(1, 13):
        start = dt.date(year, month, 1)
        end = dt.date(year, month, monthrange(year, month)[1])
        period, was_created = Period.objects.get_or_create(
            year=year, month=month, defaults={"start": start, "end": end}
        )
        if was_created:
            audit_record(actor=actor, action="create", obj=period, note="periods_create_year")
            created.append(period)
    return created


@transaction.atomic
def period_open_next(*, actor) -> Period:
    """Open the month after the latest period (开下一期): January of the next year after a
    December. Without any period it opens the current month."""
    require_perm(actor, "accounting.add_period")
    latest = Period.objects.select_for_update().order_by("-year", "-month").first()
    if latest is None:
        today = timezone.localdate()
        year, month = today.year, today.month
    else:
        year, month = (
            (latest.year + 1, 1) if latest.month == 12 else (latest.year, latest.month + 1)
        )
    if year > 2100:
        raise BusinessRuleError(
            _("Enter a year between 2000 and 2100."), code="period_year_invalid", year=year
        )
    if Period.objects.filter(year=year, month=month).exists():  # opened meanwhile
        raise Conflict(
            _("Period %(year)s-%(month)02d was opened meanwhile. Reload the page.")
            % {"year": year, "month": month},
            code="period_exists",
        )
    period = Period.objects.create(
        year=year,
        month=month,
        start=dt.date(year, month, 1),
        end=dt.date(year, month, monthrange(year, month)[1]),
    )
    audit_record(actor=actor, action="create", obj=period, note="period_open_next")
    return period


def period_for_date(on_date: dt.date) -> Period:
    period = Period.objects.filter(start__lte=on_date, end__gte=on_date).first()
    if period is None:
        raise PeriodMissing(date=str(on_date))
    return period


def period_require_open(on_date: dt.date, *, lock: bool = True) -> Period:
    """The open period of `on_date`, or PeriodClosed/PeriodMissing. Every module calls this
    inside its posting transaction: with `lock` the period row is share-locked (PostgreSQL)
    until commit, so a concurrent close waits for the posting, or the posting sees the
    closed period — one consistent order (closing takes the exclusive lock)."""
    period = period_for_date(on_date)
    if lock:
        period = _lock_shared(period.pk)
    if period.state != PeriodState.OPEN:
        raise PeriodClosed(period=str(period), date=str(on_date))
    return period


def _lock_shared(period_id: int) -> Period:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("period_require_open(lock=True) must run inside a transaction")
    if connection.vendor == "postgresql":
        return Period.objects.raw(
            "SELECT * FROM accounting_period WHERE id = %s FOR SHARE", [period_id]
        )[0]
    # SQLite: the IMMEDIATE transaction already serialises writers.
    return Period.objects.get(pk=period_id)


def period_lock_exclusive(period_id: int) -> Period:
    try:
        return Period.objects.select_for_update().get(pk=period_id)
    except (Period.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


@transaction.atomic
def period_close(*, actor, period_id: int) -> Period:
    """Close a month once its checklist is green (see services.closing.period_checklist)."""
    from erp.accounting.services.closing import period_checklist

    require_perm(actor, "accounting.close_period")
    period = period_lock_exclusive(period_id)
    if period.state != PeriodState.OPEN:
        raise InvalidTransition(
            _("Period %(period)s is already closed.") % {"period": period},
            code="period_already_closed",
        )
    earlier_open = Period.objects.filter(start__lt=period.start, state=PeriodState.OPEN)
    if earlier_open.exists():
        raise BusinessRuleError(
            _("Close the earlier periods first: %(periods)s.")
            % {"periods": ", ".join(str(p) for p in earlier_open[:5])},
            code="period_earlier_open",
        )
    failed = [c for c in period_checklist(period) if not c.ok]
    if failed:
        raise BusinessRuleError(
            _("The period cannot be closed yet: %(checks)s. Open the checklist to fix them.")
            % {"checks": "; ".join(str(c.label) for c in failed)},
            code="period_checks_failed",
            checks=[c.code for c in failed],
        )
    period.state = PeriodState.CLOSED
    period.closed_at = timezone.now()
    period.closed_by = actor
    period.save(update_fields=["state", "closed_at", "closed_by"])
    # Nothing can be posted into the month now (the stock gate checks the period; we hold it
    # exclusively): its month-end stock snapshot stays true until the month is reopened.
    stock_snapshot_build(period.end)
    audit_record(
        actor=actor,
        action="transition",
        obj=period,
        changes={"state": ["open", "closed"]},
        note="close",
    )
    return period


@transaction.atomic
def period_reopen(*, actor, period_id: int, reason: str) -> Period:
    """Reopen a closed month (finance manager only, audited with the reason). Later closed
    periods must be reopened first, so balances carried into them stay true."""
    require_perm(actor, "accounting.reopen_period")
    if not (reason or "").strip():
        raise BusinessRuleError(
            _("Give the reason for reopening the period; it is kept in the audit log."),
            code="period_reopen_reason",
        )
    period = period_lock_exclusive(period_id)
    if period.state != PeriodState.CLOSED:
        raise InvalidTransition(
            _("Period %(period)s is open already.") % {"period": period},
            code="period_already_open",
        )
    later_closed = Period.objects.filter(start__gt=period.start, state=PeriodState.CLOSED)
    if later_closed.exists():
        raise BusinessRuleError(
            _("Reopen the later closed periods first: %(periods)s.")
            % {"periods": ", ".join(str(p) for p in later_closed[:5])},
            code="period_later_closed",
        )
    period.state = PeriodState.OPEN
    stock_snapshots_drop_from(period.start)
    period.closed_at = None
    period.closed_by = None
    period.save(update_fields=["state", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action="transition",
        obj=period,
        changes={"state": ["closed", "open"]},
        note=f"reopen: {reason.strip()}",
    )
    return period

"""Accounting jobs for huey (`erp worker` runs them): the month-end close off the request, so
the user can leave the page and come back to its progress.

The page creates the JobRun when it queues the job (message "0/4", so "queued" shows before a
worker picks it up); the task reports each step on that row and finishes it."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from erp.core.jobs import MESSAGE_LIMIT
from erp.core.models import JobRun


def month_end_task(period_id: int) -> str:
    """The JobRun task name of one period's close (the status endpoint reads it)."""
    return f"accounting_month_end:{period_id}"


def month_end_queue(*, actor_id: int, period_id: int) -> JobRun:
    """Record the run as queued, then hand it to the worker."""
    run = JobRun.objects.create(
        task=month_end_task(period_id), started_at=timezone.now(), message="0/4 " + _("Queued")
    )
    accounting_month_end_close(actor_id, period_id, run.pk)
    return run


def _finish(run_id: int, *, ok: bool, message: str) -> None:
    # Operational bookkeeping (no audit event), as erp.core.jobs does for its own runs.
    JobRun.objects.filter(pk=run_id).update(
        finished_at=timezone.now(), ok=ok, message=message[:MESSAGE_LIMIT]
    )


@db_task(name="accounting_month_end_close")
def accounting_month_end_close(actor_id: int, period_id: int, run_id: int) -> str:
    from erp.accounting.services.month_end import month_end_close
    from erp.iam.models import User

    def progress(step: int, total: int, label: str) -> None:
        JobRun.objects.filter(pk=run_id).update(message=f"{step}/{total} {label}")

    try:
        actor = User.objects.get(pk=actor_id)
        with translation.override(actor.language or None):
            period = month_end_close(actor=actor, period_id=period_id, progress=progress)
    except Exception as exc:
        _finish(run_id, ok=False, message=f"{type(exc).__name__}: {getattr(exc, 'message', exc)}")
        raise
    result = f"{period} {period.state}"
    _finish(run_id, ok=True, message=result)
    return result

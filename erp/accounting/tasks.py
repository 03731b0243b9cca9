"""Accounting jobs for huey (`erp worker` runs them): the month-end close off the request, so
the user can leave the page and come back to its progress (a JobRun per run)."""

from django.utils import translation
from huey.contrib.djhuey import db_task

from erp.core.jobs import job_run_record
from erp.core.models import JobRun


def month_end_task(period_id: int) -> str:
    """The JobRun task name of one period's close (the status endpoint reads it)."""
    return f"accounting_month_end:{period_id}"


def _progress(task: str):
    def report(step: int, total: int, label: str) -> None:
        # Operational bookkeeping on the running JobRun (autocommit: the poller sees it now).
        JobRun.objects.filter(task=task, finished_at__isnull=True).update(
            message=f"{step}/{total} {label}"
        )

    return report


@db_task(name="accounting_month_end_close")
def accounting_month_end_close(actor_id: int, period_id: int) -> str:
    from erp.accounting.services.month_end import month_end_close
    from erp.iam.models import User

    task = month_end_task(period_id)

    def run() -> str:
        actor = User.objects.get(pk=actor_id)
        with translation.override(actor.language or None):
            period = month_end_close(actor=actor, period_id=period_id, progress=_progress(task))
        return f"{period} {period.state}"

    return job_run_record(task, run)

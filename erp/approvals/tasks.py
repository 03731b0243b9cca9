"""Approval jobs (huey; `erp worker` runs them)."""

from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from erp.approvals.services.reminders import approvals_remind_overdue
from erp.core.jobs import job_run_record


@db_periodic_task(crontab(minute="7"), name="approvals_remind_overdue")
def approvals_remind_overdue_task() -> str:
    """Hourly: re-notify approvers (and their department heads) of overdue steps."""
    return job_run_record("approvals_remind_overdue", _reminded)


def _reminded() -> str:
    # Stored on the job's run in the site's language (the status page and daily report show it).
    return _("%(count)s overdue approval steps reminded") % {"count": approvals_remind_overdue()}

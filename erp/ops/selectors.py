"""Reads for the status page, the banner and the schedule."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.jobs import job_last_run
from erp.core.models import JobRun
from erp.ops.models import BackupRecord, ScheduleSettings

# Scheduled jobs shown on the status page: (JobRun task name, label).
SCHEDULED_TASKS = [
    ("ops_daily_backup", _("Daily backup and restore drill")),
    ("ops_weekly_check", _("Weekly system check")),
    ("ops_offsite_copy", _("Monthly off-site copy")),
    ("ops_schedule_tick", _("Operations scheduler")),
    ("system_heartbeat", _("Worker heartbeat")),
]


def schedule_settings_get() -> ScheduleSettings:
    """The saved settings, or the defaults (unsaved) before anyone saved them."""
    return ScheduleSettings.objects.filter(pk=1).first() or ScheduleSettings(pk=1)


def backup_last() -> BackupRecord | None:
    return BackupRecord.objects.first()


def backup_last_ok() -> BackupRecord | None:
    return BackupRecord.objects.filter(ok=True).first()


def drill_last() -> BackupRecord | None:
    return BackupRecord.objects.filter(verified_at__isnull=False).order_by("-verified_at").first()


def drill_last_ok() -> BackupRecord | None:
    return BackupRecord.objects.filter(verify_ok=True).order_by("-verified_at").first()


def backups_recent(limit: int = 20) -> list[BackupRecord]:
    return list(BackupRecord.objects.all()[:limit])


def backup_alert(now: dt.datetime | None = None) -> str:
    """Why administrators must look at backups now ("" when all is well): the last run failed,
    or no good backup is younger than the configured number of hours."""
    now = now or timezone.now()
    hours = schedule_settings_get().overdue_hours
    last = backup_last()
    if last is not None and not last.ok:
        return str(_("The last backup failed. Open System status, read the message and fix it."))
    good = last  # the newest record, and it did not fail (checked above)
    if good is None:
        return str(_("No backup has been taken yet. Open System status and take one now."))
    if now - good.created_at > dt.timedelta(hours=hours):
        return str(
            _(
                "The last good backup is older than %(hours)s hours. Check that the worker runs "
                "(erp worker) and open System status."
            )
            % {"hours": hours}
        )
    return ""


def job_queue_pending() -> int | None:
    from huey.contrib.djhuey import HUEY

    try:
        return HUEY.pending_count()
    except Exception:  # the queue's store may be unreachable: show "unknown", not a crash
        return None


def scheduled_tasks_status() -> list[tuple[str, str, JobRun | None]]:
    return [(task, label, job_last_run(task)) for task, label in SCHEDULED_TASKS]


def last_started(task: str) -> dt.datetime | None:
    run = job_last_run(task)
    return run.started_at if run else None


def data_dir() -> str:
    return str(settings.DATA_DIR)

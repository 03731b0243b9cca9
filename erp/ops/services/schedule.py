"""The schedule settings page and the scheduler that runs what is due.

huey's periodic tasks have fixed crontabs, so one tick every five minutes reads the settings
and runs the jobs whose slot has passed since they last started (a JobRun row is written when
a job starts, so a long backup is not started twice by the next tick)."""

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.jobs import job_run_record
from erp.core.services.audit import audit_record, diff, snapshot
from erp.ops import health, selectors
from erp.ops.models import BackupRecord, ScheduleSettings
from erp.ops.services.alerts import alert_send
from erp.ops.services.backups import backup_create, backup_offsite_copy, backup_retention_apply

logger = logging.getLogger(__name__)

EDITABLE = [
    "backups_enabled",
    "backup_time",
    "keep_daily",
    "keep_weekly",
    "keep_monthly",
    "offsite_dir",
    "offsite_day",
    "check_weekday",
    "admin_email",
    "overdue_hours",
]


def schedule_settings_update(*, actor, **fields: Any) -> ScheduleSettings:
    require_perm(actor, "ops.change_schedulesettings")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            fields={name: [_("This field cannot be changed.")] for name in unknown}
        )
    with transaction.atomic():
        current, _created = ScheduleSettings.objects.select_for_update().get_or_create(pk=1)
        before = _snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        _validate(current)
        current.save()
        audit_record(
            actor=actor,
            action="update",
            obj=current,
            changes=diff(before, _snapshot(current)),
        )
    return current


def _snapshot(current: ScheduleSettings) -> dict[str, Any]:
    # The audit log stores JSON; the backup time is a datetime.time, kept as "02:00:00".
    return {
        k: str(v) if isinstance(v, dt.time) else v for k, v in snapshot(current, EDITABLE).items()
    }


def _validate(current: ScheduleSettings) -> None:
    errors: dict[str, list] = {}
    try:
        current.full_clean()
    except ValidationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    if current.offsite_dir and not Path(current.offsite_dir).is_absolute():
        errors.setdefault("offsite_dir", []).append(
            _("Enter an absolute directory path, for example /mnt/backup-share/erp.")
        )
    if errors:
        raise ValidationFailed(fields=errors)


# --- what is due -----------------------------------------------------------------------------


def slot_daily(now: dt.datetime, at: dt.time) -> dt.datetime:
    """The most recent moment (local time) at which the daily job should have started."""
    local = timezone.localtime(now)
    slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return slot if slot <= local else slot - dt.timedelta(days=1)


def slot_weekly(now: dt.datetime, at: dt.time, weekday: int) -> dt.datetime:
    slot = slot_daily(now, at)
    return slot - dt.timedelta(days=(slot.weekday() - weekday) % 7)


def slot_monthly(now: dt.datetime, at: dt.time, day: int) -> dt.datetime:
    slot = slot_daily(now, at)
    if slot.day >= day:
        return slot.replace(day=day)
    previous = slot.replace(day=1) - dt.timedelta(days=1)
    return previous.replace(day=day)


def _due(task: str, slot: dt.datetime) -> bool:
    started = selectors.last_started(task)
    return started is None or started < slot


def schedule_run_due(*, now: dt.datetime | None = None) -> list[str]:
    """Run every scheduled job whose slot has passed; return the names of those run."""
    now = now or timezone.now()
    conf = selectors.schedule_settings_get()
    ran = []
    if conf.backups_enabled and _due("ops_daily_backup", slot_daily(now, conf.backup_time)):
        _run_quietly("ops_daily_backup", lambda: daily_backup(conf))
        ran.append("ops_daily_backup")
    if _due("ops_weekly_check", slot_weekly(now, conf.backup_time, conf.check_weekday)):
        _run_quietly("ops_weekly_check", weekly_check)
        ran.append("ops_weekly_check")
    monthly = slot_monthly(now, conf.backup_time, conf.offsite_day)
    if conf.offsite_dir and _due("ops_offsite_copy", monthly):
        _run_quietly("ops_offsite_copy", lambda: offsite_copy(conf))
        ran.append("ops_offsite_copy")
    return ran


def _run_quietly(task: str, fn) -> None:
    # One failed job must not keep the others from running; the JobRun row and the alert each
    # job sends itself carry the failure.
    try:
        job_run_record(task, fn)
    except Exception:
        logger.exception("scheduled job %s failed", task)


def daily_backup(conf: ScheduleSettings) -> str:
    record = backup_create(trigger=BackupRecord.Trigger.SCHEDULE, verify=True)
    pruned = backup_retention_apply(
        daily=conf.keep_daily, weekly=conf.keep_weekly, monthly=conf.keep_monthly
    )
    summary = str(
        _("%(path)s (%(size)s bytes), %(pruned)s old backups removed")
        % {"path": record.path, "size": record.size, "pruned": len(pruned)}
    )
    if not record.verify_ok:
        raise RuntimeError(
            str(_("%(summary)s; the restore drill FAILED: %(detail)s"))
            % {"summary": summary, "detail": record.verify_message[-500:]}
        )
    return str(_("%(summary)s; the restore drill passed.") % {"summary": summary})


def offsite_copy(conf: ScheduleSettings) -> str:
    try:
        return str(backup_offsite_copy(target_dir=Path(conf.offsite_dir)))
    except Exception as exc:
        alert_send(_("Off-site copy failed"), f"{type(exc).__name__}: {exc}")
        raise


def weekly_check() -> str:
    items = health.health_items(full=True)
    report = health.health_report(items)
    if not all(i.ok for i in items):
        alert_send(_("Weekly system check found problems"), report)
        raise RuntimeError(report)
    return report

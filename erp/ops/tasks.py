"""Operations jobs for huey (`erp worker` runs them)."""

from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from erp.core.jobs import job_run_record
from erp.iam.models import User
from erp.ops.models import BackupRecord
from erp.ops.selectors import SCHEDULED_TASKS
from erp.ops.services.backups import backup_create, backup_verify
from erp.ops.services.schedule import schedule_run_due


@db_periodic_task(crontab(minute="*/5"), name="ops_schedule_tick")
def ops_schedule_tick() -> str:
    """Every 5 minutes: run the daily backup, weekly check and monthly off-site copy when due
    (their times come from the schedule settings page)."""
    return job_run_record("ops_schedule_tick", lambda: _ran_message(schedule_run_due()))


def _ran_message(ran: list[str]) -> str:
    """The jobs a tick ran, by name (每日备份与恢复演练、…), or that none was due."""
    if not ran:
        return _("Nothing was due.")
    labels = dict(SCHEDULED_TASKS)
    return _("Ran: %(jobs)s") % {"jobs": "、".join(str(labels.get(t, t)) for t in ran)}


def _drill_message(record) -> str:
    if record.verify_ok:
        return _("%(path)s: the restore drill passed.") % {"path": record.path}
    return _("%(path)s: the restore drill FAILED.") % {"path": record.path}


@db_task(name="ops_backup_now")
def ops_backup_now(actor_id: int) -> str:
    """ "Back up now" on the status page: a backup with its restore drill, off the request."""

    def run() -> str:
        actor = User.objects.get(pk=actor_id)
        record = backup_create(actor=actor, trigger=BackupRecord.Trigger.MANUAL, verify=True)
        return _drill_message(record)

    return job_run_record("ops_backup_now", run)


@db_task(name="ops_backup_verify")
def ops_backup_verify(actor_id: int, record_id: int) -> str:
    def run() -> str:
        actor = User.objects.get(pk=actor_id)
        record = backup_verify(actor=actor, record_id=record_id)
        return _drill_message(record)

    return job_run_record("ops_backup_verify", run)

"""Operations jobs for huey (`erp worker` runs them)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from erp.core.jobs import job_run_record
from erp.iam.models import User
from erp.ops.models import BackupRecord
from erp.ops.services.backups import backup_create, backup_verify
from erp.ops.services.schedule import schedule_run_due


@db_periodic_task(crontab(minute="*/5"), name="ops_schedule_tick")
def ops_schedule_tick() -> str:
    """Every 5 minutes: run the daily backup, weekly check and monthly off-site copy when due
    (their times come from the schedule settings page)."""
    return job_run_record("ops_schedule_tick", lambda: ", ".join(schedule_run_due()) or "idle")


@db_task(name="ops_backup_now")
def ops_backup_now(actor_id: int) -> str:
    """ "Back up now" on the status page: a backup with its restore drill, off the request."""

    def run() -> str:
        actor = User.objects.get(pk=actor_id)
        record = backup_create(actor=actor, trigger=BackupRecord.Trigger.MANUAL, verify=True)
        return f"{record.path} drill={'passed' if record.verify_ok else 'FAILED'}"

    return job_run_record("ops_backup_now", run)


@db_task(name="ops_backup_verify")
def ops_backup_verify(actor_id: int, record_id: int) -> str:
    def run() -> str:
        actor = User.objects.get(pk=actor_id)
        record = backup_verify(actor=actor, record_id=record_id)
        return f"{record.path} drill={'passed' if record.verify_ok else 'FAILED'}"

    return job_run_record("ops_backup_verify", run)

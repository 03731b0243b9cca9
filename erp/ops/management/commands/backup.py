"""`erp backup [--verify] [--dest DIR] [--prune]`: a hot backup of this instance."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from erp.core.errors import DomainError
from erp.ops.selectors import schedule_settings_get
from erp.ops.services.backups import backup_create, backup_retention_apply


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup / pg_dump) and uploaded files into a "
        "timestamped archive; --verify restores it into a scratch database and runs erp check."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dest", type=Path, help="directory for the archive")
        parser.add_argument(
            "--verify", action="store_true", help="restore drill: prove the archive restores"
        )
        parser.add_argument(
            "--prune", action="store_true", help="apply the retention of the schedule settings"
        )

    def handle(self, *args, **options):
        try:
            record = backup_create(dest=options["dest"], verify=options["verify"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"OK   backup / 备份: {record.path}")
        self.stdout.write(f"     {record.size} bytes  sha256 {record.sha256}")
        if options["verify"]:
            if not record.verify_ok:
                self.stdout.write(record.verify_message)
                raise CommandError("restore drill FAILED / 恢复演练未通过")
            self.stdout.write("OK   restore drill passed / 恢复演练通过")
        if options["prune"]:
            conf = schedule_settings_get()
            pruned = backup_retention_apply(
                daily=conf.keep_daily, weekly=conf.keep_weekly, monthly=conf.keep_monthly
            )
            self.stdout.write(f"OK   {len(pruned)} old backup(s) removed / 已清理旧备份")

"""`erp restore ARCHIVE [--force] [--check]`: restore a backup into this instance."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from erp.core.errors import DomainError
from erp.ops.services.restore import restore_archive


class Command(BaseCommand):
    help = (
        "Restore a backup archive into this instance (new or empty; --force replaces a "
        "database that holds data). The archive is checked completely before anything changes."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace the data of a database in use"
        )
        parser.add_argument(
            "--check", action="store_true", help="run erp check on the restored data"
        )

    def handle(self, *args, **options):
        try:
            result = restore_archive(archive_path=options["archive"], force=options["force"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"OK   restored / 已恢复 {options['archive']} (taken {manifest['created_at']}, "
            f"version {manifest['app_version']}, {manifest['database']['vendor']})"
        )
        self.stdout.write(
            f"     {result.tables} tables, {result.rows} rows, {result.media_files} files"
            + (", migrated to this version" if result.migrated else "")
        )
        if options["check"]:
            out = StringIO()
            try:
                call_command("erp_check", stdout=out)
            finally:
                self.stdout.write(out.getvalue().rstrip())

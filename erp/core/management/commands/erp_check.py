"""`erp check`: Django's system checks, then every registered integrity check."""

from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, SystemCheckError

from erp.core.integrity import integrity_run


class Command(BaseCommand):
    help = "Run Django's system checks and the ERP's integrity checks (one line per check)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="only these integrity checks")

    def handle(self, *args, **options):
        failed = 0
        try:
            call_command("check", stdout=StringIO(), stderr=StringIO())
            self.stdout.write("OK   django_system_checks")
        except SystemCheckError as exc:
            failed += 1
            self.stdout.write(f"FAIL django_system_checks: {exc}")
        for result in integrity_run(options["names"] or None):
            if result.ok:
                self.stdout.write(f"OK   {result.name}")
            else:
                failed += 1
                self.stdout.write(f"FAIL {result.name}: {'; '.join(result.problems)}")
        if failed:
            raise CommandError(f"{failed} check(s) failed / {failed} 项检查未通过")

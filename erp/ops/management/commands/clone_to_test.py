"""`erp clone-to-test [--instance test]`: copy this (production) instance into the test one."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from erp.core.errors import DomainError
from erp.ops.services.clone import clone_to_test


class Command(BaseCommand):
    help = (
        "Copy production into the test instance (backup, then restore --force into "
        "var/<instance>/ or the instance's own PostgreSQL database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--instance", default="test")
        parser.add_argument("--data-dir", type=Path, help="the test instance's ERP_DATA_DIR")
        parser.add_argument(
            "--database-url", default="", help="PostgreSQL: the test instance's DATABASE_URL"
        )

    def handle(self, *args, **options):
        try:
            result = clone_to_test(
                instance=options["instance"],
                data_dir=options["data_dir"],
                database_url=options["database_url"],
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(result.output)
        self.stdout.write(
            f"OK   cloned / 已复制到测试实例 '{options['instance']}': {result.database}\n"
            f"     start it with: {_start_hint(options['instance'], result)}"
        )


def _start_hint(instance: str, result) -> str:
    """The data directory is named explicitly: an ERP_DATA_DIR exported for production
    outranks ERP_INSTANCE's var/<instance> and would serve production under a test banner."""
    hint = f"ERP_INSTANCE={instance} ERP_DATA_DIR={result.data_dir}"
    if connection.vendor == "postgresql":
        hint += f" DATABASE_URL=<the URL of database {result.database}>"
    return f"{hint} erp serve"

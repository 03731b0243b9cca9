"""`erp setup`: bring a database up to date; the demo company on the very first run.

Idempotent and quick when there is nothing to do, so `make run` can call it every time.
"""

import importlib

from django.core.management import call_command
from django.core.management.base import BaseCommand

from erp.core.demo import database_is_empty, demo_load
from erp.iam.services.roles import roles_sync

from ._demo_table import demo_logins_table
from ._static import collectstatic_if_stale


class Command(BaseCommand):
    help = "Migrate, sync roles and numbering defaults, collect static files; demo on first run."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="never load the demo company")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("OK   database migrated / 数据库已迁移")
        roles = roles_sync()
        self.stdout.write(f"OK   {len(roles)} roles synced / 角色已同步")
        if _numbering_defaults():
            self.stdout.write("OK   numbering rules / 编码规则")
        if _posting_rule_defaults():
            self.stdout.write("OK   default posting rules / 默认过账规则")
        if collectstatic_if_stale():
            self.stdout.write("OK   static files collected / 静态文件已收集")
        if not options["no_demo"] and database_is_empty():
            logins = demo_load()
            self.stdout.write(self.style.SUCCESS("Demo company loaded. / 演示公司已加载。"))
            self.stdout.write(demo_logins_table(logins))
        _setup_link(self.stdout)


def _setup_link(out) -> None:
    """No user yet: print the first-run wizard's address with a new one-time token."""
    from erp.golive.services.setup import setup_token_issue

    from ._bind import resolve_bind

    token = setup_token_issue()
    if token:
        url = f"http://{resolve_bind(None, None)}/golive/setup/"
        out.write(f"Set-up wizard / 首次设置向导: {url}  (on this machine / 本机)")
        out.write(f"From another machine / 从其他电脑: {url}?token={token}")


def _posting_rule_defaults() -> bool:
    """Default posting rules of modules' events (a module installed after go-live)."""
    from erp.accounting.services.chart import posting_rules_ensure_defaults

    return bool(posting_rules_ensure_defaults())


def _numbering_defaults() -> bool:
    # Written by the numbering work; until it lands, setup simply skips this step.
    try:
        module = importlib.import_module("erp.core.services.numbering")
    except ImportError:
        return False
    ensure = getattr(module, "numbering_rules_ensure_defaults", None)
    if ensure is None:
        return False
    ensure()
    return True

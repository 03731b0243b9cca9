"""Integrity checks run by `erp check` (and the weekly job): facts that must always hold.

Each app registers its own in `erp/<app>/integrity.py` with `@integrity_check("name")`; the
module is imported automatically. A check returns a list of problems (empty when all is well),
each a short sentence that names the object and what is wrong.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count
from django.utils.module_loading import autodiscover_modules

CheckFn = Callable[[], list[str]]
_REGISTRY: dict[str, CheckFn] = {}


@dataclass(frozen=True)
class CheckResult:
    name: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def integrity_check(name: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        _REGISTRY[name] = fn
        return fn

    return register


def integrity_checks() -> dict[str, CheckFn]:
    autodiscover_modules("integrity")
    return dict(_REGISTRY)


def integrity_run(names: list[str] | None = None) -> list[CheckResult]:
    """Run the named checks (all when None). A check that crashes is reported as failed."""
    results = []
    for name, fn in integrity_checks().items():
        if names and name not in names:
            continue
        try:
            problems = list(fn())
        except Exception as exc:  # a broken check must fail loudly, not stop the others
            problems = [f"check crashed: {type(exc).__name__}: {exc}"]
        results.append(CheckResult(name=name, problems=problems))
    return results


@integrity_check("migrations_applied")
def migrations_applied() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"migration {m.app_label}.{m.name} not applied: run `erp setup`" for m, _ in plan]


@integrity_check("roles_match_roles_toml")
def roles_match_file() -> list[str]:
    from django.contrib.auth.models import Permission

    from erp.iam.models import Role
    from erp.iam.services.roles import expand_patterns, load_role_specs

    names = [
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    ]
    roles = {r.code: r for r in Role.objects.select_related("group")}
    problems, missing = [], []
    for spec in load_role_specs():
        role = roles.get(spec.code)
        if role is None:
            missing.append(spec.code)
            continue
        expected = set(expand_patterns(spec.patterns, names))
        actual = {
            f"{app}.{code}"
            for app, code in role.group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        if expected != actual:
            problems.append(
                f"role {spec.code}: {len(expected - actual)} permissions missing, "
                f"{len(actual - expected)} extra: run `erp sync_roles`"
            )
    if missing:
        problems.insert(0, f"roles missing: {', '.join(missing)}: run `erp sync_roles`")
    return problems


@integrity_check("document_numbers_unique")
def document_numbers_unique() -> list[str]:
    from erp.core.models import Document, NumberingCounter

    problems = [
        f"numbering rule {row['rule_id']} has {row['n']} counters for period '{row['period_key']}'"
        for row in NumberingCounter.objects.values("rule_id", "period_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    ]
    for model in apps.get_models():
        if not issubclass(model, Document):
            continue
        dupes = (
            model._default_manager.exclude(number="")
            .values("number")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        problems += [
            f"{model._meta.label}: number {row['number']} used {row['n']} times"
            for row in dupes[:20]
        ]
    return problems


# Names as created by core migration 0003 (one per vendor).
AUDIT_TRIGGERS = {
    "sqlite": ("core_auditevent_no_update", "core_auditevent_no_delete"),
    "postgresql": ("core_auditevent_no_update", "core_auditevent_no_delete"),
}


def triggers_missing(table: str, names: tuple[str, ...]) -> list[str] | None:
    """The named triggers that do not exist on `table` (None: cannot inspect this database).
    A table rebuilt by a later migration on SQLite loses its triggers: this finds it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass",
                [connection.ops.quote_name(table)],
            )
        else:
            return None
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name not in present]


@integrity_check("audit_log_append_only")
def audit_log_append_only() -> list[str]:
    missing = triggers_missing("core_auditevent", AUDIT_TRIGGERS.get(connection.vendor, ()))
    if missing is None:
        return [f"cannot inspect triggers on {connection.vendor}"]
    return [f"database trigger {name} missing: audit rows could be changed" for name in missing]

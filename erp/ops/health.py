"""The weekly system check (also shown live on the status page): each item says what was
measured, whether it is acceptable, and the figure."""

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.integrity import integrity_run
from erp.core.models import JobRun
from erp.ops import selectors

MIN_FREE_BYTES = 2 * 1024**3
MIN_FREE_SHARE = 0.10
DRILL_MAX_AGE = dt.timedelta(days=8)
QUEUE_MAX_PENDING = 100
FAILED_LOGINS_WARN = 50
WINDOW = dt.timedelta(days=7)


@dataclass(frozen=True)
class HealthItem:
    code: str
    label: str
    ok: bool
    value: str


def disk_free(path: Path) -> tuple[int, int]:
    path.mkdir(parents=True, exist_ok=True)
    usage = shutil.disk_usage(path)
    return usage.free, usage.total


def database_size() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
        return cursor.fetchone()[0]


def database_integrity() -> list[str]:
    """Storage-level damage: SQLite's integrity_check, PostgreSQL's invalid indexes."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            rows = [r[0] for r in cursor.fetchall()]
            return [] if rows == ["ok"] else rows[:20]
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE NOT i.indisvalid"
            )
            return [f"index {r[0]} is invalid: REINDEX it" for r in cursor.fetchall()]
    return []


def _age(when: dt.datetime | None, now: dt.datetime) -> str:
    if when is None:
        return str(_("never"))
    hours = (now - when).total_seconds() / 3600
    return str(_("%(hours).1f hours ago") % {"hours": hours})


def _failed_logins(since: dt.datetime) -> int:
    from axes.models import AccessFailureLog

    return AccessFailureLog.objects.filter(attempt_time__gte=since).count()


def health_items(*, full: bool, now: dt.datetime | None = None) -> list[HealthItem]:
    """`full` adds the slow items (storage integrity and the ERP's integrity checks)."""
    now = now or timezone.now()
    free, total = disk_free(Path(settings.DATA_DIR))
    good = selectors.backup_last_ok()
    drill = selectors.drill_last_ok()
    hours = selectors.schedule_settings_get().overdue_hours
    pending = selectors.job_queue_pending()
    failed_jobs = JobRun.objects.filter(started_at__gte=now - WINDOW, ok=False).count()
    items = [
        HealthItem(
            "disk",
            str(_("Free disk space")),
            free >= MIN_FREE_BYTES or free >= total * MIN_FREE_SHARE,
            f"{free / 1024**3:.1f} / {total / 1024**3:.1f} GB",
        ),
        HealthItem("db_size", str(_("Database size")), True, f"{database_size() / 1024**2:.1f} MB"),
        HealthItem(
            "backup_age",
            str(_("Last good backup")),
            good is not None and now - good.created_at <= dt.timedelta(hours=hours),
            _age(good.created_at if good else None, now),
        ),
        HealthItem(
            "drill_age",
            str(_("Last passed restore drill")),
            drill is not None and now - drill.verified_at <= DRILL_MAX_AGE,
            _age(drill.verified_at if drill else None, now),
        ),
        HealthItem(
            "queue",
            str(_("Jobs waiting in the queue")),
            pending is not None and pending <= QUEUE_MAX_PENDING,
            "?" if pending is None else str(pending),
        ),
        HealthItem(
            "failed_logins",
            str(_("Failed logins in the last 7 days")),
            (n := _failed_logins(now - WINDOW)) < FAILED_LOGINS_WARN,
            str(n),
        ),
        HealthItem(
            "job_errors",
            str(_("Failed jobs in the last 7 days")),
            not failed_jobs,
            str(failed_jobs),
        ),
    ]
    if full:
        items += _slow_items()
    return items


def _slow_items() -> list[HealthItem]:
    damage = database_integrity()
    items = [
        HealthItem(
            "db_integrity",
            str(_("Database storage integrity")),
            not damage,
            "; ".join(damage) or "ok",
        )
    ]
    for result in integrity_run():
        items.append(
            HealthItem(
                f"check:{result.name}",
                result.name,
                result.ok,
                "; ".join(result.problems[:3]) or "ok",
            )
        )
    return items


def health_report(items: list[HealthItem]) -> str:
    return "\n".join(f"{'OK  ' if i.ok else 'FAIL'} {i.label}: {i.value}" for i in items)

"""Core background jobs (huey; `erp worker` runs them). Apps put theirs in erp/<app>/tasks.py."""

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from erp.core.jobs import job_run_record


def _database_alive() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return f"database {connection.vendor} ok"


@db_periodic_task(crontab(minute="*/5"), name="system_heartbeat")
def system_heartbeat() -> str:
    """Every 5 minutes: proves the worker and scheduler run (a stale last run means they stop)."""
    return job_run_record("system_heartbeat", _database_alive)


@db_task(name="system_ping")
def system_ping(note: str = "") -> str:
    """On demand: proves a queued job reaches the worker (used by tests and by operators)."""
    return job_run_record("system_ping", lambda: f"pong {note}".strip())

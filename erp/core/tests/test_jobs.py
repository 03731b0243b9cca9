"""Background jobs (huey immediate mode): the scheduled heartbeat records a JobRun, failures are
recorded and re-raised."""

import datetime as dt
from pathlib import Path

import pytest

from erp.core.jobs import job_last_run, job_run_record
from erp.core.models import JobRun
from erp.core.tasks import system_heartbeat, system_ping

ROOT = Path(__file__).resolve().parents[3]


def test_heartbeat_runs_and_records_a_job_run(db):
    system_heartbeat()
    run = job_last_run("system_heartbeat")
    assert run is not None
    assert run.ok is True
    assert run.finished_at >= run.started_at
    assert "ok" in run.message


def test_heartbeat_is_scheduled_every_five_minutes():
    at = dt.datetime(2026, 3, 1, 10, 0)
    due = [
        m
        for m in range(60)
        if system_heartbeat.task_class().validate_datetime(at.replace(minute=m))
    ]
    assert due == list(range(0, 60, 5))


def test_failed_job_is_recorded_and_reraised(db):
    def boom():
        raise ValueError("disk full")

    with pytest.raises(ValueError):
        job_run_record("backup", boom)
    run = JobRun.objects.get(task="backup")
    assert run.ok is False
    assert run.message == "ValueError: disk full"
    assert run.finished_at is not None


def test_ping_task_returns_its_result(db):
    assert system_ping("x").get() == "pong x"
    assert JobRun.objects.filter(task="system_ping", ok=True).count() == 1


# The real consumer (`erp worker`, started by `erp run-all`) running a queued job end to end
# is tested in test_cli.py, sharing one migrated database with the run-all test.

"""Background jobs: the scheduled heartbeat records a JobRun, failures are recorded, and the real
consumer (`erp worker`) runs a queued job end to end."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
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


def _env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", ERP_DATA_DIR=str(tmp_path))
    return env


def test_worker_consumes_a_queued_job_end_to_end(tmp_path):
    env = _env(tmp_path)
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, **run)
    enqueue = (
        "import django; django.setup(); from erp.core.tasks import system_ping; system_ping('e2e')"
    )
    subprocess.run([sys.executable, "-c", enqueue], check=True, **run)
    assert not _pings(tmp_path), "the job ran before any worker started"

    worker = subprocess.Popen(
        [sys.executable, "-m", "erp.cli", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not _pings(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=15)[0]
    assert _pings(tmp_path) == [(1, "pong e2e")], output


def _pings(data_dir: Path) -> list[tuple]:
    with sqlite3.connect(data_dir / "erp.sqlite3") as conn:
        return conn.execute(
            "SELECT ok, message FROM core_jobrun WHERE task = 'system_ping'"
        ).fetchall()

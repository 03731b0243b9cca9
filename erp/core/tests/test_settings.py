"""Settings that protect production and the SQLite default; each test fails if a setting is lost.

Production settings are loaded in a subprocess, as `erp serve` would load them."""

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections, transaction

ROOT = Path(__file__).resolve().parents[3]


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # Browser tests in the same worker set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy
    # rightly refuses: start production from a clean environment, as a server would.
    skip = ("ERP_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    base.update(DJANGO_SETTINGS_MODULE="config.settings.production", ERP_DATA_DIR=str(tmp_path))
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


GOOD = {"ERP_SECRET_KEY": secrets.token_urlsafe(48), "ERP_ALLOWED_HOSTS": "erp.example.com"}


def test_production_check_deploy_is_clean(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **GOOD)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    ["", "django-insecure-dev-only-key-change-me", "changeme", "short-key-123", "x" * 49],
)
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    result = _manage(tmp_path, "check", **{**GOOD, "ERP_SECRET_KEY": key})
    assert result.returncode != 0
    assert "ERP_SECRET_KEY" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = _manage(tmp_path, "check", **GOOD, ERP_DEBUG="1")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_refuses_missing_allowed_hosts(tmp_path):
    result = _manage(tmp_path, "check", ERP_SECRET_KEY=GOOD["ERP_SECRET_KEY"])
    assert result.returncode != 0
    assert "ERP_ALLOWED_HOSTS" in result.stderr


def test_production_cookies_are_secure(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.DEBUG)"
    )
    result = _manage(tmp_path, "shell", "-c", code, **GOOD)
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.split() == ["True", "True", "True", "Lax", "False"], result.stderr


@pytest.fixture
def sqlite_file_connection(tmp_path, django_db_blocker):
    """A connection to a fresh SQLite file with the configured default database's options
    (the test database itself is in memory, where WAL does not apply)."""
    default = connections.settings["default"]
    if "sqlite3" not in default["ENGINE"]:
        pytest.skip("the default database is not SQLite")
    connections.settings["waltest"] = {**default, "NAME": str(tmp_path / "wal.sqlite3")}
    with django_db_blocker.unblock():
        conn = connections["waltest"]
        yield conn
        conn.close()
    del connections["waltest"]
    del connections.settings["waltest"]


def test_sqlite_runs_wal_with_a_long_busy_timeout(sqlite_file_connection):
    with sqlite_file_connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 20000


def test_sqlite_transactions_take_the_write_lock_at_begin(sqlite_file_connection, tmp_path):
    # IMMEDIATE: a transaction that has not written yet already holds the write lock, so a
    # second writer waits at BEGIN instead of failing halfway with "database is locked".
    with sqlite_file_connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x integer)")
    other = sqlite3.connect(tmp_path / "wal.sqlite3", timeout=0.1, isolation_level=None)
    try:
        with transaction.atomic(using="waltest"):
            with sqlite_file_connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()

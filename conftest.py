"""Project-wide test fixtures.

The whole suite runs on SQLite (the default) and on PostgreSQL (`DATABASE_URL=postgres://...`);
`make test` runs it on both. Two markers pick a database:
- `@pytest.mark.postgres`: needs PostgreSQL (row locks, pg_dump); skipped with the reason on
  SQLite.
- `@pytest.mark.sqlite_only`: about the SQLite file itself (copying it, its locking); skipped
  with the reason on PostgreSQL.

`ERP_TEST_FROZEN_DATE=2027-01-05` runs the session with the clock set to that day (09:00 in
the site's time zone, still ticking). The clock is set when pytest imports this file, before
the other conftests and the test modules, so module constants such as `TODAY = dt.date.today()`
see it too. `make test-frozen` uses it to prove the suites survive a year boundary.
"""

import datetime as dt
import os

import pytest
from django.db import connection

# Chromium, a phone page and a login for every browser test, in tests/ and in the apps.
pytest_plugins = ["tests.browser.fixtures"]

FROZEN_DATE_ENV = "ERP_TEST_FROZEN_DATE"


def _travel_to_frozen_date():
    """Start the clock at ERP_TEST_FROZEN_DATE (09:00 in the site's zone, so both
    timezone.localdate() and date.today() give that day), or None when it is not set. Runs when
    this file is imported: before pytest imports the other conftests, whose module constants
    (`TODAY = dt.date.today()`) must see the frozen day too."""
    frozen = os.environ.get(FROZEN_DATE_ENV, "").strip()
    if not frozen:
        return None
    import zoneinfo

    import time_machine
    from django.conf import settings

    try:
        day = dt.date.fromisoformat(frozen)
    except ValueError:
        raise pytest.UsageError(
            f"{FROZEN_DATE_ENV}={frozen!r}: give a date as YYYY-MM-DD, e.g. 2027-01-05"
        ) from None
    moment = dt.datetime.combine(day, dt.time(9, 0), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    traveller = time_machine.travel(moment, tick=True)
    traveller.start()
    return traveller


_traveller = _travel_to_frozen_date()


def pytest_unconfigure(config):
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config):
    if _traveller is not None:
        return [f"clock frozen at {dt.date.today()} ({FROZEN_DATE_ENV}, ticking)"]
    return []


def pytest_collection_modifyitems(config, items):
    vendor = connection.vendor
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(
                pytest.mark.skip(
                    reason="needs PostgreSQL: `make test` runs it with DATABASE_URL="
                    "postgres://postgres@127.0.0.1:5432/erp when the server is reachable"
                )
            )
        if "sqlite_only" in item.keywords and vendor != "sqlite":
            item.add_marker(
                pytest.mark.skip(
                    reason="about the SQLite database file itself; `make test` runs it in the "
                    "SQLite pass"
                )
            )


def _sqlite_recursive_triggers(on: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA recursive_triggers = {'ON' if on else 'OFF'}")


@pytest.fixture(autouse=True)
def _audit_append_only_guard(request):
    """core_auditevent is append-only (triggers in erp/core/migrations/0003). On SQLite the
    trigger steps aside only where `PRAGMA recursive_triggers` is on: keep it off while a test
    runs, and turn it on just for the flush that empties every table after a transactional
    test (PostgreSQL's flush uses TRUNCATE, which row triggers do not see)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if connection.vendor != "sqlite" or not (
        transactional or marker is not None or "db" in request.fixturenames
    ):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    _sqlite_recursive_triggers(False)
    yield
    if transactional:
        _sqlite_recursive_triggers(True)


@pytest.fixture
def roles(db):
    from erp.iam.services.roles import roles_sync

    return {r.code: r for r in roles_sync()}


@pytest.fixture
def make_user(db, roles):
    """make_user("alice", "sales", "warehouse") -> an active user holding those roles."""
    from erp.iam.models import User

    def _make(username: str, *role_codes: str, password: str = "pw-Secret-123", **extra):
        user = User.objects.create_user(username=username, password=password, **extra)
        user.groups.set([roles[c].group for c in role_codes])
        return User.objects.get(pk=user.pk)

    return _make


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", "admin", full_name="系统管理员")

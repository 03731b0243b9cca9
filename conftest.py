"""Project-wide test fixtures.

PostgreSQL-tagged tests (`@pytest.mark.postgres`) run only when the configured database is
PostgreSQL; `make test` runs them in a second pass with DATABASE_URL pointing at the local
server, and they are skipped with the reason otherwise.
"""

import pytest
from django.db import connection


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

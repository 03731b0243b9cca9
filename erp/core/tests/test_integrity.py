"""`erp check`: one line per check, non-zero exit when any fails, each core check catches what
it is there for."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from erp.core import integrity


def _check(*names: str) -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("erp_check", *names, stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def test_all_core_checks_pass_on_a_synced_database(roles):
    out, ok = _check()
    assert ok, out
    for name in (
        "django_system_checks",
        "migrations_applied",
        "roles_match_roles_toml",
        "document_numbers_unique",
        "audit_log_append_only",
    ):
        assert f"OK   {name}" in out


def test_missing_roles_fail(db):
    out, ok = _check("roles_match_roles_toml")
    assert not ok
    assert "FAIL roles_match_roles_toml: roles missing: admin" in out


def test_role_with_a_lost_permission_fails(roles):
    group = roles["warehouse"].group
    group.permissions.remove(group.permissions.first())
    out, ok = _check("roles_match_roles_toml")
    assert not ok
    assert "role warehouse: 1 permissions missing, 0 extra" in out


def test_dropped_audit_trigger_fails(db):
    name = integrity.AUDIT_TRIGGERS[connection.vendor][0]
    with connection.cursor() as cursor:
        suffix = " ON core_auditevent" if connection.vendor == "postgresql" else ""
        cursor.execute(f"DROP TRIGGER {name}{suffix}")
    out, ok = _check("audit_log_append_only")
    assert not ok
    assert f"database trigger {name} missing" in out


@pytest.fixture
def registered():
    before = dict(integrity._REGISTRY)
    yield integrity.integrity_check
    integrity._REGISTRY.clear()
    integrity._REGISTRY.update(before)


def test_app_checks_register_and_report_problems_and_crashes(db, registered):
    @registered("stock_matches_ledger")
    def stock():
        return ["material M-001 at WH1: balance 5, ledger 8"]

    @registered("broken_check")
    def broken():
        raise KeyError("oops")

    out, ok = _check("stock_matches_ledger", "broken_check")
    assert not ok
    assert "FAIL stock_matches_ledger: material M-001 at WH1: balance 5, ledger 8" in out
    assert "FAIL broken_check: check crashed: KeyError" in out

"""Make core_auditevent append-only in the database itself: UPDATE and DELETE are refused by
triggers, so neither a queryset .update()/.delete() nor raw SQL can rewrite history.

Test suites must still empty the table between transactional tests: on PostgreSQL Django's
flush uses TRUNCATE (row triggers do not fire; it needs the table owner anyway); on SQLite the
trigger steps aside only on a connection that ran `PRAGMA recursive_triggers = ON`, which the
root conftest.py does for test connections (never in production code)."""

from django.db import migrations

SQLITE_UP = [
    """
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    WHEN (SELECT recursive_triggers FROM pragma_recursive_triggers) = 0
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    """,
    """
    CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    WHEN (SELECT recursive_triggers FROM pragma_recursive_triggers) = 0
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]

POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();
    """,
    """
    CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse();
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse();",
]


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]

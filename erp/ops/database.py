"""The database half of a backup: a consistent snapshot while users keep working, and its
restore. SQLite goes through the online backup API (never a file copy: a copy taken during a
write can be torn); PostgreSQL through `pg_dump -Fc` inside an exported snapshot, so the row
counts in the manifest describe exactly the dumped data.
"""

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext_lazy as _

from erp.ops.errors import BackupFailed, ToolFailed

SQLITE_DUMP = "database.sqlite3"
PG_DUMP = "database.pgdump"
PG_TIMEOUT = 6 * 3600

# Tables `erp setup` fills from code and roles.toml alone: rows there do not make a database
# "in use", so a freshly set-up instance still counts as empty for `erp restore`.
SETUP_TABLES = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
    "iam_role",
    "core_numberingrule",
    "core_jobrun",
    "django_session",
    "ops_schedulesettings",
}


@dataclass(frozen=True)
class Snapshot:
    vendor: str
    dump_name: str
    path: Path
    row_counts: dict[str, int]
    migrations: list[str]


def database_snapshot(into: Path) -> Snapshot:
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(into)
    if connection.vendor == "postgresql":
        return _pg_snapshot(into)
    raise BackupFailed(f"database {connection.vendor} is not supported by erp backup")


def database_restore(dump: Path, vendor: str) -> None:
    connections.close_all()
    if vendor == "sqlite":
        _sqlite_restore(dump)
    else:
        _pg_restore(dump)
    connections.close_all()


def database_row_counts() -> dict[str, int]:
    """Rows per table in the configured database, read through Django's connection."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def database_in_use() -> list[str]:
    """Tables holding data that setup alone would not have written (empty list: unused)."""
    return [
        table
        for table, count in database_row_counts().items()
        if count and table not in SETUP_TABLES and not table.startswith("axes_")
    ]


def known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_path() -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupFailed(
            _("An in-memory SQLite database cannot be backed up. Point the ERP at a database file.")
        )
    return name


def _sqlite_snapshot(into: Path) -> Snapshot:
    target = into / SQLITE_DUMP
    source = sqlite3.connect(_sqlite_path(), timeout=25)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the whole copy is read inside one read transaction, so it is a
        # consistent point in time; under WAL the writers are not blocked meanwhile.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        counts = _sqlite_counts(copy)
        migrations = _sqlite_migrations(copy)
    finally:
        copy.close()
        source.close()
    return Snapshot("sqlite", SQLITE_DUMP, target, counts, migrations)


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}  # noqa: S608


def _sqlite_migrations(db: sqlite3.Connection) -> list[str]:
    try:
        rows = db.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    except sqlite3.OperationalError:
        return []
    return [f"{app}.{name}" for app, name in rows]


def _sqlite_restore(dump: Path) -> None:
    source = sqlite3.connect(dump)
    target = sqlite3.connect(_sqlite_path(), timeout=25)
    try:
        # The backup API replaces the target's pages under its own lock, so a running server's
        # connections see the restored database instead of a file swapped under them.
        source.backup(target)
    finally:
        target.close()
        source.close()


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_settings() -> dict[str, str]:
    s = connection.settings_dict
    return {
        "dbname": s["NAME"],
        "user": s.get("USER") or "",
        "password": s.get("PASSWORD") or "",
        "host": s.get("HOST") or "",
        "port": str(s.get("PORT") or ""),
    }


def pg_env(params: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("user", "PGUSER"), ("password", "PGPASSWORD"), ("host", "PGHOST")):
        if params[key]:
            env[var] = params[key]
    if params["port"]:
        env["PGPORT"] = params["port"]
    return env


def pg_connect(params: dict[str, str], **kwargs) -> psycopg.Connection:
    return psycopg.connect(**{k: v for k, v in params.items() if v}, **kwargs)


def _pg_snapshot(into: Path) -> Snapshot:
    params = pg_settings()
    target = into / PG_DUMP
    with pg_connect(params) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot_id = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _pg_counts(conn)
        migrations = [
            f"{app}.{name}"
            for app, name in conn.execute(
                "SELECT app, name FROM django_migrations ORDER BY app, name"
            )
        ]
        # pg_dump joins the exported snapshot, which lives as long as this transaction.
        _run(
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                f"--snapshot={snapshot_id}",
                "-f",
                str(target),
                params["dbname"],
            ],
            pg_env(params),
        )
        conn.rollback()
    return Snapshot("postgresql", PG_DUMP, target, counts, migrations)


def _pg_counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {
        t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
        for t in tables
    }


def _pg_restore(dump: Path) -> None:
    params = pg_settings()
    with pg_connect(params, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            params["dbname"],
            str(dump),
        ],
        pg_env(params),
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603  (fixed program, arguments from settings)
        command, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT, check=False
    )
    if result.returncode != 0:
        raise ToolFailed(f"{command[0]} failed: {result.stderr.strip()[-1500:]}")

"""`erp clone-to-test`: production's data into the test instance (training, UAT), by the same
path as a real recovery: a backup of this instance, restored with --force into the other one in
a separate process that runs with the test instance's settings."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError
from erp.ops.database import pg_connect, pg_settings
from erp.ops.errors import ToolFailed, bilingual
from erp.ops.models import BackupRecord
from erp.ops.services.backups import backup_create

CLONE_TIMEOUT = 6 * 3600


@dataclass(frozen=True)
class CloneResult:
    record: BackupRecord
    data_dir: Path
    database: str
    output: str


def clone_to_test(
    *, instance: str = "test", data_dir: Path | None = None, database_url: str = ""
) -> CloneResult:
    if settings.ERP_TEST_INSTANCE or instance in ("default", "production", ""):
        raise BusinessRuleError(
            bilingual(
                _(
                    "Run clone-to-test from the production instance, and name a test instance "
                    "as the target (for example --instance test)."
                )
            ),
            code="clone_wrong_direction",
        )
    target_dir = Path(data_dir or Path(settings.BASE_DIR) / "var" / instance).resolve()
    env = {**os.environ, "ERP_INSTANCE": instance, "ERP_DATA_DIR": str(target_dir)}
    env.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE or "config.settings.dev")
    database = str(target_dir / "erp.sqlite3")
    if connection.vendor == "postgresql":
        database, env["DATABASE_URL"] = _pg_target(instance, database_url)
    else:
        env.pop("DATABASE_URL", None)
        if target_dir == Path(settings.DATA_DIR).resolve():
            raise _same_target()
    record = backup_create(trigger=BackupRecord.Trigger.CLONE)
    result = subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "restore",
            record.path,
            "--force",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=CLONE_TIMEOUT,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise ToolFailed(output[-2000:])
    return CloneResult(record, target_dir, database, output)


def _same_target() -> BusinessRuleError:
    return BusinessRuleError(
        bilingual(_("The test instance would use production's own database. Choose another.")),
        code="clone_same_target",
    )


def _pg_target(instance: str, database_url: str) -> tuple[str, str]:
    """The test database: given, from ERP_TEST_DATABASE_URL, or production's name + suffix on
    the same server (created when missing)."""
    params = pg_settings()
    url = database_url or os.environ.get("ERP_TEST_DATABASE_URL", "")
    if url:
        name = url.rsplit("/", 1)[-1].split("?")[0]
    else:
        name = f"{params['dbname']}_{instance}"
        auth = params["user"] + (f":{params['password']}" if params["password"] else "")
        port = f":{params['port']}" if params["port"] else ""
        url = f"postgres://{auth}@{params['host'] or 'localhost'}{port}/{name}"
        with pg_connect({**params, "dbname": "postgres"}, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    if name == params["dbname"]:
        raise _same_target()
    return name, url

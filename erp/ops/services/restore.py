"""`erp restore`: put an archive back into this instance's database and media directory.

Order matters: the whole archive is checked against its manifest (and the manifest against
this version of the code) before the database is touched, so a damaged or foreign archive is
refused with the target still intact."""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext_lazy as _

from erp.core.services.audit import audit_record
from erp.iam.services.roles import roles_sync
from erp.ops import archive
from erp.ops.database import (
    database_in_use,
    database_restore,
    database_row_counts,
    known_migrations,
)
from erp.ops.errors import ArchiveCorrupt, RestoreIncompatible, TargetNotEmpty, bilingual


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    tables: int
    rows: int
    media_files: int
    migrated: bool


def restore_archive(*, archive_path: Path, force: bool = False) -> RestoreResult:
    """Command-line only (whoever runs it holds the server's files): no actor to check."""
    archive_path = Path(archive_path).resolve()
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.DATA_DIR) as tmp:
        staging = Path(tmp)
        manifest = archive.archive_extract(archive_path, staging)
        _check_compatible(manifest)
        in_use = database_in_use() if connection.introspection.table_names() else []
        if in_use and not force:
            raise TargetNotEmpty(
                bilingual(
                    _(
                        "The target database already holds data (%(tables)s). Restore into a "
                        "new instance, or repeat with --force to replace everything in it."
                    ),
                    tables=", ".join(in_use[:5]),
                ),
                tables=in_use,
            )
        database_restore(staging / manifest["database"]["dump"], manifest["database"]["vendor"])
        _check_counts(archive_path, manifest)
        media_files = _media_restore(staging / "media")
    migrated = _migrate_if_behind()
    with transaction.atomic():
        audit_record(
            actor=None,
            action="restore",
            object_type="ops.archive",
            object_id=archive_path.name,
            object_repr=archive_path.name,
            note=f"restored from {archive_path} taken {manifest['created_at']}",
        )
    counts = manifest["row_counts"]
    return RestoreResult(manifest, len(counts), sum(counts.values()), media_files, migrated)


def _check_compatible(manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise RestoreIncompatible(
            bilingual(
                _(
                    "The backup holds a %(archive)s database but this instance uses %(target)s. "
                    "Restore it into an instance with the same kind of database."
                ),
                archive=vendor,
                target=connection.vendor,
            )
        )
    unknown = sorted(set(manifest["migrations"]) - known_migrations())
    if unknown:
        raise RestoreIncompatible(
            bilingual(
                _(
                    "The backup was made by a newer version of the ERP (%(version)s; unknown "
                    "migrations: %(names)s). Upgrade this installation first, then restore."
                ),
                version=manifest.get("app_version", "?"),
                names=", ".join(unknown[:5]),
            ),
            unknown=unknown,
        )


def _check_counts(archive_path: Path, manifest: dict) -> None:
    actual = database_row_counts()
    wrong = [
        f"{table}: {count} != {actual.get(table)}"
        for table, count in manifest["row_counts"].items()
        if actual.get(table) != count
    ]
    if wrong:
        raise ArchiveCorrupt(
            bilingual(
                _(
                    "The restored database does not match the backup's manifest (%(tables)s). "
                    "Do not use it: restore another backup with --force."
                ),
                tables="; ".join(wrong[:5]),
            ),
            archive=str(archive_path),
        )


def _media_restore(source: Path) -> int:
    if not source.is_dir():
        return 0
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in source.rglob("*"):
        if path.is_file():
            target = media_root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count


def _migrate_if_behind() -> bool:
    """An archive from an older version is brought up to this version's schema."""
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", interactive=False, verbosity=0)
    # New migrations bring new permissions; roles.toml decides who holds them (as `erp setup`).
    roles_sync()
    return True

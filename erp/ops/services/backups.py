"""Taking backups, proving them by a restore drill, and pruning old ones.

A backup never runs inside `transaction.atomic()`: on SQLite an IMMEDIATE transaction would take
the write lock and stop every user for the length of the backup. Only the BackupRecord write is
a transaction of its own.
"""

import datetime as dt
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import tomllib
import uuid
from pathlib import Path

import django
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.services.audit import audit_record
from erp.ops import archive
from erp.ops.database import database_snapshot, pg_connect, pg_settings
from erp.ops.errors import BackupFailed, bilingual
from erp.ops.models import BackupRecord
from erp.ops.services.alerts import alert_send

DRILL_TIMEOUT = 6 * 3600
STALE_PARTIAL = dt.timedelta(hours=12)


def backup_dir() -> Path:
    return Path(getattr(settings, "ERP_BACKUP_DIR", settings.DATA_DIR / "backups"))


def app_version() -> str:
    try:
        return importlib.metadata.version("erp")
    except importlib.metadata.PackageNotFoundError:  # a checkout run without `pip install -e`
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        return tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"]


def backup_create(
    *,
    actor=None,
    trigger: str = BackupRecord.Trigger.COMMAND,
    dest: Path | None = None,
    verify: bool = False,
) -> BackupRecord:
    """Take a hot backup into `dest` (default: the backup directory). `actor` is None for the
    command line and the scheduler (whoever runs those already holds the server's files)."""
    if actor is not None:
        require_perm(actor, "ops.add_backuprecord")
    started = timezone.now()
    dest = Path(dest or backup_dir()).resolve()
    try:
        final = _archive_take(dest, started)
    except Exception as exc:
        record = _record(started, trigger, ok=False, message=f"{type(exc).__name__}: {exc}")
        alert_send(
            _("Backup failed"), _("The backup failed: %(error)s") % {"error": record.message}
        )
        raise BackupFailed(
            bilingual(
                _(
                    "The backup failed (%(error)s). The previous backups are untouched; fix the "
                    "cause and run the backup again."
                ),
                error=record.message,
            ),
            record_id=record.pk,
        ) from exc
    record = _record(
        started,
        trigger,
        ok=True,
        path=str(final),
        size=final.stat().st_size,
        sha256=archive.sha256_file(final),
        message="",
    )
    if actor is not None:
        with transaction.atomic():
            audit_record(actor=actor, action="backup", obj=record, note=final.name)
    if verify:
        record = backup_verify(record_id=record.pk)
    return record


def _record(started: dt.datetime, trigger: str, **fields) -> BackupRecord:
    with transaction.atomic():
        return BackupRecord.objects.create(
            created_at=started,
            finished_at=timezone.now(),
            trigger=trigger,
            vendor=connection.vendor,
            **fields,
        )


def _archive_take(dest: Path, started: dt.datetime) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    final = _free_name(dest, started)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".staging-") as tmp:
        staging = Path(tmp)
        snapshot = database_snapshot(staging)
        members = [archive.Member(snapshot.dump_name, snapshot.path), *_media_staged(staging)]
        manifest = {
            "format": archive.FORMAT,
            "created_at": started.isoformat(),
            "instance": settings.ERP_INSTANCE,
            "app_version": app_version(),
            "django_version": django.get_version(),
            "python_version": platform.python_version(),
            "database": {"vendor": snapshot.vendor, "dump": snapshot.dump_name},
            "migrations": snapshot.migrations,
            "row_counts": snapshot.row_counts,
            "members": archive.manifest_members(members),
        }
        archive.archive_write(final, manifest, members)
    return final


def _free_name(dest: Path, started: dt.datetime) -> Path:
    stamp = timezone.localtime(started).strftime("%Y%m%d-%H%M%S")
    base = f"erp-{settings.ERP_INSTANCE}-{stamp}"
    final, n = dest / f"{base}.tar.gz", 1
    while final.exists():
        n += 1
        final = dest / f"{base}-{n}.tar.gz"
    return final


def _media_staged(staging: Path) -> list[archive.Member]:
    """Copy the uploads first, so the checksums in the manifest match the bytes archived even
    if someone replaces a file meanwhile."""
    members = []
    for member in archive.media_members(Path(settings.MEDIA_ROOT)):
        copy = staging / member.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(member.source, copy)
        members.append(archive.Member(member.name, copy))
    return members


# --- restore drill ---------------------------------------------------------------------------


def backup_verify(*, actor=None, record_id: int) -> BackupRecord:
    """Restore the archive into a scratch database in a separate process and run `erp check`
    there; record the outcome on the backup."""
    if actor is not None:
        require_perm(actor, "ops.verify_backuprecord")
    record = BackupRecord.objects.get(pk=record_id)
    ok, output = drill_run(Path(record.path))
    with transaction.atomic():
        record = BackupRecord.objects.select_for_update().get(pk=record_id)
        record.verified_at = timezone.now()
        record.verify_ok = ok
        record.verify_message = output[-4000:]
        record.save(update_fields=["verified_at", "verify_ok", "verify_message"])
        if actor is not None:
            audit_record(actor=actor, action="verify", obj=record, note=f"ok={ok}")
    if not ok:
        alert_send(
            _("Restore drill failed"),
            _("The restore drill of %(name)s failed:\n%(output)s")
            % {"name": Path(record.path).name, "output": record.verify_message},
        )
    return record


def drill_run(path: Path) -> tuple[bool, str]:
    if not path.is_file():
        return False, f"archive {path} not found"
    with tempfile.TemporaryDirectory(prefix="erp-drill-") as tmp:
        env = {**os.environ, "ERP_DATA_DIR": tmp, "ERP_INSTANCE": "drill"}
        env.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE or "config.settings.dev")
        scratch = None
        if connection.vendor == "postgresql":
            scratch, env["DATABASE_URL"] = _pg_scratch_create()
        else:
            env.pop("DATABASE_URL", None)
        try:
            result = subprocess.run(  # noqa: S603  (our own manage.py, fixed arguments)
                [
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "restore",
                    str(path),
                    "--check",
                ],
                env=env,
                capture_output=True,
                text=True,
                timeout=DRILL_TIMEOUT,
                check=False,
            )
        finally:
            if scratch:
                _pg_scratch_drop(scratch)
    output = (result.stdout + result.stderr).strip()
    return result.returncode == 0, output


def _pg_scratch_create() -> tuple[str, str]:
    params = pg_settings()
    name = f"erp_drill_{uuid.uuid4().hex[:12]}"
    with pg_connect({**params, "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    host = params["host"] or "localhost"
    port = f":{params['port']}" if params["port"] else ""
    return name, f"postgres://{auth}@{host}{port}/{name}"


def _pg_scratch_drop(name: str) -> None:
    with pg_connect({**pg_settings(), "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- retention -------------------------------------------------------------------------------


def retention_keep(
    stamps: list[dt.datetime], *, daily: int, weekly: int, monthly: int
) -> set[dt.datetime]:
    """Which backups to keep: the newest of each of the last `daily` days, `weekly` ISO weeks
    and `monthly` months that have a backup (a pure function, times already local)."""
    keep: set[dt.datetime] = set()
    for count, key in (
        (daily, lambda s: s.date()),
        (weekly, lambda s: s.isocalendar()[:2]),
        (monthly, lambda s: (s.year, s.month)),
    ):
        newest: dict = {}
        for stamp in sorted(stamps, reverse=True):
            newest.setdefault(key(stamp), stamp)
        keep.update(list(newest.values())[:count])
    return keep


def backup_retention_apply(*, daily: int, weekly: int, monthly: int) -> list[BackupRecord]:
    """Delete the archives retention no longer keeps (successful backups only; failed records
    stay as history) and stray partial files of runs that died."""
    records = list(BackupRecord.objects.filter(ok=True, pruned_at__isnull=True))
    by_stamp = {timezone.localtime(r.created_at): r for r in records}
    keep = retention_keep(list(by_stamp), daily=daily, weekly=weekly, monthly=monthly)
    pruned = []
    for stamp, record in by_stamp.items():
        if stamp in keep:
            continue
        Path(record.path).unlink(missing_ok=True)
        record.pruned_at = timezone.now()
        record.save(update_fields=["pruned_at"])
        pruned.append(record)
    _partials_clean(backup_dir())
    return pruned


def _partials_clean(dest: Path) -> None:
    if not dest.is_dir():
        return
    cutoff = timezone.now().timestamp() - STALE_PARTIAL.total_seconds()
    for path in dest.glob(f".*{archive.PARTIAL_SUFFIX}"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


# --- off-site copy ---------------------------------------------------------------------------


def backup_offsite_copy(*, target_dir: Path) -> Path:
    """Copy the newest good backup (a drilled one when there is one) to the off-site directory:
    temporary name, fsync, checksum compared, then renamed."""
    record = (
        BackupRecord.objects.filter(ok=True, pruned_at__isnull=True, verify_ok=True).first()
        or BackupRecord.objects.filter(ok=True, pruned_at__isnull=True).first()
    )
    if record is None or not Path(record.path).is_file():
        raise BackupFailed(
            bilingual(_("There is no backup to copy off-site. Take a backup first."))
        )
    source = Path(record.path)
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / source.name
    partial = target_dir / f".{source.name}{archive.PARTIAL_SUFFIX}"
    try:
        shutil.copyfile(source, partial)
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        if archive.sha256_file(partial) != record.sha256:
            raise BackupFailed(bilingual(_("The off-site copy does not match the backup.")))
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    return final

"""A broken run never replaces the last good archive; restore refuses damaged archives, foreign
versions and databases in use, before touching anything."""

import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from erp.ops import archive
from erp.ops.database import PG_DUMP, SQLITE_DUMP
from erp.ops.errors import ArchiveCorrupt, BackupFailed, RestoreIncompatible, TargetNotEmpty
from erp.ops.models import BackupRecord
from erp.ops.services.backups import backup_create
from erp.ops.services.restore import restore_archive

# The archive member holding the database of the engine the suite runs on.
DUMP = PG_DUMP if connection.vendor == "postgresql" else SQLITE_DUMP


def _archive(tmp_path: Path, name="erp-test.tar.gz", *, migrations=None, payload=None) -> Path:
    """An archive made for this instance's database engine (its dump is random bytes)."""
    db = tmp_path / "src" / DUMP
    db.parent.mkdir(exist_ok=True)
    db.write_bytes(payload or os.urandom(256 * 1024))
    members = [archive.Member(DUMP, db)]
    manifest = {
        "format": archive.FORMAT,
        "created_at": "2026-03-01T02:00:00+08:00",
        "app_version": "0.1.0",
        "database": {"vendor": connection.vendor, "dump": DUMP},
        "migrations": migrations or ["ops.0001_initial"],
        "row_counts": {},
        "members": archive.manifest_members(members),
    }
    final = tmp_path / name
    archive.archive_write(final, manifest, members)
    return final


def _digest(path: Path) -> str:
    return archive.sha256_file(path)


@pytest.mark.django_db(transaction=True)
def test_backup_failing_halfway_keeps_previous_archive_and_alerts(
    backup_dir, mail_admin, monkeypatch
):
    good = backup_create(dest=backup_dir)
    before = _digest(Path(good.path))
    real_add = tarfile.TarFile.add

    def add_then_fail(self, name, arcname=None, **kw):
        real_add(self, name, arcname=arcname, **kw)
        if arcname == DUMP:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(tarfile.TarFile, "add", add_then_fail)
    with pytest.raises(BackupFailed) as caught:
        backup_create(dest=backup_dir)
    assert "No space left on device" in str(caught.value.message)
    assert "备份失败" in str(caught.value.message)  # bilingual for the operator
    assert sorted(p.name for p in backup_dir.iterdir()) == [Path(good.path).name]
    assert _digest(Path(good.path)) == before
    failed = BackupRecord.objects.get(ok=False)
    assert "No space left" in failed.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [mail_admin]


KILLED_WRITER = """
import sys, tarfile, time
from pathlib import Path
from erp.ops import archive
real_add = tarfile.TarFile.add
def slow_add(self, name, arcname=None, **kw):
    real_add(self, name, arcname=arcname, **kw)
    if arcname == "database.sqlite3":
        print("halfway", flush=True)
        time.sleep(60)
tarfile.TarFile.add = slow_add
final, big = Path(sys.argv[1]), Path(sys.argv[2])
members = [archive.Member("database.sqlite3", big), archive.Member("media/x", big)]
archive.archive_write(final, {"format": 1, "members": {}}, members)
"""


def test_backup_killed_halfway_leaves_previous_archive_untouched(tmp_path):
    good = _archive(tmp_path)
    before = _digest(good)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(2 * 1024 * 1024))
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(good), str(big)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert writer.stdout.readline().strip() == "halfway"
    partial = tmp_path / f".{good.name}{archive.PARTIAL_SUFFIX}"
    assert partial.exists() and partial.stat().st_size > 0
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    time.sleep(0.05)
    assert _digest(good) == before  # same name, same bytes: the rename never happened
    assert archive.archive_manifest(good)["app_version"] == "0.1.0"


@pytest.mark.parametrize("damage", ["truncated", "flipped", "tampered", "empty"])
def test_restore_refuses_damaged_archive(tmp_path, damage, db):
    path = _archive(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "tampered":
        manifest = archive.archive_manifest(path)
        other = tmp_path / "other.sqlite3"
        other.write_bytes(b"not the original database")
        staged = tmp_path / "m.json"
        staged.write_text(json.dumps(manifest))
        with tarfile.open(path, "w:gz") as tar:
            tar.add(staged, arcname="manifest.json")
            tar.add(other, arcname=DUMP)
    else:
        path.write_bytes(b"")
    with pytest.raises(ArchiveCorrupt) as caught:
        restore_archive(archive_path=path)
    message = str(caught.value.message)
    assert "damaged or incomplete" in message and "已损坏或不完整" in message
    assert path.name in message


def test_restore_command_reports_corrupt_archive_clearly(tmp_path, db):
    path = _archive(tmp_path)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(CommandError, match="已损坏或不完整"):
        call_command("restore", str(path))


def test_restore_refuses_archive_from_a_newer_version(tmp_path, db):
    path = _archive(tmp_path, migrations=["ops.0001_initial", "ops.0999_from_the_future"])
    with pytest.raises(RestoreIncompatible, match="0999_from_the_future"):
        restore_archive(archive_path=path)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_in_use_without_force(admin_user, backup_dir):
    record = backup_create(dest=backup_dir)
    with pytest.raises(TargetNotEmpty) as caught:
        restore_archive(archive_path=Path(record.path))
    assert "--force" in str(caught.value.message)
    assert "iam_user" in caught.value.details["tables"]
    assert BackupRecord.objects.count() == 1  # nothing was replaced

"""The PostgreSQL path: pg_dump in an exported snapshot, restored by the drill into a scratch
database on the same server, where the integrity checks pass."""

import json
import tarfile

import pytest

from erp.ops.services.backups import backup_create


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_round_trips_through_a_scratch_database(admin_user, backup_dir):
    record = backup_create(dest=backup_dir, verify=True)
    assert record.ok and record.vendor == "postgresql"
    with tarfile.open(record.path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        assert "database.pgdump" in tar.getnames()
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["row_counts"]["iam_user"] == 1
    assert record.verify_ok, record.verify_message
    assert f"{sum(manifest['row_counts'].values())} rows" in record.verify_message
    assert "OK   audit_log_append_only" in record.verify_message

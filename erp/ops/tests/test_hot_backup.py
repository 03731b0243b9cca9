"""A hot backup taken while 4 threads post documents restores (in a separate process, into a
scratch database) to data whose integrity checks pass and whose row counts match."""

import datetime as dt
import json
import tarfile
import threading

import pytest
from django.db import connection

from erp.core.models import NumberingRule
from erp.core.services.transitions import document_transition
from erp.ops.database import PG_DUMP, SQLITE_DUMP
from erp.ops.models import BackupRecord
from erp.ops.services.backups import backup_create
from tests.docapp.models import SAMPLE_DOC_STATES, SampleDoc

WRITERS = 4


def _post_documents(user, stop: threading.Event, posted: list, errors: list) -> None:
    try:
        while not stop.is_set():
            doc = SampleDoc.objects.create(created_by=user, title="热备份", state="draft")
            document_transition(
                actor=user,
                doc=doc,
                machine=SAMPLE_DOC_STATES,
                name="confirm",
                number_doc_type="docapp.sampledoc",
                on_date=dt.date(2026, 3, 1),
            )
            posted.append(doc.pk)
    except Exception as exc:
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_hot_backup_under_four_writers_restores_and_checks_pass(admin_user, backup_dir):
    NumberingRule.objects.create(doc_type="docapp.sampledoc", name="样单", prefix="SD")
    stop, posted, errors = threading.Event(), [], []
    threads = [
        threading.Thread(target=_post_documents, args=(admin_user, stop, posted, errors))
        for _ in range(WRITERS)
    ]
    for t in threads:
        t.start()
    while len(posted) < 20 and not errors:
        threading.Event().wait(0.02)
    try:
        record = backup_create(dest=backup_dir)
    finally:
        during = len(posted)
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors
    assert len(posted) > during >= 20  # writers kept posting around the backup
    assert record.ok and record.trigger == BackupRecord.Trigger.COMMAND

    with tarfile.open(record.path) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert (
        set(names[1:])
        == set(manifest["members"])
        == {
            PG_DUMP if connection.vendor == "postgresql" else SQLITE_DUMP,
            "media/company/logo.png",
        }
    )
    assert manifest["database"]["vendor"] == connection.vendor
    assert "ops.0001_initial" in manifest["migrations"]
    in_backup = manifest["row_counts"]["docapp_sampledoc"]
    assert 20 <= in_backup <= len(posted)

    from erp.ops.services.backups import backup_verify

    record = backup_verify(record_id=record.pk)
    assert record.verify_ok, record.verify_message
    # the restore compared every table's row count with the manifest before the checks ran
    assert f"{sum(manifest['row_counts'].values())} rows" in record.verify_message
    assert "OK   document_numbers_unique" in record.verify_message
    assert "OK   audit_log_append_only" in record.verify_message
    assert "FAIL" not in record.verify_message

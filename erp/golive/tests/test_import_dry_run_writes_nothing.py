"""The material dry run checks every row without writing (issue #22): no INSERT, UPDATE or
DELETE of materials or their audit rows, only the import log and its own audit event; and its
error messages stay what the writing path reports, row by row and column by column."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.core.models import AuditEvent
from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply, import_dry_run
from erp.masterdata.imports import MATERIALS
from erp.masterdata.models import Material

from .test_import_batch import BAD, FIRST, SECOND
from .workbooks import filled

pytestmark = pytest.mark.django_db

WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _writes(ctx) -> list[str]:
    tables = []
    for query in ctx.captured_queries:
        found = WRITE.match(query["sql"])
        if found:
            tables.append(found.group(2).lower())
    return tables


def _dry_run(importer, rows):
    return import_dry_run(
        actor=importer, spec_key=MATERIALS.key, file_name="m.xlsx", content=filled(MATERIALS, rows)
    )


@pytest.mark.parametrize("rows", [FIRST, BAD], ids=["clean", "with-errors"])
def test_dry_run_writes_only_its_log(importer, basics, rows):
    with CaptureQueriesContext(connection) as ctx:
        log = _dry_run(importer, rows)
    assert log.result in (ImportLog.Result.DRY_RUN_OK, ImportLog.Result.DRY_RUN_FAILED)
    assert set(_writes(ctx)) <= {"golive_importlog", "core_auditevent"}, _writes(ctx)
    assert not Material.objects.exists()
    assert not AuditEvent.objects.filter(object_type="masterdata.material").exists()
    # one log row (+ its stored name) and its one audit event
    assert _writes(ctx).count("core_auditevent") == 1


def test_dry_run_of_updates_leaves_records_as_they_were(importer, basics):
    import_apply(actor=importer, log_id=_dry_run(importer, FIRST).pk)
    before = list(Material.objects.order_by("code").values())
    audits = AuditEvent.objects.filter(object_type="masterdata.material").count()
    with CaptureQueriesContext(connection) as ctx:
        log = _dry_run(importer, SECOND)
    assert (log.created_count, log.updated_count, log.unchanged_count) == (1, 2, 1)
    assert "masterdata_material" not in _writes(ctx)
    assert list(Material.objects.order_by("code").values()) == before
    assert AuditEvent.objects.filter(object_type="masterdata.material").count() == audits


def test_dry_run_error_messages_unchanged(importer, basics):
    """The exact Chinese messages of the BAD file, each on its row and column."""
    import_apply(actor=importer, log_id=_dry_run(importer, FIRST).pk)
    log = _dry_run(importer, BAD)
    errors = [(e["row"], e["column"], e["value"], e["message"]) for e in log.report["errors"]]
    assert errors == [
        (
            2,
            "保质期（天）",
            "None",
            "批次管理的原材料需要填写保质期（天），批次有效期据此计算。请填写，或取消“批次管理”。",
        ),
        (3, "基本单位", "XX", "“XX”不存在。请先建立该资料或更正编码。"),
        (
            4,
            "采购单位",
            "桶 桶",
            "桶 无法换算为基本单位 kg。请为本物料添加换算（如“1 桶 = … kg”），或添加通用换算。",
        ),
    ]


def test_report_is_what_asdict_gave():
    """The hand-built report (faster on large files) equals dataclasses.asdict's."""
    from dataclasses import asdict

    from erp.golive.importing.engine import Outcome, RowError, RowResult

    results = [
        RowResult(2, "RM-1", "created", values=[{"column": "名称", "value": "树脂"}]),
        RowResult(3, "RM-2", "updated", ["名称"], [], [{"column": "名称", "old": "a", "new": "b"}]),
        RowResult(4, "RM-3", "unchanged"),
    ]
    errors = [RowError(None, "", "", "文件错误"), RowError(5, "编码", "X", "“X”不存在。")]
    report = Outcome(results, errors).report()
    assert report == {
        "rows": [asdict(r) for r in results if r.action != "unchanged"],
        "errors": [asdict(e) for e in errors],
    }
    report["rows"][0]["values"][0]["value"] = "changed"
    assert results[0].values[0]["value"] == "树脂"  # a copy, as asdict gave

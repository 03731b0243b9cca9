"""The batch write path of the material import (`ImportSpec.apply_batch`) gives exactly what
the per-row path gives: the same records, audit events, counts, preview rows and errors."""

from decimal import Decimal

import pytest
from django.db import transaction

from erp.core.models import AuditEvent
from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply, import_dry_run
from erp.masterdata.imports import MATERIALS
from erp.masterdata.models import Material

from .workbooks import filled

pytestmark = pytest.mark.django_db


def row(code, **over):
    values = {
        "code": code, "name": f"树脂 {code}", "specification": "25kg/桶", "category": "RM",
        "inventory_type": "原材料", "procurement": "外购", "base_unit": "kg",
        "batch_managed": "是", "shelf_life_days": 365, "safety_stock": 0.1 + 0.2,
        "standard_cost": 23.5, "hazard_class": " 3类 ",
    }  # fmt: skip
    values.update(over)
    return [values.get(c.field) for c in MATERIALS.columns]


FIRST = [row("RM-1"), row("RM-2", batch_managed="否", shelf_life_days=None), row("RM-3")]
SECOND = [
    row("RM-1"),  # unchanged
    # updated: three fields
    row(
        "RM-2", name="改名", standard_cost=30, active="否", batch_managed="否", shelf_life_days=None
    ),
    row("RM-3", specification="200kg/桶"),  # updated: one field
    row("RM-4", purchase_unit="kg", reorder_point=12),  # created
]
BAD = [
    row("RM-5", shelf_life_days=None),  # batch-managed raw material needs a shelf life
    row("RM-6", base_unit="XX"),  # unknown unit
    row("RM-7", purchase_unit="桶"),  # 桶 does not convert to kg
    row("RM-8"),
    row("RM-1", name="又改名"),
]


def counts(log: ImportLog) -> tuple:
    return (
        log.result,
        log.rows_total,
        log.created_count,
        log.updated_count,
        log.unchanged_count,
        log.error_count,
    )


def scenario(importer) -> dict:
    """Import FIRST, SECOND, then dry-run BAD; everything observable, then roll it all back."""
    with transaction.atomic():
        start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        logs = []
        for rows in (FIRST, SECOND):
            log = import_dry_run(
                actor=importer,
                spec_key=MATERIALS.key,
                file_name="m.xlsx",
                content=filled(MATERIALS, rows),
            )
            logs.append(log)
            logs.append(import_apply(actor=importer, log_id=log.pk))
        logs.append(
            import_dry_run(
                actor=importer,
                spec_key=MATERIALS.key,
                file_name="m.xlsx",
                content=filled(MATERIALS, BAD),
            )
        )
        codes = dict(Material.objects.values_list("pk", "code"))
        seen = {
            "materials": [
                {k: v for k, v in m.items() if k not in ("id", "created_at", "updated_at")}
                for m in Material.objects.order_by("code").values()
            ],
            "audit": [
                (e.action, e.object_type, codes.get(int(e.object_id)), e.object_repr, e.changes)
                for e in AuditEvent.objects.filter(
                    id__gt=start, object_type="masterdata.material"
                ).order_by("id")
            ],
            "logs": [(*counts(x), x.report) for x in logs],
        }
        transaction.set_rollback(True)
    return seen


def test_batch_and_single_path_give_identical_records_audit_and_reports(
    importer, basics, monkeypatch
):
    assert MATERIALS.apply_batch is not None
    batch = scenario(importer)
    monkeypatch.setattr(MATERIALS, "apply_batch", None)
    single = scenario(importer)

    for part in single:
        assert batch[part] == single[part], part
    assert [m["code"] for m in batch["materials"]] == ["RM-1", "RM-2", "RM-3", "RM-4"]
    rm2 = batch["materials"][1]
    assert (rm2["name"], rm2["standard_cost"], rm2["active"]) == ("改名", Decimal(30), False)
    assert batch["materials"][0]["hazard_class"] == "3类"  # stripped as the service does
    assert [(a[0], a[2]) for a in batch["audit"]] == [
        ("create", "RM-1"), ("create", "RM-2"), ("create", "RM-3"),
        ("update", "RM-2"), ("update", "RM-3"), ("create", "RM-4"),
    ]  # fmt: skip
    assert set(batch["audit"][3][4]) == {"name", "standard_cost", "active"}
    applied = [x[:6] for x in batch["logs"]]
    assert applied[1] == (ImportLog.Result.APPLIED, 3, 3, 0, 0, 0)
    assert applied[3] == (ImportLog.Result.APPLIED, 4, 1, 2, 1, 0)
    bad = batch["logs"][4]
    assert bad[0] == ImportLog.Result.DRY_RUN_FAILED and bad[5] == 3
    errors = {(e["row"], e["column"]) for e in bad[6]["errors"]}
    assert errors == {(2, "保质期（天）"), (3, "基本单位"), (4, "采购单位")}
    actions = [(r["row"], r["action"]) for r in bad[6]["rows"]]
    assert actions == [(2, "error"), (3, "error"), (4, "error"), (5, "created"), (6, "updated")]

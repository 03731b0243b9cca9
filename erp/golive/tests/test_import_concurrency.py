"""Import concurrency (adversarial "Import atomicity"), on SQLite with threads: IMMEDIATE
transactions queue writers, so two applies of one import type run one after the other; a
failing 1,000-row apply writes nothing while another user's master data changes commit.
test_import_concurrency_pg.py runs the same scenarios on PostgreSQL (row locks)."""

import threading

import pytest
from django.db import connection

from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply, import_dry_run
from erp.masterdata.imports import MATERIALS
from erp.masterdata.models import Material, MaterialCategory, Unit
from erp.masterdata.services.categories import category_upsert
from erp.masterdata.services.units import unit_upsert

from .workbooks import filled

pytestmark = pytest.mark.django_db(transaction=True)


def row(code, name="环氧树脂", unit="kg"):
    values = {
        "code": code, "name": name, "category": "RM", "inventory_type": "原材料",
        "procurement": "外购", "base_unit": unit, "batch_managed": "否", "standard_cost": 10,
    }  # fmt: skip
    return [values.get(c.field) for c in MATERIALS.columns]


def checked(actor, rows, name="data.xlsx") -> ImportLog:
    log = import_dry_run(
        actor=actor, spec_key=MATERIALS.key, file_name=name, content=filled(MATERIALS, rows)
    )
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report["errors"][:3]
    return log


def race(*jobs) -> list:
    """Run the jobs in threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # reported to the test as the job's result
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def two_parallel_imports_are_serialised(make_user) -> None:
    first_user, second_user = make_user("imp1", "admin"), make_user("imp2", "admin")
    seed(first_user)
    codes = [f"M{i:04d}" for i in range(1, 301)]
    first = checked(first_user, [row(c, "甲") for c in codes], "a.xlsx")
    second = checked(second_user, [row(c, "乙") for c in codes], "b.xlsx")

    results = race(
        lambda: import_apply(actor=first_user, log_id=first.pk),
        lambda: import_apply(actor=second_user, log_id=second.pk),
    )

    assert all(isinstance(r, ImportLog) for r in results), results
    assert [r.result for r in results] == [ImportLog.Result.APPLIED] * 2
    counts = sorted((r.created_count, r.updated_count) for r in results)
    assert counts == [(0, 300), (300, 0)]  # one created all, the other then updated all
    later = max(results, key=lambda r: r.updated_count)
    names = set(Material.objects.values_list("name", flat=True))
    assert names == {"甲" if later.pk == first.pk else "乙"}  # no mix of the two files
    assert Material.objects.count() == 300


def failing_import_writes_nothing_while_others_work(make_user) -> None:
    importer, clerk = make_user("imp", "admin"), make_user("clerk", "admin")
    seed(importer)
    unit_upsert(actor=importer, data={"code": "L", "name": "升", "kind": "volume"})
    rows = [row(f"M{i:04d}") for i in range(1, 1001)]
    rows[699] = row("M0700", unit="L")
    log = checked(importer, rows)
    # Row 700's unit is renamed after the check: that row fails when the file is applied.
    Unit.objects.filter(code="L").update(code="LTR")

    def other_user_works():
        for i in range(20):
            category_upsert(actor=clerk, data={"code": f"C{i:02d}", "name": f"分类{i}"})
        return "ok"

    applied, other = race(lambda: import_apply(actor=importer, log_id=log.pk), other_user_works)

    assert other == "ok", other
    assert isinstance(applied, ImportLog), applied
    assert applied.result == ImportLog.Result.FAILED
    error = applied.report["errors"][0]
    assert (error["row"], error["column"], error["value"]) == (701, "基本单位", "L")
    assert not Material.objects.exists()  # 999 good rows, none written
    assert MaterialCategory.objects.filter(code__startswith="C").count() == 20
    assert ImportLog.objects.get(pk=log.pk).result == ImportLog.Result.FAILED


def seed(actor) -> None:
    unit_upsert(actor=actor, data={"code": "kg", "name": "千克", "kind": "mass"})
    category_upsert(actor=actor, data={"code": "RM", "name": "原材料"})


def test_two_parallel_imports_of_one_type_are_serialised(make_user):
    two_parallel_imports_are_serialised(make_user)


def test_bad_row_700_of_1000_while_others_work_writes_nothing(make_user):
    failing_import_writes_nothing_while_others_work(make_user)

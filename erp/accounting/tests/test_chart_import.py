"""Chart of accounts import through the go-live engine: create sub-accounts, update existing
ones, re-run unchanged, refusals named per row, dry run writes nothing."""

import pytest

from erp.accounting.imports import CHART
from erp.accounting.models import Account
from erp.core.errors import PermissionDenied
from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply, import_dry_run
from erp.golive.tests.workbooks import filled

pytestmark = pytest.mark.django_db


def row(code, name, parent=None, active=None, customer=None, department=None):
    values = {
        "code": code, "name": name, "parent": parent, "active": active,
        "aux_customer": customer, "aux_department": department,
    }  # fmt: skip
    return [values.get(c.field) for c in CHART.columns]


def run(actor, rows):
    content = filled(CHART, rows)
    log = import_dry_run(actor=actor, spec_key=CHART.key, file_name="科目.xlsx", content=content)
    if log.result != ImportLog.Result.DRY_RUN_OK:
        return log
    return import_apply(actor=actor, log_id=log.pk)


ROWS = [
    row("112201", "国内客户"),
    row("11220101", "华东客户", parent="112201", department="是"),
    row("500104", "燃料动力", active="否"),
    row("1001", "现金"),
    row("1122", "应收账款"),
]


def test_create_update_then_unchanged(books):
    log = run(books, ROWS)
    assert log.result == ImportLog.Result.APPLIED, log.report
    assert (log.created_count, log.updated_count, log.unchanged_count) == (3, 1, 1)
    child = Account.objects.get(code="11220101")
    assert child.parent.code == "112201" and child.level == 3
    assert child.direction == "debit" and child.category == "asset"
    assert child.aux_customer and child.aux_department  # inherited customer, added department
    assert not Account.objects.get(code="112201").is_leaf
    assert Account.objects.get(code="500104").active is False
    assert Account.objects.get(code="1001").name == "现金"
    again = run(books, ROWS)
    assert again.result == ImportLog.Result.APPLIED
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 5)


def test_dry_run_writes_nothing(books):
    count = Account.objects.count()
    log = import_dry_run(
        actor=books, spec_key=CHART.key, file_name="a.xlsx", content=filled(CHART, ROWS)
    )
    assert log.result == ImportLog.Result.DRY_RUN_OK and log.created_count == 3
    assert Account.objects.count() == count


def test_refusals_are_named_and_nothing_is_written(books):
    count = Account.objects.count()
    log = run(
        books,
        [
            row("112201", "国内客户"),
            row("1999", "新一级科目"),  # level 1: not through the import
            row("100299", "错误上级", parent="1001"),  # code does not follow its parent
            row("1403", "原材料", parent="1405"),  # parent of an existing account
        ],
    )
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    messages = {e["value"]: e["message"] for e in log.report["errors"]}
    assert "level-1 accounts come with the standard chart" in messages["1999"]
    assert "parent code 1001 followed by two digits" in messages["100299"]
    assert "its parent cannot be changed" in " ".join(messages.values())
    assert Account.objects.count() == count


def test_needs_account_permissions(books, make_user):
    with pytest.raises(PermissionDenied):
        import_dry_run(
            actor=make_user("cangku", "warehouse"),
            spec_key=CHART.key,
            file_name="a.xlsx",
            content=filled(CHART, ROWS),
        )

"""Supplier price lists through the go-live import engine: a file makes draft lists with
their breaks, the same file again is unchanged, bad breaks are refused by row and nothing is
written, an active list is never changed by a file."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply, import_dry_run
from erp.golive.tests.workbooks import filled
from erp.purchasing.imports import SUPPLIER_PRICES
from erp.purchasing.models import SupplierPrice
from erp.purchasing.services import prices

D = Decimal
pytestmark = pytest.mark.django_db


def row(supplier, material, start, min_quantity, price, valid_to=None, includes_tax="否"):
    values = {
        "supplier": supplier, "material": material, "date": start, "valid_to": valid_to,
        "price_includes_tax": includes_tax, "min_quantity": min_quantity, "price": price,
    }  # fmt: skip
    return [values.get(c.field) for c in SUPPLIER_PRICES.columns]


def run(actor, rows):
    content = filled(SUPPLIER_PRICES, rows)
    log = import_dry_run(
        actor=actor, spec_key=SUPPLIER_PRICES.key, file_name="价格表.xlsx", content=content
    )
    if log.result != ImportLog.Result.DRY_RUN_OK:
        return log
    return import_apply(actor=actor, log_id=log.pk)


@pytest.fixture
def manager(make_user):
    return make_user("jingli", "purchase_manager")


def test_file_makes_drafts_then_unchanged_and_active_lists_stay(plant, manager, today):
    start = str(today)
    rows = [
        row("S001", "RM-RESIN", start, 0, "12.00"),
        row("S001", "RM-RESIN", start, 100, "11.50"),
        row("S001", "RM-PIGMENT", start, 0, "20.00"),
    ]
    log = run(manager, rows)
    assert log.result == ImportLog.Result.APPLIED, log.report
    assert log.created_count == 2
    resin = SupplierPrice.objects.get(material=plant["resin"])
    assert resin.state == "draft" and resin.price_includes_tax is False
    assert [(x.min_quantity, x.price) for x in resin.lines.all()] == [
        (D("0"), D("12.00")),
        (D("100"), D("11.50")),
    ]
    again = run(manager, rows)
    assert again.created_count == 0 and again.updated_count == 0, again.report
    prices.supplier_price_activate(actor=manager, doc_id=resin.pk)
    changed = run(manager, [row("S001", "RM-RESIN", start, 0, "9.99")])
    assert changed.result == ImportLog.Result.DRY_RUN_FAILED
    assert "already active" in str(changed.report["errors"])
    resin.refresh_from_db()
    assert resin.lines.get(line_no=1).price == D("12.00")


def test_breaks_not_increasing_are_refused_by_row(plant, manager, today):
    start = str(today + dt.timedelta(days=1))
    log = run(
        manager,
        [
            row("S001", "RM-RESIN", start, 100, "11.50"),
            row("S001", "RM-RESIN", start, 50, "12.00"),
        ],
    )
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    assert "increasing" in str(log.report["errors"])
    assert not SupplierPrice.objects.exists()

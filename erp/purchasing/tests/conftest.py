"""Purchasing fixtures: a small plant (ORM), the enterprise books, an approved supplier, the
people of procure-to-pay, and helpers that build an approved order and post its receipt."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from erp.masterdata.models import Location, Material, MaterialCategory, Supplier, Unit, Warehouse

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plant(db):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01", type="storage")

    def mat(code, **kw):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type="raw",
            procurement="buy",
            base_unit=kg,
            vat_rate="13",
            **kw,
        )

    supplier = Supplier.objects.create(
        code="S001", name="华东树脂", approval_status=Supplier.Approval.APPROVED
    )
    return {
        "wh": wh,
        "loc": loc,
        "resin": mat("RM-RESIN", batch_managed=True, shelf_life_days=365),
        "pigment": mat("RM-PIGMENT", batch_managed=True, qc_required=True, shelf_life_days=180),
        "supplier": supplier,
        "pending": Supplier.objects.create(code="S002", name="新供应商"),
    }


@pytest.fixture
def books(make_user):
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year

    manager = make_user("caijing", "finance_manager")
    chart_seed(actor=manager, standard="enterprise")
    year = timezone.localdate().year
    for y in (year - 1, year, year + 1):
        periods_create_year(actor=manager, year=y)
    return manager


@pytest.fixture
def purchaser(make_user):
    return make_user("caigou", "purchaser")


@pytest.fixture
def keeper(make_user):
    return make_user("cangguan", "warehouse")


@pytest.fixture
def accountant(make_user):
    return make_user("kuaiji", "accountant")


@pytest.fixture
def order_lines(plant):
    # resin 100 kg × 11.30 incl. 13%: gross 1130.00, VAT 1130 × 0.13 / 1.13 = 130.00, net 1000.00
    # pigment 50 kg × 20.00 excl. 13%: net 1000.00, VAT 130.00, gross 1130.00
    return [
        {
            "material_id": plant["resin"].pk,
            "quantity": D("100"),
            "price": D("11.30"),
            "price_includes_tax": True,
        },
        {
            "material_id": plant["pigment"].pk,
            "quantity": D("50"),
            "price": D("20.00"),
            "price_includes_tax": False,
        },
    ]


@pytest.fixture
def approved_order(plant, purchaser, order_lines, today):
    """An order of 2,260.00 submitted with no approval rule: approved at once."""
    from erp.purchasing.services.orders import purchase_order_create, purchase_order_submit

    order = purchase_order_create(
        actor=purchaser,
        header={"date": today, "supplier_id": plant["supplier"].pk, "warehouse_id": plant["wh"].pk},
        lines=order_lines,
    )
    return purchase_order_submit(actor=purchaser, doc_id=order.pk)


@pytest.fixture
def posted_receipt(books, approved_order, purchaser, keeper, today):
    """The whole order received with supplier lots, posted by the warehouse."""
    from erp.purchasing.services.receipts import (
        goods_receipt_from_order,
        goods_receipt_post,
        goods_receipt_update,
    )

    receipt = goods_receipt_from_order(actor=purchaser, order_id=approved_order.pk)
    lines = [
        {
            "order_line_id": ln.order_line_id,
            "quantity": ln.quantity,
            "supplier_lot": f"SUP-{ln.line_no}",
            "production_date": today - dt.timedelta(days=10),
        }
        for ln in receipt.lines.order_by("line_no")
    ]
    receipt = goods_receipt_update(actor=keeper, doc_id=receipt.pk, header={}, lines=lines)
    return goods_receipt_post(actor=keeper, doc_id=receipt.pk)

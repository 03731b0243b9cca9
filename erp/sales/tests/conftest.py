"""Sales test fixtures: a small plant (finished goods, a warehouse with a quarantine bin), two
customers, the enterprise chart with open periods, and one user per role of the sales chain."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from erp.inventory.services import ReceiptLine, StockSource, stock_receive
from erp.masterdata.models import Customer, Location, Material, MaterialCategory, Unit, Warehouse

TODAY = timezone.localdate()


@pytest.fixture
def users(make_user):
    return {
        "seller": make_user("xiaowang", "sales", full_name="王销售"),
        "sm": make_user("jingli", "sales_manager", full_name="李经理"),
        "keeper": make_user("cangguan", "warehouse", full_name="赵仓管"),
        "qm": make_user("zhiliang", "quality_manager", full_name="钱质量"),
        "acc": make_user("kuaiji", "accountant", full_name="孙会计"),
        "fm": make_user("caijing", "finance_manager", full_name="马财经"),
        "admin": make_user("admin", "admin", full_name="系统管理员"),
    }


@pytest.fixture
def books(users):
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year

    chart_seed(actor=users["fm"], standard="enterprise")
    for year in range(min(2026, TODAY.year), TODAY.year + 2):
        periods_create_year(actor=users["fm"], year=year)
    return users


@pytest.fixture
def plant(db, books):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="FG", name="产成品")
    wh = Warehouse.objects.create(code="FG1", name="成品仓")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01")
    qc = Location.objects.create(
        warehouse=wh, code="QC-01", name="待检区", type=Location.Type.QUARANTINE
    )

    def mat(code, **kw):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type="finished",
            procurement="make",
            base_unit=kg,
            batch_managed=True,
            shelf_life_days=365,
            **kw,
        )

    return {
        "wh": wh,
        "loc": loc,
        "qc": qc,
        "paint": mat("FG-PAINT"),
        "varnish": mat("FG-VARNISH", vat_rate="9"),
        "acme": Customer.objects.create(
            code="C001",
            name="华东涂装有限公司",
            uscc="91310000MA1FL0001X",
            invoice_title="华东涂装有限公司",
        ),
        "tight": Customer.objects.create(
            code="C002", name="信用紧张客户", credit_limit=Decimal("1000.00")
        ),
        **books,
    }


@pytest.fixture
def receive(plant):
    """receive(material, qty, cost, lot, expiry_days=365) -> the released lot."""
    counter = iter(range(1, 10_000))

    def _receive(material, qty, cost, lot, expiry_days=365):
        moves = stock_receive(
            actor=plant["keeper"],
            lines=[
                ReceiptLine(
                    material_id=material.pk,
                    location_id=plant["loc"].pk,
                    quantity=Decimal(qty),
                    unit_cost=Decimal(cost),
                    lot_number=lot,
                    production_date=TODAY - dt.timedelta(days=10),
                    expiry_date=TODAY + dt.timedelta(days=expiry_days),
                )
            ],
            posting_date=TODAY,
            source=StockSource("test.receipt", next(counter)),
        )
        return moves[0].lot

    return _receive


def order_line(material, qty, price, **kw) -> dict:
    return {"material_id": material.pk, "quantity": qty, "unit_price": price, **kw}


@pytest.fixture
def approved_order(plant):
    """approved_order(customer, *lines) -> an order submitted and approved (no rule applies)."""
    from erp.sales.services.orders import sales_order_create, sales_order_submit

    def _make(customer, *lines, includes_tax=True):
        order = sales_order_create(
            actor=plant["seller"],
            header={"customer_id": customer.pk, "date": TODAY, "price_includes_tax": includes_tax},
            lines=list(lines),
        )
        return sales_order_submit(actor=plant["seller"], doc_id=order.pk)

    return _make

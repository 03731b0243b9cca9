"""A small paint plant for MRP: FG-PAINT (made, vessel 400 kg) = 60 % SEMI-BASE + 40 %
RM-SOLVENT; SEMI-BASE (made) = 100 % RM-RESIN; lots of the paint in every status; one open
sales order. Facts are written with the ORM (they are what MRP reads; the documents' own
services are tested in their apps)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from erp.inventory.models import Lot, StockBalance
from erp.masterdata.models import (
    Customer,
    Location,
    Material,
    MaterialCategory,
    Unit,
    Warehouse,
)


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def _lot(material, location, number, qty, status, expiry):
    lot = Lot.objects.create(material=material, number=number, status=status, expiry_date=expiry)
    StockBalance.objects.create(material=material, location=location, lot=lot, on_hand=D(qty))
    return lot


def make_world():
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import User
    from erp.production.models import Formula, FormulaLine
    from erp.sales.models import SalesOrder, SalesOrderLine

    numbering_rules_ensure_defaults()
    maker = User.objects.create_user(username="mrp-maker", password="pw-Secret-123")
    today = timezone.localdate()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="C", name="分类")
    wh = Warehouse.objects.create(code="WH", name="仓库")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01")

    def mat(code, make, **kw):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type="finished" if make else "raw",
            procurement="make" if make else "buy",
            base_unit=kg,
            default_warehouse=wh,
            default_location=loc,
            **kw,
        )

    fg = mat("FG-PAINT", True, lead_time_days=2)
    semi = mat("SEMI-BASE", True, lead_time_days=1)
    resin = mat("RM-RESIN", False, lead_time_days=10)
    solvent = mat("RM-SOLVENT", False, lead_time_days=5)
    from erp.mrp.models import PlanningParameter

    PlanningParameter.objects.create(material=fg, lead_time_days=2, lot_multiple=D(400))
    for product, lines in ((fg, [(semi, 60), (solvent, 40)]), (semi, [(resin, 100)])):
        f = Formula.objects.create(
            product=product,
            number=f"PF-{product.code}",
            state="released",
            date=today - dt.timedelta(days=30),
            batch_size=D(1000),
            created_by=maker,
        )
        for n, (m, pct) in enumerate(lines, 1):
            FormulaLine.objects.create(document=f, line_no=n, material=m, percentage=D(pct))
    far = today + dt.timedelta(days=400)
    _lot(fg, loc, "FG-OK", "100", "released", far)
    _lot(fg, loc, "FG-QA", "500", "quarantine", far)
    _lot(fg, loc, "FG-OLD", "300", "released", today + dt.timedelta(days=5))
    _lot(fg, loc, "FG-REJ", "700", "rejected", far)
    customer = Customer.objects.create(code="CU1", name="客户一")
    so = SalesOrder.objects.create(
        number="SO-TEST-1", state="approved", date=today, customer=customer, created_by=maker
    )
    SalesOrderLine.objects.create(
        document=so,
        line_no=1,
        material=fg,
        quantity=D(600),
        unit_price=D(10),
        vat_rate="13",
        requested_date=today + dt.timedelta(days=20),
    )
    return {
        "today": today,
        "fg": fg,
        "semi": semi,
        "resin": resin,
        "solvent": solvent,
        "so": so,
        "wh": wh,
        "loc": loc,
        "maker": maker,
    }


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def planner(make_user):
    return make_user("jihua", "planner")


@pytest.fixture
def done_run(world, planner):
    from erp.mrp.services.runs import mrp_run_execute, mrp_run_start

    run = mrp_run_start(actor=planner)
    return mrp_run_execute(run_id=run.pk)

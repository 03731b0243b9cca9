"""Printing fixtures: one other receipt (inventory's kit document, the simplest to make) with a
customer-ish note, the admin who edits templates and a warehouse keeper who only prints."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.inventory.services.documents import stock_document_create
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse


@pytest.fixture
def keeper(make_user):
    return make_user("keeper", "warehouse")


@pytest.fixture
def receipt(db, keeper):
    from erp.core.models import Company
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    Company.objects.get_or_create(name="苏州恒达化工有限公司")
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    loc = Location.objects.create(warehouse=wh, code="A-01", name="A-01")
    mat = Material.objects.create(
        code="RM-1",
        name="环氧树脂 {{7*7}} <script>",
        category=cat,
        inventory_type="raw",
        procurement="buy",
        base_unit=kg,
    )
    return stock_document_create(
        actor=keeper,
        kind="otherreceipt",
        header={"date": dt.date(2026, 3, 1), "warehouse_id": wh.pk, "note": "{{7*7}} 来料"},
        lines=[
            {"material_id": mat.pk, "location_id": loc.pk, "quantity": Decimal("800"),
             "unit_cost": Decimal("12.5")}
        ],
    )  # fmt: skip

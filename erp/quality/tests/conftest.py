"""Quality test fixtures: a small plant (made with the ORM, like inventory's tests), an
active inspection plan for the pigment, and the people: warehouse keeper, inspector, quality
manager."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.inventory.services.documents import stock_document_create, stock_document_post
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse
from erp.quality.services.plans import inspection_plan_activate, inspection_plan_create

TODAY = dt.date.today()
PASSWORD = "pw-Secret-123"  # make_user's password: the release signature


@pytest.fixture
def plant(db):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")

    def mat(code, **kw):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type="raw",
            procurement="buy",
            base_unit=kg,
            batch_managed=True,
            shelf_life_days=365,
            **kw,
        )

    return {
        "wh": wh,
        "cat": cat,
        "a": Location.objects.create(warehouse=wh, code="A-01", name="A-01"),
        "pigment": mat("RM-PIGMENT", qc_required=True),
        "resin": mat("RM-RESIN", qc_required=True),
        "solvent": mat("RM-SOLVENT"),
    }


@pytest.fixture
def keeper(make_user):
    return make_user("keeper", "warehouse")


@pytest.fixture
def inspector(make_user):
    return make_user("inspector", "inspector")


@pytest.fixture
def qm(make_user):
    return make_user("qm", "quality_manager")


SOLIDS = {
    "name": "固含量",
    "kind": "numeric",
    "unit": "%",
    "method": "GB/T 1725",
    "lower_limit": "98.0",
    "upper_limit": "100",
    "lot_attribute": "含量",
}
APPEARANCE = {"name": "外观", "kind": "pass_fail", "method": "目测"}


@pytest.fixture
def plan(plant, qm):
    """Active incoming plan of the pigment: 固含量 98–100 % (→ lot attribute 含量), 外观."""
    draft = inspection_plan_create(
        actor=qm,
        header={
            "name": "颜料来料检验",
            "inspection_type": "incoming",
            "material_id": plant["pigment"].pk,
            "sampling": "每批取样 3 桶",
        },
        lines=[SOLIDS, APPEARANCE],
    )
    return inspection_plan_activate(actor=qm, doc_id=draft.pk)


@pytest.fixture
def receive(plant, keeper):
    """receive(material, qty, lot) -> the posted other receipt (其他入库单) into A-01."""

    def _receive(material, qty="100", lot="P-001"):
        doc = stock_document_create(
            actor=keeper,
            kind="otherreceipt",
            header={"date": TODAY, "warehouse_id": plant["wh"].pk, "note": "来料"},
            lines=[
                {
                    "material_id": material.pk,
                    "location_id": plant["a"].pk,
                    "quantity": Decimal(qty),
                    "unit_cost": Decimal("12.5"),
                    "lot_number": lot,
                }
            ],
        )
        return stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk)

    return _receive

"""Production fixtures: a small coatings plant (ORM-made master data), the people of the
flow (planner, warehouse keeper, quality manager, workshop supervisor) and, for the books
tests, the enterprise chart with open periods."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from erp.inventory.services import ReceiptLine, StockSource, lot_attribute_set, stock_receive
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (msgids); the zh-Hans catalogue is tested separately."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def plant(db):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    rm = MaterialCategory.objects.create(code="RM", name="原材料")
    fg = MaterialCategory.objects.create(code="FG", name="产成品")
    raw = Warehouse.objects.create(code="WH1", name="原料仓")
    fin = Warehouse.objects.create(code="WH2", name="成品仓")

    def mat(code, cat=rm, kind="raw", **kw):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type=kind,
            procurement="buy" if kind == "raw" else "make",
            base_unit=kg,
            **{"batch_managed": True, **kw},
        )

    return {
        "raw": raw,
        "fin": fin,
        "a": Location.objects.create(warehouse=raw, code="A-01", name="A-01"),
        "c": Location.objects.create(warehouse=fin, code="C-01", name="C-01"),
        "paint": mat("FG-PAINT", fg, "finished", shelf_life_days=365),
        "resin": mat("RM-RESIN", shelf_life_days=365),
        "pigment": mat("RM-PIGMENT", shelf_life_days=365),
        "pigment_b": mat("RM-PIGMENT-B", shelf_life_days=365),
        "filler": mat("RM-FILLER", shelf_life_days=365),
        "solvent": mat("RM-SOLVENT", batch_managed=False),
    }


@pytest.fixture
def planner(make_user):
    return make_user("jihua", "planner")


@pytest.fixture
def keeper(make_user):
    return make_user("cangku", "warehouse")


@pytest.fixture
def qm(make_user):
    return make_user("zhiliang", "quality_manager")


@pytest.fixture
def supervisor(make_user):
    return make_user("chejian", "workshop_supervisor")


@pytest.fixture
def receive(keeper, plant):
    """receive(material, qty, cost, lot="", expiry_in_days=None, assay=None) -> the lot."""
    counter = iter(range(1, 10_000))

    def _receive(material, qty, cost, lot="", expiry_in_days=None, assay=None):
        today = timezone.localdate()
        expiry = today + dt.timedelta(days=expiry_in_days) if expiry_in_days else None
        moves = stock_receive(
            actor=keeper,
            lines=[
                ReceiptLine(
                    material_id=material.pk,
                    location_id=plant["a"].pk,
                    quantity=Decimal(qty),
                    unit_cost=Decimal(cost),
                    lot_number=lot if material.batch_managed else "",
                    expiry_date=expiry,
                )
            ],
            posting_date=today,
            source=StockSource("test.receipt", next(counter)),
        )
        found = moves[0].lot
        if assay is not None:
            lot_attribute_set(actor=keeper, lot_id=found.pk, name="assay", value=Decimal(assay))
        return found

    return _receive


@pytest.fixture
def books(make_user, plant):
    """The enterprise chart and this year's periods: stock postings carry vouchers. Finished
    goods (category FG) are held on 1405 库存商品 (its stock_receipt rule), raw on 1403."""
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year
    from erp.accounting.services.posting_rules import posting_rule_create

    manager = make_user("caijing", "finance_manager")
    chart_seed(actor=manager, standard="enterprise")
    periods_create_year(actor=manager, year=timezone.localdate().year)
    posting_rule_create(
        actor=manager,
        event="stock_receipt",
        debit_account="1405",
        credit_account="1901",
        category_code="FG",
    )
    return manager


def line(material, pct, **kw) -> dict:
    return {"material_id": material.pk, "percentage": Decimal(pct), **kw}


@pytest.fixture
def coating_formula(plant, planner, qm):
    """Released formula of FG-PAINT, batch 1,000 kg: resin 40 % (potency: assay target 98),
    pigment 20 % (substitute RM-PIGMENT-B × 1.05), filler 10 %, solvent 30 % compensating."""
    from erp.production.services.formulas import formula_create, formula_release

    p = plant
    formula = formula_create(
        actor=planner,
        header={"product_id": p["paint"].pk, "batch_size": Decimal("1000")},
        lines=[
            line(p["resin"], "40", potency_attribute="assay", potency_target=Decimal("98")),
            line(
                p["pigment"],
                "20",
                substitute_id=p["pigment_b"].pk,
                substitute_ratio=Decimal("1.05"),
            ),
            line(p["filler"], "10"),
            line(p["solvent"], "30", compensates=True),
        ],
    )
    return formula_release(actor=qm, doc_id=formula.pk)


@pytest.fixture
def new_order(plant, planner):
    from erp.production.services.orders import production_order_create

    def _new(formula, quantity="2000"):
        return production_order_create(
            actor=planner,
            header={
                "formula_id": formula.pk,
                "quantity": Decimal(quantity),
                "issue_warehouse_id": plant["raw"].pk,
                "output_location_id": plant["c"].pk,
            },
        )

    return _new


@pytest.fixture
def stock(plant, receive):
    p = plant
    return {
        "r1": receive(p["resin"], "500", "20", lot="R1", expiry_in_days=100, assay="100"),
        "r2": receive(p["resin"], "1000", "20", lot="R2", expiry_in_days=300, assay="98"),
        "p1": receive(p["pigment"], "300", "10", lot="P1"),
        "pb1": receive(p["pigment_b"], "500", "12", lot="PB1"),
        "f1": receive(p["filler"], "300", "5", lot="F1", expiry_in_days=200),
        "fq": _quarantined(receive(p["filler"], "500", "5", lot="FQ", expiry_in_days=10)),
        "solvent": receive(p["solvent"], "1000", "8"),
    }


def _quarantined(lot):
    lot.status = "quarantine"  # fixture shortcut: a lot quality has not released
    lot.save(update_fields=["status"])
    return lot

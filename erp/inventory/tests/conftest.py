"""Inventory test fixtures: a small plant made directly with the ORM (master data services are
another app's), a warehouse keeper and a quality manager."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.inventory.integrity import stock_ledger_differences, stock_reserved_differences
from erp.inventory.services import ReceiptLine, StockSource, stock_receive
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

TODAY = dt.date.today()


@pytest.fixture
def plant(db):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    wh2 = Warehouse.objects.create(code="WH2", name="成品仓")

    def loc(w, code, type_=Location.Type.STORAGE):
        return Location.objects.create(warehouse=w, code=code, name=code, type=type_)

    def mat(code, **kw):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type="raw",
            procurement="buy",
            base_unit=kg,
            **kw,
        )

    return {
        "wh": wh,
        "wh2": wh2,
        "a": loc(wh, "A-01"),
        "b": loc(wh, "B-01"),
        "q": loc(wh, "QC-01", Location.Type.QUARANTINE),
        "c": loc(wh2, "C-01"),
        "resin": mat("RM-RESIN", batch_managed=True, shelf_life_days=365),
        "pigment": mat("RM-PIGMENT", batch_managed=True, qc_required=True, shelf_life_days=180),
        "bag": mat("PK-BAG", batch_managed=False),
    }


@pytest.fixture
def keeper(make_user):
    return make_user("keeper", "warehouse")


@pytest.fixture
def qm(make_user):
    return make_user("qm", "quality_manager")


@pytest.fixture
def receive(keeper):
    """receive(material, location, qty, cost, lot="L1", date=today) -> the lot (or None)."""
    counter = iter(range(1, 10_000))

    def _receive(material, location, qty, cost="10", lot="", date=None, **kw):
        moves = stock_receive(
            actor=keeper,
            lines=[
                ReceiptLine(
                    material_id=material.pk,
                    location_id=location.pk,
                    quantity=Decimal(qty),
                    unit_cost=Decimal(cost),
                    lot_number=lot if material.batch_managed else "",
                    **kw,
                )
            ],
            posting_date=date or TODAY,
            source=StockSource("test.receipt", next(counter)),
        )
        return moves[0].lot

    return _receive


@pytest.fixture
def ledger_clean():
    """Call after a scenario: balances and valuations equal the ledger."""

    def _check():
        assert stock_ledger_differences() == []
        assert stock_reserved_differences() == []

    return _check

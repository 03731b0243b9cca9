"""A customer's specification (客户质量标准, owned by quality) is enforced at delivery: 华东涂装
wants 固含量 ≥ 99 % while the house limit is 98–100 %. Lot R-LOW (98.5 %, expires first) is
released by quality but must not go to them — refused when the keeper picks it, skipped by the
FEFO proposal and refused again at posting; R-HIGH (99.4 %) goes."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.inventory.models import StockMove
from erp.masterdata.models import Material
from erp.quality.models import InspectionLot
from erp.quality.services.inspections import (
    inspection_lot_release,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.services.plans import inspection_plan_activate, inspection_plan_create
from erp.sales.models import DeliveryNoteLine, SalesOrderLine
from erp.sales.services import deliveries
from erp.sales.tests.conftest import TODAY, order_line

pytestmark = pytest.mark.django_db
SOLIDS = {"name": "固含量", "kind": "numeric", "unit": "%", "upper_limit": "100"}


@pytest.fixture
def resin(plant, make_user):
    """FG-RESIN needs inspection; house plan 固含量 98–100 %; 华东涂装's spec ≥ 99 %."""
    material = Material.objects.create(
        code="FG-RESIN",
        name="树脂",
        category=plant["paint"].category,
        inventory_type="finished",
        procurement="make",
        base_unit=plant["paint"].base_unit,
        batch_managed=True,
        shelf_life_days=365,
        qc_required=True,
    )
    for name, customer, lower in (
        ("树脂出厂检验", None, "98"),
        ("华东涂装树脂标准", plant["acme"], "99"),
    ):
        draft = inspection_plan_create(
            actor=plant["qm"],
            header={
                "name": name,
                "inspection_type": "incoming",
                "material_id": material.pk,
                "customer_id": customer.pk if customer else None,
            },
            lines=[{**SOLIDS, "lower_limit": lower}],
        )
        inspection_plan_activate(actor=plant["qm"], doc_id=draft.pk)
    return {"material": material, "inspector": make_user("zhijian", "inspector")}


def _released_lot(plant, receive, resin, number: str, solids: str, expiry_days: int):
    """Receive 10 kg into quarantine, measure 固含量 and release it (quality's own services)."""
    lot = receive(resin["material"], "10", "20", number, expiry_days=expiry_days)
    inspection = InspectionLot.objects.get(lot=lot)
    inspection_results_record(
        actor=resin["inspector"], doc_id=inspection.pk, results=[{"line_no": 1, "value": solids}]
    )
    inspection_lot_submit(actor=resin["inspector"], doc_id=inspection.pk)
    inspection_lot_release(actor=plant["qm"], doc_id=inspection.pk, password="pw-Secret-123")
    lot.refresh_from_db()
    assert lot.status == "released"
    return lot


@pytest.fixture
def lots(plant, receive, resin):
    low = _released_lot(plant, receive, resin, "R-LOW", "98.5", expiry_days=100)
    high = _released_lot(plant, receive, resin, "R-HIGH", "99.4", expiry_days=300)
    return {"low": low, "high": high}


def _note(plant, order, lines=None):
    return deliveries.delivery_note_create(
        actor=plant["seller"],
        header={"order_id": order.pk, "warehouse_id": plant["wh"].pk, "date": TODAY},
        lines=lines or [],
    )


def test_picking_a_lot_outside_the_customer_spec_is_refused_naming_value_and_limit(
    plant, resin, lots, approved_order
):
    order = approved_order(plant["acme"], order_line(resin["material"], "5", "50"))
    line = order.lines.get()
    with pytest.raises(ValidationFailed) as err:
        _note(plant, order, [{"order_line_id": line.pk, "quantity": "5", "lot_id": lots["low"].pk}])
    message = str(err.value.message)
    assert "R-LOW" in message and "固含量 98.5" in message and "99" in message
    assert not DeliveryNoteLine.objects.exists()  # nothing written
    # the lot that meets the spec may be picked
    note = _note(
        plant, order, [{"order_line_id": line.pk, "quantity": "5", "lot_id": lots["high"].pk}]
    )
    assert note.lines.get().lot == lots["high"]


def test_fefo_skips_the_lot_outside_the_spec_and_posts_from_the_next(
    plant, resin, lots, approved_order
):
    order = approved_order(plant["acme"], order_line(resin["material"], "6", "50"))
    note = _note(plant, order)
    client = Client()
    client.force_login(plant["keeper"])
    page = client.get(reverse("sales:deliverynote_detail", args=[note.pk])).content.decode()
    assert "R-HIGH × 6" in page and "R-LOW" not in page  # the proposal skips R-LOW
    deliveries.delivery_note_post(actor=plant["keeper"], doc_id=note.pk)
    moves = StockMove.objects.filter(source_type="sales.deliverynote", source_id=str(note.pk))
    assert [(m.lot.number, m.quantity) for m in moves] == [("R-HIGH", Decimal("6"))]


def test_without_a_spec_of_their_own_a_customer_gets_fefo_over_every_released_lot(
    plant, resin, lots, approved_order
):
    order = approved_order(plant["tight"], order_line(resin["material"], "6", "1"))
    note = deliveries.delivery_note_post(actor=plant["keeper"], doc_id=_note(plant, order).pk)
    moves = StockMove.objects.filter(source_type="sales.deliverynote", source_id=str(note.pk))
    assert [(m.lot.number, m.quantity) for m in moves] == [("R-LOW", Decimal("6"))]


def test_not_enough_lots_within_spec_names_the_skipped_lot_and_writes_nothing(
    plant, resin, lots, approved_order
):
    order = approved_order(plant["acme"], order_line(resin["material"], "15", "50"))
    note = _note(plant, order)
    with pytest.raises(BusinessRuleError) as err:
        deliveries.delivery_note_post(actor=plant["keeper"], doc_id=note.pk)
    assert err.value.code == "insufficient_stock"
    message = str(err.value.message)
    assert err.value.details["available"] == Decimal("10")  # R-HIGH only
    assert "R-LOW" in message and "固含量 98.5" in message
    note.refresh_from_db()
    assert note.state == "draft" and not StockMove.objects.filter(move_type="sales_delivery")
    assert SalesOrderLine.objects.get().delivered_qty == 0


def test_posting_checks_the_picked_lot_again(plant, resin, lots, approved_order, make_user):
    """The spec tightens after the keeper picked R-HIGH (≥ 99.5 %): posting refuses it."""
    order = approved_order(plant["acme"], order_line(resin["material"], "5", "50"))
    line = order.lines.get()
    note = _note(
        plant, order, [{"order_line_id": line.pk, "quantity": "5", "lot_id": lots["high"].pk}]
    )
    tighter = inspection_plan_create(
        actor=plant["qm"],
        header={
            "name": "华东涂装树脂标准 B",
            "inspection_type": "incoming",
            "material_id": resin["material"].pk,
            "customer_id": plant["acme"].pk,
            "date": TODAY,
        },
        lines=[{**SOLIDS, "lower_limit": "99.5"}],
    )
    inspection_plan_activate(actor=plant["qm"], doc_id=tighter.pk)
    with pytest.raises(ValidationFailed) as err:
        deliveries.delivery_note_post(actor=plant["keeper"], doc_id=note.pk)
    assert "R-HIGH" in str(err.value.message) and "99.4" in str(err.value.message)
    note.refresh_from_db()
    assert note.state == "draft" and note.number == ""
    assert SalesOrderLine.objects.get().delivered_qty == 0

"""Inspection lots: created by the stock gate for quarantine inflows, results judged against
the plan's limits, the usage decision by someone other than the recorder (signed), and the
lot's status and attributes following it — which is what outflows obey."""

from decimal import Decimal

import pytest

from erp.core.errors import DomainError, PermissionDenied, ValidationFailed
from erp.inventory.models import Lot, LotAttribute
from erp.inventory.services import IssueLine, StockSource, stock_issue
from erp.inventory.services.lots import lot_status_change
from erp.quality.models import InspectionLot
from erp.quality.services.inspections import (
    inspection_lot_conditional,
    inspection_lot_reject,
    inspection_lot_release,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.tests.conftest import PASSWORD, TODAY


def _inspection(material, number="P-001") -> InspectionLot:
    return InspectionLot.objects.get(lot__material=material, lot__number=number)


def _record(actor, inspection, solids="98.5", appearance="pass", comment=""):
    return inspection_results_record(
        actor=actor,
        doc_id=inspection.pk,
        results=[
            {"line_no": 1, "value": solids, "comment": comment},
            {"line_no": 2, "value": appearance},
        ],
    )


def _issue(actor, plant, lot, qty="10"):
    return stock_issue(
        actor=actor,
        lines=[
            IssueLine(
                material_id=lot.material_id,
                location_id=plant["a"].pk,
                quantity=Decimal(qty),
                lot_id=lot.pk,
            )
        ],
        posting_date=TODAY,
        source=StockSource("test.issue", 1, "TEST-1"),
    )


def test_a_quarantine_receipt_creates_its_inspection_lot_with_the_plan(plant, plan, receive):
    doc = receive(plant["pigment"], qty="100")
    inspection = _inspection(plant["pigment"])
    assert inspection.number.startswith("QC") and inspection.state == "open"
    assert inspection.inspection_type == "incoming" and inspection.plan == plan
    assert inspection.quantity == Decimal("100")
    assert (inspection.source_type, inspection.source_number) == (
        "inventory.otherreceipt",
        doc.number,
    )
    assert [r.name for r in inspection.lines.all()] == ["固含量", "外观"]
    assert inspection.lot.status == "quarantine"


def test_no_plan_gives_an_inspection_without_characteristics(plant, plan, receive):
    receive(plant["resin"], lot="R-001")
    inspection = _inspection(plant["resin"], "R-001")
    assert inspection.plan is None and inspection.lines.count() == 0


def test_released_materials_and_repeat_receipts_add_no_inspection(plant, plan, receive):
    receive(plant["solvent"], lot="S-001")  # no QC on receipt: the lot is released at once
    receive(plant["pigment"], qty="100")
    receive(plant["pigment"], qty="20")  # same lot, still waiting: 100 + 20 on one inspection
    assert InspectionLot.objects.count() == 1
    assert _inspection(plant["pigment"]).quantity == Decimal("120")


def test_results_are_judged_against_the_limits(plant, plan, receive, inspector):
    receive(plant["pigment"])
    inspection = _inspection(plant["pigment"])
    with pytest.raises(ValidationFailed) as err:  # 97.0 < 98.0 and no reason given
        _record(inspector, inspection, solids="97.0")
    assert err.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as err:
        _record(inspector, inspection, solids="101")  # % above 100 is physically impossible
    assert err.value.code == "value_impossible"
    _record(inspector, inspection, solids="97.0", comment="复测仍低")
    solids, appearance = inspection.lines.all()
    assert (solids.value, solids.passed, appearance.passed) == (Decimal("97.0"), False, True)


def test_submit_needs_every_result(plant, plan, receive, inspector):
    receive(plant["pigment"])
    inspection = _inspection(plant["pigment"])
    inspection_results_record(
        actor=inspector, doc_id=inspection.pk, results=[{"line_no": 1, "value": "99"}]
    )
    with pytest.raises(ValidationFailed) as err:
        inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    assert err.value.code == "results_missing" and "外观" in str(err.value.message)


@pytest.fixture
def submitted(plant, plan, receive, inspector):
    """The pigment lot P-001 (100 kg) received, results 98.5 % and pass, submitted."""
    receive(plant["pigment"])
    inspection = _inspection(plant["pigment"])
    _record(inspector, inspection)
    return inspection_lot_submit(actor=inspector, doc_id=inspection.pk)


def test_the_warehouse_and_the_inspector_cannot_release(plant, submitted, keeper, inspector):
    lot = submitted.lot
    with pytest.raises(PermissionDenied):
        lot_status_change(actor=keeper, lot_id=lot.pk, status="released", reason="自己放行")
    for actor in (keeper, inspector):
        with pytest.raises(PermissionDenied):
            inspection_lot_release(actor=actor, doc_id=submitted.pk, password=PASSWORD)
    lot.refresh_from_db()
    assert lot.status == "quarantine"
    with pytest.raises(DomainError):  # quarantine stock does not go out
        _issue(keeper, plant, lot)


def test_whoever_recorded_the_results_may_not_decide(plant, plan, receive, qm):
    receive(plant["pigment"])
    inspection = _inspection(plant["pigment"])
    _record(qm, inspection)  # the quality manager measured it himself
    inspection_lot_submit(actor=qm, doc_id=inspection.pk)
    with pytest.raises(PermissionDenied) as err:
        inspection_lot_release(actor=qm, doc_id=inspection.pk, password=PASSWORD)
    assert err.value.code == "separation_of_duties"


def test_a_wrong_password_changes_nothing(submitted, qm):
    with pytest.raises(ValidationFailed) as err:
        inspection_lot_release(actor=qm, doc_id=submitted.pk, password="wrong")
    assert err.value.code == "signature_invalid"
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and submitted.lot.status == "quarantine"


def test_release_makes_the_lot_usable_and_writes_the_assay(plant, submitted, qm, keeper):
    done = inspection_lot_release(actor=qm, doc_id=submitted.pk, password=PASSWORD)
    assert done.state == "released" and done.decided_by == qm
    lot = Lot.objects.get(pk=submitted.lot_id)
    assert lot.status == "released"
    change = lot.status_changes.order_by("-pk").first()
    assert change.actor == qm and done.number in change.reason
    assay = LotAttribute.objects.get(lot=lot, name="含量")
    assert (assay.value_decimal, assay.unit) == (Decimal("98.5"), "%")
    _issue(keeper, plant, lot, qty="10")  # released stock goes out


def test_reject_blocks_the_lot(plant, submitted, qm, keeper):
    with pytest.raises(ValidationFailed) as err:
        inspection_lot_reject(actor=qm, doc_id=submitted.pk)
    assert err.value.code == "reason_required"
    inspection_lot_reject(actor=qm, doc_id=submitted.pk, reason="包装破损")
    lot = Lot.objects.get(pk=submitted.lot_id)
    assert lot.status == "rejected"
    with pytest.raises(DomainError):
        _issue(keeper, plant, lot)


def test_out_of_limits_needs_a_conditional_release(plant, plan, receive, inspector, qm):
    receive(plant["pigment"])
    inspection = _inspection(plant["pigment"])
    _record(inspector, inspection, solids="97.5", comment="略低")
    inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    with pytest.raises(ValidationFailed) as err:
        inspection_lot_release(actor=qm, doc_id=inspection.pk, password=PASSWORD)
    assert err.value.code == "results_out_of_limits"
    done = inspection_lot_conditional(
        actor=qm, doc_id=inspection.pk, password=PASSWORD, reason="让步接收，用于底漆"
    )
    lot = Lot.objects.get(pk=done.lot_id)
    assert done.state == "conditional" and lot.status == "released"
    assert LotAttribute.objects.get(lot=lot, name="含量").value_decimal == Decimal("97.5")


def test_inventory_extensions_quality_relies_on(plant, plan, receive, keeper):
    """lot_attributes_from_inspection is quality's (the warehouse is refused); the stock
    posting's audit names its source as a reader knows it, not by type code."""
    from erp.core.models import AuditEvent
    from erp.inventory.services.lots import lot_attributes_from_inspection

    doc = receive(plant["pigment"])
    lot = Lot.objects.get(number="P-001")
    with pytest.raises(PermissionDenied):
        lot_attributes_from_inspection(
            actor=keeper, lot_id=lot.pk, values=[("含量", Decimal("99"), "%")], note="x"
        )
    event = AuditEvent.objects.filter(object_type="inventory.stockmove").latest("id")
    assert event.object_id == doc.number and "inventory." not in event.object_repr


def test_a_plan_written_after_the_goods_arrived_can_be_applied(plant, receive, qm, inspector):
    from erp.quality.services.inspections import inspection_lot_plan_apply
    from erp.quality.services.plans import inspection_plan_activate, inspection_plan_create
    from erp.quality.tests.conftest import SOLIDS

    receive(plant["pigment"])
    inspection = _inspection(plant["pigment"])
    with pytest.raises(ValidationFailed) as err:
        inspection_lot_plan_apply(actor=inspector, doc_id=inspection.pk)
    assert err.value.code == "no_plan"
    draft = inspection_plan_create(
        actor=qm,
        header={"name": "颜料", "inspection_type": "incoming", "material_id": plant["pigment"].pk},
        lines=[SOLIDS],
    )
    plan = inspection_plan_activate(actor=qm, doc_id=draft.pk)
    applied = inspection_lot_plan_apply(actor=inspector, doc_id=inspection.pk)
    assert applied.plan == plan and [r.name for r in applied.lines.all()] == ["固含量"]

"""让步接收 through the approvals engine: with a rule (demo: 质量经理 + 总经理) the lot waits
for the approvers and is released only when they approve (a partial concession splits off
its rejected part then); refused, the lot is nonconforming. A nonconforming lot may be
conceded too. Without a rule the concession is approved at once."""

from decimal import Decimal

import pytest

from erp.approvals.models import ApprovalRequest
from erp.approvals.services.requests import approval_decide
from erp.approvals.services.rules import StepSpec, approval_rule_save
from erp.core.errors import PermissionDenied
from erp.inventory.models import Lot, StockBalance
from erp.inventory.states import LotStatus
from erp.quality.models import InspectionLot, InspectionLotState
from erp.quality.services.inspections import (
    DOC_TYPE,
    inspection_lot_conditional,
    inspection_lot_reject,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.tests.conftest import PASSWORD

S = InspectionLotState


@pytest.fixture
def approvers(make_user, qm):
    rule_owner = make_user("admin-q", "admin")
    approval_rule_save(
        actor=rule_owner,
        doc_type=DOC_TYPE,
        name="让步接收：质量经理 + 总经理",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[],
        steps=[
            StepSpec("role", "quality_manager", name="质量经理审批"),
            StepSpec("role", "general_manager", name="总经理审批"),
        ],
    )
    return {"qm2": make_user("qm2", "quality_manager"), "gm": make_user("gm", "general_manager")}


@pytest.fixture
def out_of_spec(plant, plan, receive, inspector):
    receive(plant["pigment"], qty="100", lot="P-001")
    inspection = InspectionLot.objects.get(lot__number="P-001")
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[
            {"line_no": 1, "value": "97.5", "comment": "复测 97.6"},
            {"line_no": 2, "value": "pass"},
        ],
    )
    return inspection_lot_submit(actor=inspector, doc_id=inspection.pk)


def _request(inspection) -> ApprovalRequest:
    return ApprovalRequest.objects.get(doc_type=DOC_TYPE, object_id=inspection.pk)


def test_a_concession_waits_for_quality_manager_and_general_manager(out_of_spec, qm, approvers):
    inspection = inspection_lot_conditional(
        actor=qm,
        doc_id=out_of_spec.pk,
        password=PASSWORD,
        reason="客户同意 97.5% 使用",
        rejected_quantity="20",
    )
    assert inspection.state == S.CONCESSION
    lot = Lot.objects.get(number="P-001")
    assert lot.status == LotStatus.QUARANTINE and Lot.objects.count() == 1
    request = _request(inspection)
    with pytest.raises(PermissionDenied):  # who asked does not approve
        approval_decide(actor=qm, request_id=request.pk, action="approve")
    approval_decide(actor=approvers["qm2"], request_id=request.pk, action="approve")
    inspection.refresh_from_db()
    assert inspection.state == S.CONCESSION
    approval_decide(actor=approvers["gm"], request_id=request.pk, action="approve")

    inspection.refresh_from_db()
    lot.refresh_from_db()
    child = Lot.objects.get(number="P-001-1")
    assert inspection.state == S.CONDITIONAL and inspection.rejected_lot == child
    assert (lot.status, child.status) == (LotStatus.RELEASED, LotStatus.REJECTED)
    assert StockBalance.objects.get(lot=child).on_hand == Decimal("20")
    assert lot.attributes.get(name="含量").value_decimal == Decimal("97.5")


def test_a_refused_concession_leaves_the_lot_nonconforming(out_of_spec, qm, approvers):
    inspection = inspection_lot_conditional(
        actor=qm,
        doc_id=out_of_spec.pk,
        password=PASSWORD,
        reason="让步使用",
        rejected_quantity="20",
    )
    approval_decide(
        actor=approvers["qm2"],
        request_id=_request(inspection).pk,
        action="reject",
        comment="含量偏低，不同意",
    )
    inspection.refresh_from_db()
    assert inspection.state == S.REJECTED and inspection.rejected_quantity is None
    assert Lot.objects.get(number="P-001").status == LotStatus.REJECTED
    assert Lot.objects.count() == 1


def test_a_nonconforming_lot_may_be_conceded(out_of_spec, qm, approvers):
    inspection_lot_reject(actor=qm, doc_id=out_of_spec.pk, reason="含量低")
    inspection = inspection_lot_conditional(
        actor=qm, doc_id=out_of_spec.pk, password=PASSWORD, reason="降级用于底漆"
    )
    assert inspection.state == S.CONCESSION
    request = _request(inspection)
    approval_decide(actor=approvers["qm2"], request_id=request.pk, action="approve")
    approval_decide(actor=approvers["gm"], request_id=request.pk, action="approve")
    inspection.refresh_from_db()
    assert inspection.state == S.CONDITIONAL
    assert Lot.objects.get(number="P-001").status == LotStatus.RELEASED


def test_without_a_rule_the_concession_is_approved_at_once(out_of_spec, qm):
    inspection = inspection_lot_conditional(
        actor=qm, doc_id=out_of_spec.pk, password=PASSWORD, reason="让步使用"
    )
    assert inspection.state == S.CONDITIONAL
    assert Lot.objects.get(number="P-001").status == LotStatus.RELEASED

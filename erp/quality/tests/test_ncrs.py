"""Nonconformance reports: raised only from a rejected (or conditionally released) inspection,
numbered on confirming the disposition, closed only when every CAPA action is done."""

import datetime as dt

import pytest

from erp.core.errors import ValidationFailed
from erp.quality.models import InspectionLot
from erp.quality.services.inspections import (
    inspection_lot_reject,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.services.ncrs import ncr_close, ncr_confirm, ncr_create, ncr_update

TODAY = dt.date.today()


@pytest.fixture
def rejected(plant, plan, receive, inspector, qm):
    receive(plant["pigment"])
    inspection = InspectionLot.objects.get()
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[
            {"line_no": 1, "value": "95", "comment": "低于下限"},
            {"line_no": 2, "value": "fail", "comment": "结块"},
        ],
    )
    inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    return inspection_lot_reject(actor=qm, doc_id=inspection.pk, reason="固含量低、结块")


def _header(inspection, **kw):
    return {
        "inspection_lot_id": inspection.pk,
        "description": "固含量 95%，低于 98%",
        "disposition": "return",
        **kw,
    }


def test_an_ncr_needs_a_rejected_inspection(plant, plan, receive, qm):
    receive(plant["pigment"])
    waiting = InspectionLot.objects.get()
    with pytest.raises(ValidationFailed) as err:
        ncr_create(actor=qm, header=_header(waiting), lines=[])
    assert err.value.code == "invalid_inspection_lot"


def test_ncr_with_capa_closes_when_every_action_is_done(rejected, qm, inspector):
    action = {"action": "供应商 8D 整改", "owner_id": inspector.pk, "due_date": TODAY}
    ncr = ncr_create(actor=qm, header=_header(rejected), lines=[action])
    assert ncr.state == "draft" and ncr.number == ""
    ncr = ncr_confirm(actor=qm, doc_id=ncr.pk)
    assert ncr.number.startswith("NC") and ncr.disposition == "return"
    with pytest.raises(ValidationFailed) as err:
        ncr_close(actor=qm, doc_id=ncr.pk)
    assert err.value.code == "actions_open"
    # After the disposition only the follow-up changes: the action is marked done.
    ncr = ncr_update(
        actor=qm,
        doc_id=ncr.pk,
        header={"disposition": "scrap"},
        lines=[{**action, "done": True}],
    )
    assert ncr.disposition == "return"  # frozen once decided
    assert ncr_close(actor=qm, doc_id=ncr.pk).state == "closed"


def test_an_action_needs_owner_and_due_date(rejected, qm):
    with pytest.raises(ValidationFailed) as err:
        ncr_create(actor=qm, header=_header(rejected), lines=[{"action": "整改"}])
    assert err.value.code == "invalid_action"

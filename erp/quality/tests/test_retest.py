"""复检: a stored, released lot is pulled back to quarantine with a new inspection that uses
the incoming plan (no re-inspection plan of its own); nothing is issued meanwhile."""

import pytest
from django.test import Client
from django.urls import reverse

from erp.core.errors import DomainError, PermissionDenied, ValidationFailed
from erp.inventory.models import Lot
from erp.quality.models import InspectionLot
from erp.quality.services.inspections import (
    inspection_lot_release,
    inspection_lot_retest,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.tests.conftest import PASSWORD
from erp.quality.tests.test_inspections import _issue


@pytest.fixture
def released(plant, plan, receive, inspector, qm):
    receive(plant["pigment"], qty="100")
    inspection = InspectionLot.objects.get()
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[{"line_no": 1, "value": "99"}, {"line_no": 2, "value": "pass"}],
    )
    inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    inspection_lot_release(actor=qm, doc_id=inspection.pk, password=PASSWORD)
    return Lot.objects.get(pk=inspection.lot_id)


def test_retest_quarantines_the_lot_with_the_incoming_plan(plant, plan, released, qm, keeper):
    _issue(keeper, plant, released, qty="30")  # 100 − 30 = 70 kg left on hand
    retest = inspection_lot_retest(actor=qm, lot_id=released.pk, reason="复检期已到")
    assert retest.inspection_type == "retest" and retest.plan == plan
    assert retest.quantity == 70 and retest.lines.count() == 2
    assert Lot.objects.get(pk=released.pk).status == "quarantine"
    with pytest.raises(DomainError):
        _issue(keeper, plant, released, qty="1")
    with pytest.raises(ValidationFailed) as err:  # one waiting inspection per lot
        inspection_lot_retest(actor=qm, lot_id=released.pk, reason="再来一次")
    assert err.value.code == "inspection_pending"


def test_retest_needs_a_reason_and_quality(released, qm, keeper):
    with pytest.raises(ValidationFailed):
        inspection_lot_retest(actor=qm, lot_id=released.pk, reason=" ")
    with pytest.raises(PermissionDenied):
        inspection_lot_retest(actor=keeper, lot_id=released.pk, reason="仓库想复检")


def test_retest_page_opens_the_inspection(released, qm):
    client = Client()
    client.force_login(qm)
    assert client.get(reverse("quality:retest")).status_code == 200
    answer = client.post(reverse("quality:retest"), {"lot": released.pk, "reason": "客户投诉"})
    retest = InspectionLot.objects.get(inspection_type="retest")
    assert answer.status_code == 302 and answer.url.endswith(f"/{retest.pk}/")

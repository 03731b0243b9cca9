"""留样 and 复检日期: retain samples with their place and keep-until date, the retest date a
release leaves under a plan with a retest interval, the daily job that opens due
re-inspections (blocking the lot or not, per plan), and the due list page."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.core.errors import ValidationFailed
from erp.inventory.models import Lot
from erp.inventory.states import LotStatus
from erp.quality.models import InspectionLot, InspectionType, LotRetest, RetainSample
from erp.quality.services.inspections import (
    inspection_lot_release,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.services.plans import inspection_plan_activate, inspection_plan_create
from erp.quality.services.retain import (
    retain_sample_create,
    retain_sample_discard,
    retests_due_open,
)
from erp.quality.tests.conftest import APPEARANCE, PASSWORD, SOLIDS, TODAY


def _plan(qm, plant, *, days="30", blocks=True):
    draft = inspection_plan_create(
        actor=qm,
        header={
            "name": "颜料来料检验",
            "inspection_type": "incoming",
            "material_id": plant["pigment"].pk,
            "retest_interval_days": days,
            "retest_blocks_lot": blocks,
        },
        lines=[SOLIDS, APPEARANCE],
    )
    return inspection_plan_activate(actor=qm, doc_id=draft.pk)


def _released(plant, receive, inspector, qm, lot="P-001") -> Lot:
    receive(plant["pigment"], qty="100", lot=lot)
    inspection = InspectionLot.objects.get(lot__number=lot)
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[{"line_no": 1, "value": "99"}, {"line_no": 2, "value": "pass"}],
    )
    inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    inspection_lot_release(actor=qm, doc_id=inspection.pk, password=PASSWORD)
    return Lot.objects.get(number=lot)


def test_a_plan_retest_interval_must_be_whole_days(plant, qm):
    with pytest.raises(ValidationFailed) as err:
        _plan(qm, plant, days="0")
    assert err.value.code == "invalid_retest_interval"


def test_a_release_sets_the_retest_date_and_the_job_opens_it(plant, receive, inspector, qm):
    _plan(qm, plant, days="30")
    lot = _released(plant, receive, inspector, qm)
    retest = LotRetest.objects.get(lot=lot)
    assert retest.retest_on == TODAY + dt.timedelta(days=30)
    assert retest.scheduled_by == qm and retest.blocks
    assert retests_due_open() == (0, 0)  # not yet

    assert retests_due_open(today=retest.retest_on) == (1, 0)
    opened = InspectionLot.objects.get(lot=lot, inspection_type=InspectionType.RETEST)
    assert opened.quantity == Decimal("100") and "复检期已到" in opened.note
    lot.refresh_from_db()
    assert lot.status == LotStatus.QUARANTINE  # the plan blocks the lot meanwhile
    # The next day nothing new: the re-inspection is still waiting.
    assert retests_due_open(today=retest.retest_on + dt.timedelta(days=1)) == (0, 0)


def test_a_retest_that_does_not_block_leaves_the_lot_usable(plant, receive, inspector, qm):
    _plan(qm, plant, days="10", blocks=False)
    lot = _released(plant, receive, inspector, qm)
    assert retests_due_open(today=TODAY + dt.timedelta(days=10)) == (1, 0)
    lot.refresh_from_db()
    assert lot.status == LotStatus.RELEASED
    assert InspectionLot.objects.filter(lot=lot, inspection_type="retest").count() == 1


def test_a_release_without_interval_sets_no_retest(plant, plan, receive, inspector, qm):
    lot = _released(plant, receive, inspector, qm)
    assert not LotRetest.objects.filter(lot=lot).exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"quantity": "0"}, "invalid_quantity"),
        ({"location": " "}, "place_required"),
        ({"keep_until": TODAY - dt.timedelta(days=1)}, "keep_until_past"),
        ({"keep_until": "morgen"}, "invalid_date"),
    ],
)
def test_a_bad_retain_sample_writes_nothing(plant, receive, qm, changes, code):
    receive(plant["pigment"], qty="100", lot="P-001")
    lot = Lot.objects.get(number="P-001")
    values = {"quantity": "0.5", "unit": "kg", "location": "留样柜 A-3", "keep_until": TODAY}
    with pytest.raises(ValidationFailed) as err:
        retain_sample_create(actor=qm, lot_id=lot.pk, **{**values, **changes})
    assert err.value.code == code
    assert not RetainSample.objects.exists()


def test_the_due_page_lists_retests_and_samples_to_discard(plant, receive, inspector, qm, client):
    _plan(qm, plant, days="5")
    lot = _released(plant, receive, inspector, qm)
    sample = retain_sample_create(
        actor=qm,
        lot_id=lot.pk,
        quantity="0.5",
        unit="kg",
        location="留样柜 A-3",
        keep_until=TODAY,
    )
    client.force_login(qm)
    page = client.get("/quality/due/").content.decode()
    assert "P-001" in page and "留样柜 A-3" in page
    assert 'id="retain-discard"' in page and "0.5 kg" in page

    response = client.post("/quality/due/", {"action": "discard", "sample_id": sample.pk})
    assert response.status_code == 302
    sample.refresh_from_db()
    assert sample.discarded_by == qm
    with pytest.raises(ValidationFailed):
        retain_sample_discard(actor=qm, sample_id=sample.pk)

    # A retain sample posted with a date gone by is refused on the form, nothing written.
    response = client.post(
        "/quality/due/",
        {
            "action": "sample",
            "sample-lot": lot.pk,
            "sample-quantity": "1",
            "sample-unit": "kg",
            "sample-location": "留样柜 B-1",
            "sample-keep_until": (TODAY - dt.timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert RetainSample.objects.count() == 1


def test_a_retest_date_set_by_hand(plant, receive, qm, client):
    receive(plant["pigment"], qty="100", lot="P-009")
    lot = Lot.objects.get(number="P-009")
    client.force_login(qm)
    response = client.post(
        "/quality/due/",
        {"action": "retest", "retest-lot": lot.pk, "retest-retest_on": "2030-01-31"},
    )
    assert response.status_code == 302
    retest = LotRetest.objects.get(lot=lot)
    assert retest.retest_on == dt.date(2030, 1, 31) and not retest.blocks

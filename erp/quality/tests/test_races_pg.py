"""Races on PostgreSQL: two receipts into the same quarantine lot open one inspection that
holds every posted kilogram; a release and a reject at the same moment leave one decision
and the lot status of that decision."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from erp.core.errors import DomainError
from erp.inventory.models import Lot, StockMove
from erp.quality.models import InspectionLot
from erp.quality.services.inspections import (
    inspection_lot_reject,
    inspection_lot_release,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.tests.conftest import PASSWORD
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_receipts_into_one_lot_open_one_inspection(plant, plan, receive):
    receive(plant["pigment"], qty="10", lot="P-RACE")  # the lot exists, in quarantine
    run_together(
        lambda: receive(plant["pigment"], qty="30", lot="P-RACE"),
        lambda: receive(plant["pigment"], qty="60", lot="P-RACE"),
    )
    lot = Lot.objects.get(number="P-RACE")
    posted = StockMove.objects.filter(lot=lot).aggregate(q=Sum("quantity"))["q"]
    inspection = InspectionLot.objects.get(lot=lot)  # exactly one
    assert inspection.quantity == posted == Decimal("100")


def test_release_and_reject_at_once_leave_one_decision(plant, plan, receive, inspector, qm):
    receive(plant["pigment"])
    inspection = InspectionLot.objects.get()
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[{"line_no": 1, "value": "99"}, {"line_no": 2, "value": "pass"}],
    )
    inspection_lot_submit(actor=inspector, doc_id=inspection.pk)
    results = run_together(
        lambda: inspection_lot_release(actor=qm, doc_id=inspection.pk, password=PASSWORD),
        lambda: inspection_lot_reject(actor=qm, doc_id=inspection.pk, reason="并发"),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].status == 409
    inspection.refresh_from_db()
    lot = Lot.objects.get(pk=inspection.lot_id)
    expected = {"released": "released", "rejected": "rejected"}[inspection.state]
    assert lot.status == expected
    assert lot.status_changes.exclude(from_status="").count() == 1

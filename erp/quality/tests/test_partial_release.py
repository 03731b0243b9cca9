"""部分放行: the usage decision releases part of a lot and rejects the rest into a child lot
(through inventory's lot split); both lots get their status, the values move at cost, and a
bad quantity writes nothing."""

from decimal import Decimal

import pytest

from erp.core.errors import ValidationFailed
from erp.inventory.models import Lot, LotSplit, StockBalance
from erp.inventory.states import LotStatus
from erp.quality.models import InspectionLot, InspectionLotState
from erp.quality.services.inspections import (
    inspection_lot_conditional,
    inspection_lot_decide,
    inspection_lot_release,
    inspection_lot_submit,
    inspection_results_record,
)
from erp.quality.tests.conftest import PASSWORD

D = Decimal


@pytest.fixture
def submitted(plant, plan, receive, inspector):
    receive(plant["pigment"], qty="100", lot="P-001")
    inspection = InspectionLot.objects.get(lot__number="P-001")
    inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[{"line_no": 1, "value": "99"}, {"line_no": 2, "value": "pass"}],
    )
    return inspection_lot_submit(actor=inspector, doc_id=inspection.pk)


def _on_hand(lot) -> tuple[Decimal, Decimal]:
    b = StockBalance.objects.get(lot=lot)
    return b.on_hand, b.value


def test_a_partial_release_rejects_the_rest_into_a_child_lot(plant, submitted, qm):
    inspection = inspection_lot_release(
        actor=qm,
        doc_id=submitted.pk,
        password=PASSWORD,
        reason="3 桶外包装破损",
        rejected_quantity="30",
    )
    assert inspection.state == InspectionLotState.RELEASED
    parent = Lot.objects.get(number="P-001")
    child = Lot.objects.get(number="P-001-1")
    assert (parent.status, child.status) == (LotStatus.RELEASED, LotStatus.REJECTED)
    # 100 kg at 12.50: 70 kg (875.00) stay, 30 kg (375.00) go to the child.
    assert _on_hand(parent) == (D("70"), D("875.00"))
    assert _on_hand(child) == (D("30"), D("375.00"))
    assert (inspection.rejected_quantity, inspection.rejected_lot) == (D("30"), child)
    split = LotSplit.objects.get()
    assert (split.parent, split.child, split.source_number) == (parent, child, inspection.number)
    # The child carries the assay measured on the parent.
    assert child.attributes.get(name="含量").value_decimal == D("99")
    # The child's inflow opens no inspection of its own.
    assert not InspectionLot.objects.filter(lot=child).exists()


def test_a_partial_release_needs_a_reason(submitted, qm):
    with pytest.raises(ValidationFailed) as err:
        inspection_lot_release(
            actor=qm, doc_id=submitted.pk, password=PASSWORD, rejected_quantity="30"
        )
    assert err.value.code == "reason_required"


@pytest.mark.parametrize("quantity", ["100", "150"])
def test_a_split_quantity_not_less_than_the_lot_writes_nothing(submitted, qm, quantity):
    with pytest.raises(ValidationFailed) as err:
        inspection_lot_conditional(
            actor=qm,
            doc_id=submitted.pk,
            password=PASSWORD,
            reason="部分不合格",
            rejected_quantity=quantity,
        )
    assert err.value.code == "split_quantity_too_large"
    assert "100" in str(err.value.message)
    submitted.refresh_from_db()
    assert submitted.state == InspectionLotState.SUBMITTED and submitted.rejected_quantity is None
    assert Lot.objects.get(number="P-001").status == LotStatus.QUARANTINE
    assert not LotSplit.objects.exists() and Lot.objects.count() == 1


def test_a_rejection_takes_no_rejected_quantity(submitted, qm):
    with pytest.raises(ValidationFailed) as err:
        inspection_lot_decide(
            actor=qm, doc_id=submitted.pk, decision="reject", reason="x", rejected_quantity="5"
        )
    assert err.value.code == "invalid_rejected_quantity"

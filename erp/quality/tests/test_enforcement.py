"""Issue #17 point 12: every outflow that exists today obeys quality's decision. A lot in each
non-released status is refused by the issue paths (other issue document, the stock issue
service production and sales will call); a blocked lot does not even move to scrap."""

import pytest

from erp.core.errors import DomainError
from erp.inventory.models import Lot
from erp.inventory.services.documents import stock_document_create, stock_document_post
from erp.inventory.services.lots import lot_status_change
from erp.quality.tests.conftest import TODAY
from erp.quality.tests.test_inspections import _issue

STATUSES = ["quarantine", "rejected", "blocked"]


@pytest.fixture
def lot_in(plant, receive, qm):
    def _lot(status: str) -> Lot:
        receive(plant["pigment"], lot=f"E-{status}")
        lot = Lot.objects.get(number=f"E-{status}")
        if status != lot.status:
            lot_status_change(actor=qm, lot_id=lot.pk, status=status, reason="测试")
        return lot

    return _lot


@pytest.mark.parametrize("status", STATUSES)
def test_stock_issue_refuses_a_lot_not_released(plant, lot_in, keeper, status):
    with pytest.raises(DomainError):
        _issue(keeper, plant, lot_in(status))


@pytest.mark.parametrize("status", STATUSES)
def test_other_issue_document_refuses_a_lot_not_released(plant, lot_in, keeper, status):
    lot = lot_in(status)
    doc = stock_document_create(
        actor=keeper,
        kind="otherissue",
        header={"date": TODAY, "warehouse_id": plant["wh"].pk, "reason": "other"},
        lines=[
            {
                "material_id": lot.material_id,
                "location_id": plant["a"].pk,
                "quantity": "5",
                "lot_id": lot.pk,
            }
        ],
    )
    with pytest.raises(DomainError):
        stock_document_post(actor=keeper, kind="otherissue", doc_id=doc.pk)
    assert Lot.objects.get(pk=lot.pk).status == status


def test_the_same_document_posts_once_quality_released_the_lot(plant, lot_in, keeper):
    """The control: the refusals above are the lot status, not a malformed document."""
    lot = lot_in("released")
    doc = stock_document_create(
        actor=keeper,
        kind="otherissue",
        header={"date": TODAY, "warehouse_id": plant["wh"].pk, "reason": "other"},
        lines=[
            {
                "material_id": lot.material_id,
                "location_id": plant["a"].pk,
                "quantity": "5",
                "lot_id": lot.pk,
            }
        ],
    )
    assert stock_document_post(actor=keeper, kind="otherissue", doc_id=doc.pk).state == "posted"

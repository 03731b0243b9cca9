"""The quality demo: a partial release with its child lot, a retain sample, a sampled plan
(GB/T 2828.1) and the concession approval rule; the ledger stays clean."""

import pytest

from erp.approvals.models import ApprovalRule
from erp.core.demo import demo_load
from erp.inventory.integrity import stock_ledger_differences
from erp.inventory.models import Lot, LotSplit
from erp.inventory.states import LotStatus
from erp.quality.models import InspectionLot, LotRetest, RetainSample


@pytest.mark.django_db
def test_the_demo_shows_a_partial_release_and_a_retain_sample():
    demo_load()
    split = LotSplit.objects.get(parent__number="RM1001-2611E")
    assert split.child.status == LotStatus.REJECTED and split.parent.status == LotStatus.RELEASED
    sample = RetainSample.objects.get(lot__number="RM1001-2611C")
    assert sample.location == "留样柜 A-3"
    sampled = InspectionLot.objects.get(lot__number="RM1001-2611C")
    assert sampled.sample_size and sampled.acceptance_number is not None
    assert LotRetest.objects.filter(lot__number="RM1001-2611C").exists()
    assert ApprovalRule.objects.filter(doc_type="quality.inspectionlot").exists()
    assert Lot.objects.filter(number="RM1001-2611E-1").exists()
    assert stock_ledger_differences() == []

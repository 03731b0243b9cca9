"""The inventory demo: lots in every status, near-expiry and expired lots, posted counts,
ledger clean; loading twice changes nothing."""

import pytest

from erp.core.demo import demo_load
from erp.inventory import selectors_reports as sel
from erp.inventory.demo import DEMO_SOURCE, load_demo
from erp.inventory.integrity import stock_ledger_differences
from erp.inventory.models import Lot, StockCount, StockMove
from erp.inventory.states import LotStatus, StockCountState


@pytest.mark.django_db
def test_demo_stock_has_every_lot_status_and_counts(admin_user):
    demo_load()
    assert StockMove.objects.filter(source_type=DEMO_SOURCE).exists()
    statuses = set(sel.lots_with_stock().values_list("status", flat=True))
    assert statuses == set(LotStatus.values)
    expiring = set(sel.lots_expiring(within_days=30).values_list("number", flat=True))
    assert {"RM1008-2606A", "RM1010-2606A", "RM1011-2604A"} <= expiring
    assert sel.days_to_expiry(Lot.objects.get(number="RM1011-2604A")) < 0
    assert Lot.objects.get(number="RM1001-2609A").attributes.filter(name="环氧值").exists()
    posted = StockCount.objects.filter(state=StockCountState.POSTED)
    assert posted.count() == 2
    assert all(c.accuracy_percent is not None and c.accuracy_percent < 100 for c in posted)
    assert len(sel.accuracy_by_month()) >= 1
    assert stock_ledger_differences() == []

    moves = StockMove.objects.count()
    assert load_demo(actor=admin_user) == {"lots": 0, "moves": 0}
    assert StockMove.objects.count() == moves

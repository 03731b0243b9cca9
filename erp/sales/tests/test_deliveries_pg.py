"""Two deliveries racing for the last released stock, with real threads against PostgreSQL row
locks (select_for_update is a no-op on SQLite): one posts, the other gets the clear
insufficient-stock error and writes nothing; stock never goes negative."""

import threading
from decimal import Decimal

import pytest

from erp.core.errors import BusinessRuleError
from erp.inventory.integrity import stock_ledger_differences
from erp.inventory.models import StockBalance, StockMove
from erp.inventory.tests.test_concurrency_pg import run_parallel
from erp.sales.models import DeliveryNote, SalesOrderLine
from erp.sales.services import deliveries
from erp.sales.tests.conftest import TODAY, order_line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def picks_meet(monkeypatch):
    """Both threads' FEFO picks wait for each other (at most 2 s): without the valuation lock
    both would pick the same lot; with it the second picks only after the first committed."""
    barrier = threading.Barrier(2)
    real = deliveries.delivery_lot_picks

    def pick_then_wait(**kw):
        picks = real(**kw)
        try:
            barrier.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass
        return picks

    monkeypatch.setattr(deliveries, "delivery_lot_picks", pick_then_wait)


def test_two_deliveries_of_the_last_lot_one_posts_one_is_refused(
    plant, receive, approved_order, picks_meet
):
    receive(plant["paint"], "10", "10", "L-LAST")
    notes = []
    for _ in range(2):
        order = approved_order(plant["acme"], order_line(plant["paint"], "8", "20"))
        notes.append(
            deliveries.delivery_note_create(
                actor=plant["seller"],
                header={"order_id": order.pk, "warehouse_id": plant["wh"].pk, "date": TODAY},
                lines=[],
            )
        )
    results = run_parallel(
        2, lambda i: deliveries.delivery_note_post(actor=plant["keeper"], doc_id=notes[i].pk)
    )
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and isinstance(failed[0], BusinessRuleError), results
    assert failed[0].code == "insufficient_stock"
    states = sorted(DeliveryNote.objects.values_list("state", flat=True))
    assert states == ["draft", "posted"]
    # the refused delivery wrote nothing: one order line delivered, the other untouched
    delivered = sorted(SalesOrderLine.objects.values_list("delivered_qty", flat=True))
    assert delivered == [Decimal("0"), Decimal("8")]
    assert StockMove.objects.filter(move_type="sales_delivery").count() == 1
    balance = StockBalance.objects.get(material=plant["paint"], lot__number="L-LAST")
    assert balance.on_hand == Decimal("2")
    assert stock_ledger_differences() == []

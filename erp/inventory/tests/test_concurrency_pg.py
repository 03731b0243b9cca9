"""Real threads against PostgreSQL row locks (select_for_update is a no-op on SQLite)."""

from decimal import Decimal as D

import pytest

from erp.core.errors import BusinessRuleError
from erp.inventory.models import StockBalance, StockMove
from erp.inventory.services import (
    IssueLine,
    ReceiptLine,
    StockSource,
    TransferLine,
    stock_issue,
    stock_receive,
    stock_transfer,
)
from tests.threads import run_parallel

from .conftest import TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_issues_of_one_from_a_lot_of_ten(plant, receive, keeper, ledger_clean):
    lot = receive(plant["resin"], plant["a"], "10", lot="R-CONC")
    results = run_parallel(
        20,
        lambda i: stock_issue(
            actor=keeper,
            lines=[IssueLine(plant["resin"].pk, plant["a"].pk, D(1), lot.pk)],
            posting_date=TODAY,
            source=StockSource("test.dn", i),
        ),
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 10
    assert all(
        isinstance(f, BusinessRuleError) and f.code == "insufficient_stock" for f in failures
    )
    assert StockBalance.objects.get(lot=lot).on_hand == 0
    ledger_clean()


def test_two_issues_of_eight_one_fails_writing_nothing(plant, receive, keeper, ledger_clean):
    lot = receive(plant["resin"], plant["a"], "10", lot="R-OV")
    results = run_parallel(
        2,
        lambda i: stock_issue(
            actor=keeper,
            lines=[IssueLine(plant["resin"].pk, plant["a"].pk, D(8), lot.pk)],
            posting_date=TODAY,
            source=StockSource("test.dn", i),
        ),
    )
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and "R-OV" in str(failed[0].message)
    assert failed[0].details["available"] == D(2)
    assert StockMove.objects.filter(move_type="issue").count() == 1
    ledger_clean()


def test_fifty_concurrent_receipts(plant, keeper, ledger_clean):
    results = run_parallel(
        50,
        lambda i: stock_receive(
            actor=keeper,
            lines=[ReceiptLine(plant["bag"].pk, plant["a"].pk, D(1), D("2.5"))],
            posting_date=TODAY,
            source=StockSource("test.gr", i),
        ),
    )
    assert not [r for r in results if isinstance(r, Exception)]
    assert StockBalance.objects.get(material=plant["bag"]).on_hand == 50
    ledger_clean()


def test_opposite_order_transfers_both_complete(plant, receive, keeper, ledger_clean):
    bag, a, b = plant["bag"], plant["a"], plant["b"]
    lot = receive(plant["resin"], a, "100", lot="X")
    receive(bag, b, "100")

    def transfer(i: int):
        lines = [
            TransferLine(plant["resin"].pk, a.pk, b.pk, D(1), lot.pk),
            TransferLine(bag.pk, b.pk, a.pk, D(1)),
        ]
        return stock_transfer(
            actor=keeper,
            lines=lines if i % 2 else lines[::-1],
            posting_date=TODAY,
            source=StockSource("test.tr", i),
        )

    results = run_parallel(10, transfer)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert StockBalance.objects.get(material=bag, location=a).on_hand == 10
    ledger_clean()

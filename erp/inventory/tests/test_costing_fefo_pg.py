"""FEFO picks under the lock (issue #10.7), with real threads against PostgreSQL row locks
(select_for_update is a no-op on SQLite)."""

import datetime as dt
import threading
from decimal import Decimal as D

import pytest

from erp.core.errors import BusinessRuleError
from erp.inventory.models import StockBalance, StockMove
from erp.inventory.services import IssueLine, StockSource, stock_issue
from erp.inventory.services import stock as stock_services

from .conftest import TODAY
from .test_concurrency_pg import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def picks_meet(monkeypatch):
    """Both threads' FEFO picks wait for each other (at most 2 s) before posting: without the
    lock both pick the same lot; with it the second cannot pick until the first commits, so
    the wait times out and the first goes on alone."""
    barrier = threading.Barrier(2)
    real = stock_services.lots_pick_fefo

    def pick_then_wait(**kw):
        picks = real(**kw)
        try:
            barrier.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass
        return picks

    monkeypatch.setattr(stock_services, "lots_pick_fefo", pick_then_wait)


def _fefo_issue(keeper, plant, qty):
    def issue(i: int):
        return stock_issue(
            actor=keeper,
            lines=[IssueLine(plant["resin"].pk, plant["a"].pk, D(qty))],
            posting_date=TODAY,
            source=StockSource("test.fefo", i),
        )

    return issue


def test_two_fefo_issues_of_the_first_lot_take_the_next_lot(
    plant, receive, keeper, ledger_clean, picks_meet
):
    """Lot EARLY 10 kg (expires first) and LATE 10 kg. Two issues of 10 kg FEFO at once: the
    second picks after the first committed, so it takes LATE; before, both picked EARLY and
    the second failed although LATE had stock."""
    early = receive(
        plant["resin"], plant["a"], "10", lot="EARLY", expiry_date=TODAY + dt.timedelta(30)
    )
    late = receive(
        plant["resin"], plant["a"], "10", lot="LATE", expiry_date=TODAY + dt.timedelta(90)
    )
    results = run_parallel(2, _fefo_issue(keeper, plant, "10"))
    assert not [r for r in results if isinstance(r, Exception)], results
    picked = sorted(m.lot_id for r in results for m in r)
    assert picked == sorted([early.pk, late.pk])
    assert StockBalance.objects.filter(material=plant["resin"], on_hand__gt=0).count() == 0
    ledger_clean()


def test_two_fefo_issues_of_the_last_lot_one_fails(
    plant, receive, keeper, ledger_clean, picks_meet
):
    """One lot of 10 kg; two FEFO issues of 8 kg at once: one posts, the other is refused for
    lack of stock (2 kg left) — never 16 kg out of 10."""
    receive(plant["resin"], plant["a"], "10", lot="ONLY")
    results = run_parallel(2, _fefo_issue(keeper, plant, "8"))
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1 and isinstance(failed[0], BusinessRuleError), results
    assert StockMove.objects.filter(move_type="issue").count() == 1
    assert StockBalance.objects.get(material=plant["resin"]).on_hand == D(2)
    ledger_clean()

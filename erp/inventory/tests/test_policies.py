"""Backdating, counts, reversals and reservations: the adversarial stock cases that apply to
services (../shared/docs/adversarial-tests.md, "Stock")."""

import datetime as dt
from decimal import Decimal as D

import pytest

from erp.core.errors import BusinessRuleError, Conflict
from erp.inventory.models import Reservation, StockBalance, StockMove
from erp.inventory.selectors import available_qty, on_hand_by_material
from erp.inventory.services import (
    CountLine,
    IssueLine,
    ReserveLine,
    StockSource,
    stock_count_adjust,
    stock_issue,
    stock_release_reservation,
    stock_reserve,
    stock_reverse,
)

from .conftest import TODAY

DAY = dt.timedelta(days=1)


ISSUE_1 = StockSource("test.issue", 1)


def issue(actor, m, loc, qty, date=TODAY, source=ISSUE_1, lot=None):
    return stock_issue(
        actor=actor, lines=[IssueLine(m.pk, loc.pk, D(qty), lot)], posting_date=date, source=source
    )


def test_backdated_outflow_that_makes_a_later_point_negative_is_refused(
    plant, receive, keeper, ledger_clean
):
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "10", date=TODAY - 5 * DAY)
    issue(keeper, bag, a, "8", date=TODAY - 3 * DAY)
    receive(bag, a, "10", date=TODAY)
    # 12 on hand today, but on day -4 only 10 existed and day -3 needed 8 of them.
    with pytest.raises(BusinessRuleError) as exc:
        issue(keeper, bag, a, "5", date=TODAY - 4 * DAY, source=StockSource("test.issue", 2))
    assert exc.value.code == "backdated_negative"
    assert exc.value.details["first_negative_source_id"] == "1"
    issue(keeper, bag, a, "2", date=TODAY - 4 * DAY, source=StockSource("test.issue", 3))  # fits
    assert on_hand_by_material(location=a, on_date=TODAY - 3 * DAY) == {}
    assert on_hand_by_material(location=a, on_date=TODAY - 4 * DAY) == {bag.pk: D(8)}
    ledger_clean()


def test_backdated_inflow_is_accepted_and_valued_in_posting_order(
    plant, receive, keeper, ledger_clean
):
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "10", "1", date=TODAY)
    issue(keeper, bag, a, "5")  # costed at 1.00: frozen once posted
    receive(bag, a, "5", "3", date=TODAY - 2 * DAY)  # backdated inflow
    first_issue = StockMove.objects.get(move_type="issue")
    assert first_issue.value == D("5.00")
    assert on_hand_by_material(location=a, on_date=TODAY - DAY) == {bag.pk: D(5)}
    assert on_hand_by_material(location=a) == {bag.pk: D(10)}
    ledger_clean()


def test_backdated_vs_current_running_balance_follows_posting_date(plant, receive, keeper):
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "4", date=TODAY)
    receive(bag, a, "6", date=TODAY - DAY)  # the "09:00" receipt committed after the "10:00" one
    issue(keeper, bag, a, "10")
    assert on_hand_by_material(location=a, on_date=TODAY - DAY) == {bag.pk: D(6)}
    assert StockBalance.objects.get(material=bag).on_hand == 0


def test_backdating_before_a_count_is_refused(plant, receive, keeper, ledger_clean):
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "3", date=TODAY - 10 * DAY)
    stock_count_adjust(
        actor=keeper,
        lines=[CountLine(bag.pk, a.pk, D(5))],
        posting_date=TODAY - 5 * DAY,
        source=StockSource("test.count", 1),
    )
    assert StockBalance.objects.get(material=bag).on_hand == 5
    with pytest.raises(BusinessRuleError) as exc:
        receive(bag, a, "3", date=TODAY - 7 * DAY)
    assert exc.value.code == "backdated_before_count"
    assert on_hand_by_material(location=a, on_date=TODAY - 5 * DAY) == {bag.pk: D(5)}  # never 8
    receive(bag, a, "3", date=TODAY - 5 * DAY)  # on the count's day itself: after the count
    ledger_clean()


def test_count_adjust_down_and_no_difference(plant, receive, keeper, ledger_clean):
    lot = receive(plant["resin"], plant["a"], "10", lot="R-C")
    src = StockSource("test.count", 2)
    moves = stock_count_adjust(
        actor=keeper,
        lines=[CountLine(plant["resin"].pk, plant["a"].pk, D("9.5"), lot.pk)],
        posting_date=TODAY,
        source=src,
    )
    assert moves[0].quantity == D("0.5") and moves[0].from_location == plant["a"]
    assert (
        stock_count_adjust(
            actor=keeper,
            lines=[CountLine(plant["resin"].pk, plant["a"].pk, D("9.5"), lot.pk)],
            posting_date=TODAY,
            source=src,
        )
        == []
    )
    ledger_clean()


def test_reversing_an_early_receipt_names_the_first_document_that_goes_negative(
    plant, receive, keeper, ledger_clean
):
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "10", date=TODAY - 5 * DAY)  # test.receipt 1
    receive(bag, a, "10", date=TODAY - 4 * DAY)  # test.receipt 2
    issue(keeper, bag, a, "8", date=TODAY - 3 * DAY, source=StockSource("sales.deliverynote", 77))
    issue(keeper, bag, a, "8", date=TODAY - 2 * DAY, source=StockSource("sales.deliverynote", 78))
    with pytest.raises(BusinessRuleError) as exc:
        stock_reverse(actor=keeper, source=StockSource("test.receipt", 1), reason="录入错误")
    assert exc.value.details["first_negative_source_id"] == "78"
    assert "sales.deliverynote 78" in str(exc.value.message)
    ledger_clean()


def test_reversal_restores_and_is_done_once(plant, receive, keeper, ledger_clean):
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "10", "2")
    receive(bag, a, "10", "4")
    stock_reverse(actor=keeper, source=StockSource("test.receipt", 2), reason="退回")
    bal = StockBalance.objects.get(material=bag)
    assert (bal.on_hand, bal.value) == (D(10), D("20.00"))
    with pytest.raises(Conflict):
        stock_reverse(actor=keeper, source=StockSource("test.receipt", 2), reason="again")
    ledger_clean()


def test_reservation_lowers_available_and_issue_consumes_it(plant, receive, keeper, ledger_clean):
    resin, a = plant["resin"], plant["a"]
    lot = receive(resin, a, "10", lot="R-R")
    so = StockSource("sales.salesorder", 5)
    stock_reserve(actor=keeper, source=so, lines=[ReserveLine(resin.pk, a.pk, D(6))])
    assert available_qty(material=resin, location=a) == 4
    with pytest.raises(BusinessRuleError):  # another document cannot take reserved stock
        issue(keeper, resin, a, "5", source=StockSource("test.other", 1), lot=lot.pk)
    issue(keeper, resin, a, "6", source=so, lot=lot.pk)  # the reserving document can
    assert not Reservation.objects.exists()
    assert StockBalance.objects.get(lot=lot).reserved == 0
    ledger_clean()


def test_reserve_refuses_more_than_available_and_release(plant, receive, keeper, ledger_clean):
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "5")
    so = StockSource("sales.salesorder", 9)
    with pytest.raises(BusinessRuleError):
        stock_reserve(actor=keeper, source=so, lines=[ReserveLine(bag.pk, a.pk, D(6))])
    stock_reserve(
        actor=keeper, source=so, lines=[ReserveLine(bag.pk, a.pk, D(5), source_line_id="1")]
    )
    assert available_qty(material=bag, location=a) == 0
    assert stock_release_reservation(actor=keeper, source=so) == 1
    assert available_qty(material=bag, location=a) == 5
    ledger_clean()


def test_quarantine_lot_cannot_be_reserved(plant, receive, keeper):
    lot = receive(plant["pigment"], plant["q"], "5")
    with pytest.raises(BusinessRuleError) as exc:
        stock_reserve(
            actor=keeper,
            source=StockSource("x", 1),
            lines=[ReserveLine(plant["pigment"].pk, plant["q"].pk, D(1), lot.pk)],
        )
    assert exc.value.code == "lot_status_refused"

"""One costing unit (issue #10.1): every outflow and transfer at the material's moving average,
balance values derived from it. Amounts in the docstrings are computed by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.inventory.integrity import stock_ledger_differences, stock_value_differences
from erp.inventory.models import MaterialValuation, StockBalance, StockMove
from erp.inventory.services import (
    IssueLine,
    ReceiptLine,
    StockSource,
    TransferLine,
    stock_issue,
    stock_receive,
    stock_reverse,
    stock_transfer,
)

from .conftest import TODAY

DAY = dt.timedelta(days=1)


def _issue(keeper, material, location, qty, lot=None, source=1):
    return stock_issue(
        actor=keeper,
        lines=[IssueLine(material.pk, location.pk, D(qty), lot.pk if lot else None)],
        posting_date=TODAY,
        source=StockSource("test.issue", source),
    )


def _value(material, location, lot=None) -> D:
    return StockBalance.objects.get(material=material, location=location, lot=lot).value


def _valuation(material) -> tuple[D, D, D]:
    v = MaterialValuation.objects.get(pk=material.pk)
    return v.quantity, v.value, v.unit_cost


def test_fefo_issue_emptying_a_lot_books_the_average(plant, receive, keeper, ledger_clean):
    """Lot A 1,500 kg @ 18.50 = 27,750.00 (expires first), lot B 1,000 kg @ 19.30 = 19,300.00:
    47,050.00 / 2,500 kg = 18.82. A FEFO issue of 1,500 kg empties lot A and books
    1,500 × 18.82 = 28,230.00 (the old rule booked lot A's own 27,750.00). Left: 1,000 kg
    worth 47,050.00 − 28,230.00 = 18,820.00 = 1,000 × 18.82 on lot B. The last 1,000 kg
    then book 18,820.00 and leave nothing."""
    resin, a = plant["resin"], plant["a"]
    lot_a = receive(resin, a, "1500", "18.50", lot="A", expiry_date=TODAY + 200 * DAY)
    lot_b = receive(resin, a, "1000", "19.30", lot="B", expiry_date=TODAY + 300 * DAY)
    assert _valuation(resin) == (D(2500), D("47050.00"), D("18.820000"))

    moves = _issue(keeper, resin, a, "1500")
    assert [(m.lot_id, m.quantity, m.value) for m in moves] == [(lot_a.pk, D(1500), D("28230.00"))]
    assert _value(resin, a, lot_a) == D("0.00")
    assert _value(resin, a, lot_b) == D("18820.00")
    assert _valuation(resin) == (D(1000), D("18820.00"), D("18.820000"))

    last = _issue(keeper, resin, a, "1000", source=2)
    assert last[0].value == D("18820.00")
    assert _valuation(resin)[:2] == (D(0), D("0.00"))
    ledger_clean()


def test_issue_from_the_cheap_lot_leaves_both_lots_at_the_average(
    plant, receive, keeper, ledger_clean
):
    """L1 10 @ 1.00 and L2 10 @ 5.00 in one location: 60.00 / 20 = 3.00. Issuing 8 of L1
    books 8 × 3.00 = 24.00; L1 keeps 2 × 3.00 = 6.00 (the old rule left it at 10 − 24 =
    −14.00) and L2 is worth 10 × 3.00 = 30.00; 6.00 + 30.00 = 60.00 − 24.00."""
    resin, a = plant["resin"], plant["a"]
    l1 = receive(resin, a, "10", "1.00", lot="L1")
    l2 = receive(resin, a, "10", "5.00", lot="L2")
    moves = _issue(keeper, resin, a, "8", lot=l1)
    assert moves[0].value == D("24.00")
    assert _value(resin, a, l1) == D("6.00")
    assert _value(resin, a, l2) == D("30.00")
    assert _valuation(resin) == (D(12), D("36.00"), D("3.000000"))
    ledger_clean()


def test_transfer_out_of_a_cheap_bin_never_goes_negative(plant, receive, keeper, ledger_clean):
    """Bags: 10 @ 1.00 in A-01, 10 @ 5.00 in B-01, average 3.00. Transferring 5 from A-01 to
    C-01 moves 5 × 3.00 = 15.00; A-01 keeps 5 × 3.00 = 15.00 (the old rule: 10 − 15 = −5.00),
    C-01 holds 15.00, B-01 30.00. Issuing A-01's last 5 then books 15.00 (the old rule booked
    −5.00: negative cost of goods sold); 15 bags worth 45.00 remain."""
    bag, a, b, c = plant["bag"], plant["a"], plant["b"], plant["c"]
    receive(bag, a, "10", "1.00")
    receive(bag, b, "10", "5.00")
    moves = stock_transfer(
        actor=keeper,
        lines=[TransferLine(bag.pk, a.pk, c.pk, D(5))],
        posting_date=TODAY,
        source=StockSource("test.tr", 1),
    )
    assert moves[0].value == D("15.00")
    assert (_value(bag, a), _value(bag, b), _value(bag, c)) == (D("15.00"), D("30.00"), D("15.00"))
    issued = _issue(keeper, bag, a, "5")
    assert issued[0].value == D("15.00")
    assert (_value(bag, a), _value(bag, c)) == (D("0.00"), D("15.00"))
    assert _valuation(bag) == (D(15), D("45.00"), D("3.000000"))
    ledger_clean()


def test_a_receipt_revalues_the_other_bins_of_the_material(plant, receive, ledger_clean):
    """Bags 10 @ 2.00 in A-01 (20.00). Receiving 10 @ 4.00 in B-01 makes the average
    60.00 / 20 = 3.00: A-01, which the receipt did not touch, is now worth 30.00 too."""
    bag = plant["bag"]
    receive(bag, plant["a"], "10", "2.00")
    receive(bag, plant["b"], "10", "4.00")
    assert (_value(bag, plant["a"]), _value(bag, plant["b"])) == (D("30.00"), D("30.00"))
    ledger_clean()


def test_the_last_outflow_takes_the_rounding_residue(plant, receive, keeper, ledger_clean):
    """Bags 3 @ 0.333333 → 1.00 (round(0.999999)), average 0.333333. Issuing 1 books 0.33,
    the next 1 books 0.33, the last one takes the remaining 1.00 − 0.66 = 0.34: Σ issues =
    Σ receipts exactly and nothing is left at zero quantity."""
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "3", "0.333333")
    values = [_issue(keeper, bag, a, "1", source=i)[0].value for i in range(3)]
    assert values == [D("0.33"), D("0.33"), D("0.34")]
    assert _valuation(bag)[:2] == (D(0), D("0.00"))
    assert _value(bag, a) == D("0.00")
    ledger_clean()


def test_receipt_with_exact_line_value(plant, keeper, ledger_clean):
    """30,000 boxes @ 10.00 at 7 kg/box = 210,000 kg worth 300,000.00. At a unit cost of
    10 / 7 = 1.428571 per kg it would post 299,999.91; with the line value it posts
    300,000.00, and the move shows unit cost 300,000 / 210,000 = 1.428571."""
    moves = stock_receive(
        actor=keeper,
        lines=[
            ReceiptLine(
                plant["bag"].pk,
                plant["a"].pk,
                D("210000"),
                D("1.428571"),
                value=D("300000.00"),
            )
        ],
        posting_date=TODAY,
        source=StockSource("test.gr", 1),
    )
    assert (moves[0].value, moves[0].unit_cost) == (D("300000.00"), D("1.428571"))
    assert _valuation(plant["bag"])[:2] == (D(210000), D("300000.00"))
    ledger_clean()


def test_negative_line_value_refused(plant, keeper):
    with pytest.raises(ValidationFailed):
        stock_receive(
            actor=keeper,
            lines=[ReceiptLine(plant["bag"].pk, plant["a"].pk, D(1), D(1), value=D("-1"))],
            posting_date=TODAY,
            source=StockSource("test.gr", 1),
        )


def test_reversed_receipt_takes_its_value_back_and_recomputes(plant, receive, keeper, ledger_clean):
    """Bags 10 @ 1.00 (10.00) and 10 @ 5.00 (50.00): average 3.00. Reversing the second
    receipt takes its 50.00 back out: 10 left worth 10.00, average back to 1.00, A-01 worth
    10.00."""
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "10", "1.00")
    stock_receive(
        actor=keeper,
        lines=[ReceiptLine(bag.pk, a.pk, D(10), D("5.00"))],
        posting_date=TODAY,
        source=StockSource("test.gr", "second"),
    )
    moves = stock_reverse(actor=keeper, source=StockSource("test.gr", "second"), reason="录错")
    assert moves[0].value == D("50.00")
    assert _valuation(bag) == (D(10), D("10.00"), D("1.000000"))
    assert _value(bag, a) == D("10.00")
    ledger_clean()


def test_reversed_receipt_never_takes_more_than_is_left(plant, receive, keeper, ledger_clean):
    """Bags 10 @ 1.00 (10.00), then 10 @ 5.00 (50.00): average 3.00. Issuing 15 books 45.00
    and leaves 5 worth 15.00. Reversing the 50.00 receipt would take 50.00 out of 15.00: it
    is refused for lack of stock (only 5 left of the 10 received) — reverse the issue first."""
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "10", "1.00")
    src = StockSource("test.gr", "dear")
    stock_receive(
        actor=keeper,
        lines=[ReceiptLine(bag.pk, a.pk, D(10), D("5.00"))],
        posting_date=TODAY,
        source=src,
    )
    assert _issue(keeper, bag, a, "15")[0].value == D("45.00")
    with pytest.raises(BusinessRuleError):
        stock_reverse(actor=keeper, source=src, reason="录错")
    # Reversing the issue (an inflow at its original 45.00) restores 60.00 over 20 = 3.00.
    stock_reverse(actor=keeper, source=StockSource("test.issue", 1), reason="退回")
    assert _valuation(bag) == (D(20), D("60.00"), D("3.000000"))
    moves = stock_reverse(actor=keeper, source=src, reason="录错")
    assert moves[0].value == D("50.00")
    assert _valuation(bag) == (D(10), D("10.00"), D("1.000000"))
    ledger_clean()


def test_value_check_finds_a_balance_off_the_average(plant, receive):
    """The integrity check compares every balance with on hand × average (one query)."""
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "10", "3.00")
    assert stock_value_differences() == []
    StockBalance.objects.filter(material=bag).update(value=D("29.98"))
    problems = stock_ledger_differences()
    assert len(problems) == 1 and "value 29.98" in problems[0] and "= 30.00" in problems[0]


@pytest.mark.parametrize(
    ("on_hand", "value"), [(D(0), D("0.01")), (D(5), D("-0.01"))], ids=["empty", "negative"]
)
def test_database_refuses_value_without_stock_or_negative(plant, receive, on_hand, value):
    bag, a = plant["bag"], plant["a"]
    receive(bag, a, "10", "3.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        StockBalance.objects.filter(material=bag).update(on_hand=on_hand, value=value)
    with pytest.raises(IntegrityError), transaction.atomic():
        MaterialValuation.objects.filter(pk=bag.pk).update(quantity=on_hand, value=value)
    assert StockMove.objects.count() == 1

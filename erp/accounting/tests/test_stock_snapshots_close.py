"""Month-end stock snapshots (issue #22 point 4): closing a month stores what was on hand at
its end; an as-of report then reads the snapshot before its date plus the moves since and gives
exactly the figures the whole ledger gives; reopening the month drops the snapshot, and
`erp check stock_snapshots` catches a snapshot that disagrees with the ledger."""

import datetime as dt
from decimal import Decimal as D

import pytest

from erp.accounting.models import Period
from erp.accounting.services.month_end import month_end_close
from erp.accounting.services.periods import period_close, period_reopen, periods_create_year
from erp.accounting.tests import test_close_books_month as books_month
from erp.accounting.tests.test_close_books_month import START, _doc, _issue, _receive, day
from erp.inventory.integrity import stock_snapshots_match_ledger
from erp.inventory.models import Lot, StockSnapshotLine, StockSnapshotMonth
from erp.inventory.selectors_reports import GROUPS, StockFilter, on_hand_rows, turnover

pytestmark = pytest.mark.django_db

# The books-month fixtures (a plant with bins A and B, the finance people), shared.
plant = books_month.plant
people = books_month.people
NEXT_MONTH = (START + dt.timedelta(days=32)).replace(day=1)


def _figures(on_date, flt=None):
    """Every grouping of the as-of report, as plain tuples."""
    flt = flt or StockFilter()
    return {
        group: [
            (r.material.code, r.warehouse and r.warehouse.code, r.location and r.location.code,
             r.lot and r.lot.number, r.quantity, r.value)
            for r in on_hand_rows(group=group, flt=flt, on_date=on_date)
        ]
        for group in GROUPS
    }  # fmt: skip


def _month(people, plant):
    p, keeper = people, people["keeper"]
    if not Period.objects.filter(year=START.year).exists():
        periods_create_year(actor=p["manager"], year=START.year)
    for earlier in Period.objects.filter(year=START.year, month__lt=START.month):
        period_close(actor=p["manager"], period_id=earlier.pk)
    _receive(keeper, plant, day(2), "L1", "1000", "18.00", 200)
    _receive(keeper, plant, day(3), "L2", "1000", "19.64", 300)
    _issue(keeper, plant, day(5), "1500")
    _receive(keeper, plant, day(8), "L3", "500", "20.00", 400)
    _doc(keeper, "transfer", day(10), [{
        "material_id": plant["resin"].pk, "from_location_id": plant["a"].pk,
        "to_location_id": plant["b"].pk, "quantity": "300",
        "lot_id": Lot.objects.get(number="L3").pk,
    }], plant, to_warehouse_id=plant["wh"].pk)  # fmt: skip
    return Period.objects.get(year=START.year, month=START.month)


def test_closing_a_month_snapshots_it_and_as_of_reports_agree_with_the_ledger(people, plant):
    month = _month(people, plant)
    dates = [day(4), day(9), month.end]
    today = dt.date.today()
    by_ledger = {d: _figures(d) for d in [*dates, NEXT_MONTH]}
    lot_filter = StockFilter(lot=Lot.objects.get(number="L3").pk)
    turnover_ledger = turnover(
        date_from=START, date_to=NEXT_MONTH, by="material", flt=StockFilter()
    )

    month_end_close(actor=people["manager"], period_id=month.pk)

    snapshot = StockSnapshotMonth.objects.get(month_end=month.end)
    # at month end: L2 500 kg + L3 200 kg in A, L3 300 kg in B (hand count of the moves above)
    lines = {
        (x.location.code, x.lot.number): x.quantity
        for x in StockSnapshotLine.objects.filter(month=snapshot).select_related("location", "lot")
    }
    assert lines == {("A-01", "L2"): D("500"), ("A-01", "L3"): D("200"), ("B-01", "L3"): D("300")}
    value = snapshot.values.get(material=plant["resin"])
    assert (value.quantity, value.value) == (D("1000"), D("19410.00"))  # 9,410 + 10,000
    assert stock_snapshots_match_ledger() == []

    # a posting on the 1st of the next month is added on top of the snapshot
    _receive(people["keeper"], plant, NEXT_MONTH, "L4", "100", "21.00", 100)
    for d in dates:
        assert _figures(d) == by_ledger[d], d
    if NEXT_MONTH < today:  # as of today the report reads the live balances instead
        after = _figures(NEXT_MONTH)
        assert after["material"] == [("RM-RESIN", None, None, None, D("1100"), D("21510.00"))]
        assert ("L4", D("100"), D("1955.45")) in [
            row[3:] for row in after["lot"]
        ]  # 100 × 21,510 / 1,100
        # a lot is valued at its material's company average (21,510 / 1,100), snapshot or not
        assert _figures(NEXT_MONTH, lot_filter)["location"] == [
            ("RM-RESIN", "WH1", "A-01", None, D("200"), D("3910.91")),
            ("RM-RESIN", "WH1", "B-01", None, D("300"), D("5866.36")),
        ]
        closing = turnover(date_from=START, date_to=NEXT_MONTH, by="material", flt=StockFilter())
        assert closing[0].closing_value == turnover_ledger[0].closing_value + D("2100.00")


def test_reopening_the_month_drops_its_snapshot(people, plant):
    month = _month(people, plant)
    month_end_close(actor=people["manager"], period_id=month.pk)
    assert StockSnapshotMonth.objects.filter(month_end=month.end).exists()
    period_reopen(actor=people["manager"], period_id=month.pk, reason="补录入库")
    assert not StockSnapshotMonth.objects.filter(month_end__gte=month.start).exists()
    # the earlier (closed) months keep theirs
    assert StockSnapshotMonth.objects.filter(month_end__lt=month.start).count() == START.month - 1
    # a receipt dated inside the reopened month counts in the as-of figure at its end
    _receive(people["keeper"], plant, day(12), "L5", "10", "20.00", 100)
    (row,) = on_hand_rows(group="material", flt=StockFilter(), on_date=month.end)
    assert row.quantity == D("1010")


def test_the_integrity_check_catches_a_wrong_snapshot(people, plant):
    month = _month(people, plant)
    month_end_close(actor=people["manager"], period_id=month.pk)
    StockSnapshotLine.objects.filter(month__month_end=month.end, lot__number="L2").update(
        quantity=D("499")
    )
    problems = stock_snapshots_match_ledger()
    assert len(problems) == 1 and "499" in problems[0] and "500" in problems[0]

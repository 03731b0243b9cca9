"""The stock gate checks the period and posts the voucher for EVERY stock posting, whichever
app calls it (accounting listens inside the gate's transaction), and a reversal of a stock
document posts the red mirror of the document's voucher, linked to it.

Figures: 10 kg received at 12.50 = 125.00 (Dr 1403 / Cr 1901, the demo-like rules of
test_stock_wiring); its reversal is the same two lines at -125.00, so stock and GL are both 0.
"""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.errors import PeriodClosed
from erp.accounting.integrity import stock_equals_gl
from erp.accounting.models import Period, Voucher
from erp.core.errors import BusinessRuleError
from erp.inventory.models import StockBalance, StockMove
from erp.inventory.services import ReceiptLine, StockSource, stock_receive, stock_reverse

from . import test_stock_wiring as wiring
from .test_stock_wiring import entries, receive, voucher_of

# The stock wiring fixtures (a plant, a keeper, posting rules), shared with that module.
keeper = wiring.keeper
plant = wiring.plant
rules = wiring.rules

TODAY = dt.date.today()
LAST_MONTH = TODAY.replace(day=1) - dt.timedelta(days=1)
pytestmark = pytest.mark.django_db


def _close(on: dt.date) -> None:
    # Test set-up only: the close itself (checklist, locks) is tested in test_periods.
    Period.objects.filter(start__lte=on, end__gte=on).update(state="closed")


def _receive_from(app_source: StockSource, keeper, plant, on=TODAY):
    return stock_receive(
        actor=keeper,
        lines=[
            ReceiptLine(
                material_id=plant["resin"].pk,
                location_id=plant["a"].pk,
                quantity=Decimal("10"),
                unit_cost=Decimal("12.50"),
            )
        ],
        posting_date=on,
        source=app_source,
    )


def test_a_posting_from_any_app_carries_its_voucher(rules, keeper, plant):
    """A module that did not exist when accounting was written (here "purchasing") posts
    stock and gets its voucher without calling accounting."""
    _receive_from(StockSource("purchasing.goodsreceipt", 7, "GR2026120007"), keeper, plant)
    voucher = Voucher.objects.get(source_type="purchasing.goodsreceipt", source_id="7")
    assert voucher.source_number == "GR2026120007"
    assert entries(voucher) == {("1403", "D"): Decimal("125.00"), ("1901", "C"): Decimal("125.00")}
    assert stock_equals_gl() == []


def test_a_posting_from_any_app_into_a_closed_period_is_refused(rules, keeper, plant):
    _close(LAST_MONTH)
    with pytest.raises(PeriodClosed):
        _receive_from(StockSource("purchasing.goodsreceipt", 8, "GR8"), keeper, plant, LAST_MONTH)
    assert not StockMove.objects.exists()
    assert not Voucher.objects.exists()


def test_a_posting_without_a_period_is_refused_once_the_books_started(rules, keeper, plant):
    Period.objects.filter(start__lte=LAST_MONTH, end__gte=LAST_MONTH).delete()
    with pytest.raises(BusinessRuleError):
        _receive_from(StockSource("sales.return", 9, "RT9"), keeper, plant, LAST_MONTH)
    assert not StockMove.objects.exists()


def test_reversal_posts_the_red_voucher_linked_to_the_original(rules, keeper, plant):
    doc = receive(keeper, plant, qty="10", cost="12.50")
    original = voucher_of("otherreceipt", doc)
    stock_reverse(
        actor=keeper, source=StockSource("inventory.otherreceipt", doc.pk), reason="录入错误"
    )
    red = Voucher.objects.get(reversal_of=original)
    assert red.source_number == doc.number and red.date == TODAY
    assert entries(red) == {("1403", "D"): Decimal("-125.00"), ("1901", "C"): Decimal("-125.00")}
    assert stock_equals_gl() == []
    assert StockBalance.objects.get(material=plant["resin"], location=plant["a"]).on_hand == 0


def test_reversal_into_a_closed_period_is_refused_and_changes_nothing(rules, keeper, plant):
    """docs/inventory.md used to recommend stock_reverse for fixing stock: it posted into a
    closed period without a voucher (stock 0, GL 125.00). Now the period is checked."""
    _receive_from(StockSource("inventory.otherreceipt", 41, "IR41"), keeper, plant, LAST_MONTH)
    _close(LAST_MONTH)
    source = StockSource("inventory.otherreceipt", 41)
    with pytest.raises(PeriodClosed):
        stock_reverse(actor=keeper, source=source, reason="录入错误")
    assert StockMove.objects.count() == 1
    assert stock_equals_gl() == []
    # The way out: reverse on a date of an open period; the red voucher is dated that day.
    stock_reverse(actor=keeper, source=source, reason="录入错误", on_date=TODAY)
    original = Voucher.objects.get(source_id="41", reversal_of__isnull=True)
    red = Voucher.objects.get(reversal_of=original)
    assert red.date == TODAY and red.total == Decimal("-125.00")
    assert stock_equals_gl() == []

"""`erp demo` tells one accounting story with the inventory demo: go-live 2026-10-01 with an
opening balance sheet from the three go-live services, October closed with every month-end
check green, November open — and every integrity check passes."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from erp.accounting.models import ExpenseClaim, OpenItem, Period, Voucher
from erp.accounting.selectors_statements import balance_sheet, opening_tie_out
from erp.accounting.services.closing import period_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    call_command("demo", stdout=StringIO())


def test_october_is_closed_and_green(demo):
    october = Period.objects.get(year=2026, month=10)
    assert october.state == "closed"
    checks = {c.code: (c.ok, c.detail) for c in period_checklist(october)}
    assert all(ok for ok, _detail in checks.values()), checks
    for source in ("accounting.vat_transfer", "accounting.overhead", "accounting.pl_carry_forward"):
        assert Voucher.objects.filter(source_type=source, date=dt.date(2026, 10, 31)).exists()
    for period in Period.objects.filter(year=2026, month__in=(9, 10, 11)):
        bs = balance_sheet(period)
        assert bs.balanced and bs.unmapped == [], period


def test_opening_and_november(demo):
    tie = opening_tie_out(dt.date(2026, 10, 1))
    assert tie.voucher is not None and tie.voucher.date == dt.date(2026, 9, 30)
    assert tie.balanced and tie.stock_ok and tie.arap_ok and tie.arap
    assert (
        OpenItem.objects.filter(source_type__in=("golive.openingar", "golive.openingap")).count()
        == 3
    )
    november = Period.objects.get(year=2026, month=11)
    assert november.state == "open"
    assert Voucher.objects.filter(period=november, state="posted").count() > 3
    assert Voucher.objects.filter(period=november, state="reviewed").count() == 1
    assert ExpenseClaim.objects.filter(state="submitted").count() == 2


def test_erp_check_passes_on_the_demo(demo):
    out = StringIO()
    call_command("erp_check", stdout=out)  # raises CommandError when a check fails
    assert "FAIL" not in out.getvalue()

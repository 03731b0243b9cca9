import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.builders.drafts import DraftLine, VoucherDraft


@pytest.fixture
def accountant(make_user):
    return make_user("kuaiji", "accountant", full_name="孙莉")


@pytest.fixture
def reviewer(make_user):
    return make_user("shenhe", "accountant", full_name="周审核")


@pytest.fixture
def manager(make_user):
    return make_user("caijing", "finance_manager", full_name="马超")


# The year the books of the fixed-date tests are written in (vouchers of 2026-01-15, closing
# January 2026, ...). Tests that mean "now" use today's date instead.
BOOKS_YEAR = 2026


def books_years(today: dt.date | None = None) -> range:
    """The years the test books have periods for: from January of BOOKS_YEAR (the books start
    there, as a company's would, so closing January 2026 finds no earlier open month) through
    the year after today. From 2027 on that holds the previous year, this year and the next,
    whatever day the suite runs on (`ERP_TEST_FROZEN_DATE`, see the project conftest)."""
    from django.utils import timezone

    year = (today or timezone.localdate()).year
    return range(min(BOOKS_YEAR, year), max(BOOKS_YEAR, year + 1) + 1)


@pytest.fixture
def books(manager):
    """The enterprise chart and the periods of `books_years()` (2026 through next year)."""
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year

    chart_seed(actor=manager, standard="enterprise")
    for year in books_years():
        periods_create_year(actor=manager, year=year)
    return manager


def draft(amount="100.00", *, on=dt.date(2026, 1, 15), debit="1002", credit="4001", **kw):
    value = Decimal(amount)
    return VoucherDraft(
        date=on,
        lines=(
            DraftLine("收到投资", debit, debit=value),
            DraftLine("收到投资", credit, credit=value),
        ),
        **kw,
    )


def rows(amount="100.00", debit_id=None, credit_id=None):
    return [
        {"summary": "提现", "account_id": debit_id, "debit": amount},
        {"summary": "提现", "account_id": credit_id, "credit": amount},
    ]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (msgids); the zh-Hans catalogue is tested separately."""
    from django.utils import translation

    with translation.override("en"):
        yield

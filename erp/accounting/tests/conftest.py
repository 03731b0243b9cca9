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


@pytest.fixture
def books(manager):
    """The enterprise chart and the periods of 2026."""
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year

    chart_seed(actor=manager, standard="enterprise")
    periods_create_year(actor=manager, year=2026)
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

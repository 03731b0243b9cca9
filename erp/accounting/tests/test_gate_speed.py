"""Posting speed without losing a check: a batch costs a constant number of statements, posts
exactly what one-by-one posting would, and a bad draft aborts the whole batch."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.accounting.errors import PeriodClosed, VoucherInvalid
from erp.accounting.integrity import period_balances, vouchers_balanced
from erp.accounting.models import AccountPeriodBalance, Period, Voucher, VoucherLine
from erp.accounting.services.gate import voucher_post, vouchers_post_batch
from erp.core.errors import PermissionDenied
from erp.core.models import AuditEvent

from .conftest import draft

pytestmark = pytest.mark.django_db


def _drafts(n, on=dt.date(2026, 1, 15), word="记"):
    return [draft(f"{i + 1}.25", on=on, word=word) for i in range(n)]


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_batch_costs_constant_queries(books):
    vouchers_post_batch(actor=books, drafts=_drafts(2))  # sequences and balances exist
    few = _queries(lambda: vouchers_post_batch(actor=books, drafts=_drafts(3)))
    many = _queries(lambda: vouchers_post_batch(actor=books, drafts=_drafts(60)))
    # 20× the vouchers, at most one more statement (SQLite splits the voucher insert at its
    # variable limit): no statement per voucher.
    assert few <= 14 and many - few <= 1


def test_single_voucher_stays_cheap(books):
    voucher_post(actor=books, draft=draft("1.00"))
    assert _queries(lambda: voucher_post(actor=books, draft=draft("2.00"))) <= 14


def test_batch_numbers_balances_and_audit_match_one_by_one(books):
    drafts = _drafts(5) + _drafts(2, word="收") + _drafts(3, on=dt.date(2026, 2, 3))
    vouchers = vouchers_post_batch(actor=books, drafts=drafts)
    assert [v.number for v in vouchers[:6]] == [
        "2026-01 记-0001",
        "2026-01 记-0002",
        "2026-01 记-0003",
        "2026-01 记-0004",
        "2026-01 记-0005",
        "2026-01 收-0001",
    ]
    assert vouchers[-1].number == "2026-02 记-0003"
    assert all(v.state == "posted" for v in Voucher.objects.all())
    single = voucher_post(actor=books, draft=draft("9.00"))
    assert single.number == "2026-01 记-0006"  # the sequence continues after a batch
    jan = Period.objects.get(year=2026, month=1)
    bank = AccountPeriodBalance.objects.get(period=jan, account__code="1002")
    assert bank.debit == sum((Decimal(f"{i + 1}.25") for i in range(5)), Decimal(0)) + sum(
        (Decimal(f"{i + 1}.25") for i in range(2)), Decimal(0)
    ) + Decimal("9.00")
    assert VoucherLine.objects.count() == 22
    assert AuditEvent.objects.filter(object_type="accounting.voucher", note="post").count() == 11
    assert vouchers_balanced() == [] and period_balances() == []


def test_one_bad_draft_aborts_the_batch(books):
    bad = draft("1.00", debit="1001", credit="9999")  # no such account
    with pytest.raises(VoucherInvalid) as exc:
        vouchers_post_batch(actor=books, drafts=[*_drafts(3), bad])
    assert exc.value.details["draft"] == 3
    assert not Voucher.objects.exists() and not AccountPeriodBalance.objects.exists()


def test_batch_refuses_closed_periods_and_needs_permission(books, make_user):
    Period.objects.filter(year=2026, month=1).update(state="closed")
    with pytest.raises(PeriodClosed):
        vouchers_post_batch(actor=books, drafts=_drafts(1, on=dt.date(2026, 2, 1)) + _drafts(1))
    assert not Voucher.objects.exists()
    with pytest.raises(PermissionDenied):
        vouchers_post_batch(actor=make_user("clerk", "warehouse"), drafts=_drafts(1))

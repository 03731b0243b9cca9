"""利润表 其中 rows, VAT 进项税额转出, 上年年末余额 for a mid-year go-live, and the data
migration that gives existing books the accounts added to the standard chart."""

import datetime as dt
import importlib
from decimal import Decimal as D

import pytest
from django.apps import apps as django_apps

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import Account, Period
from erp.accounting.selectors_statements import balance_sheet, income_statement, vat_summary
from erp.accounting.services.gate import voucher_post

pytestmark = pytest.mark.django_db


def post(actor, on, *lines, **kw):
    drafts = tuple(DraftLine("测试", code, debit=D(d), credit=D(c)) for code, d, c in lines)
    return voucher_post(actor=actor, draft=VoucherDraft(date=on, lines=drafts, **kw))


def test_finance_cost_sub_rows_are_filled(books):
    """财务费用: interest expense 300 (660301), interest income 120 (660302, a credit), bank
    charges 25 (660303) → row 7 = 300 − 120 + 25 = 205; 其中 利息费用 300, 利息收入 120."""
    on = dt.date(2026, 3, 10)
    post(books, on, ("660301", "300", "0"), ("1002", "0", "300"))
    post(books, on, ("1002", "120", "0"), ("660302", "0", "120"))
    post(books, on, ("660303", "25", "0"), ("1002", "0", "25"))
    ist = income_statement(Period.objects.get(year=2026, month=3))
    assert [ist.value(n) for n in (7, 8, 9)] == [D("205.00"), D("300.00"), D("120.00")]
    assert ist.value(24) == D("-205.00")  # 其中 rows are not added again


def test_vat_summary_shows_input_vat_reversed(books):
    """Output 1,300; input 1,040; 进项税额转出 130 (goods lost: Cr 22210104) → payable
    1,300 + 130 − 1,040 = 390."""
    on = dt.date(2026, 4, 8)
    post(books, on, ("1002", "11300", "0"), ("6001", "0", "10000"), ("22210102", "0", "1300"))
    post(books, on, ("1403", "8000", "0"), ("22210101", "1040", "0"), ("1002", "0", "9040"))
    post(books, on, ("6711", "130", "0"), ("22210104", "0", "130"))
    april = {m.period.month: m for m in vat_summary(2026)}[4]
    assert (april.output, april.input, april.input_reversed) == (
        D("1300.00"),
        D("1040.00"),
        D("130.00"),
    )
    assert april.payable == D("390.00") and april.vat_closing == D("390.00")


def test_mid_year_go_live_opening_is_the_prior_year_end_column(books):
    """Go-live 2026-07-01: the opening voucher (dated 06-30) holds cash 80,000 / capital 80,000.
    July earns 5,000. 上年年末余额 of the July balance sheet = the opening balances (the books
    have no 2025), not zero."""
    post(
        books,
        dt.date(2026, 6, 30),
        ("1002", "80000", "0"),
        ("4001", "0", "80000"),
        source_type="golive.openingbalance",
        source_id="2026-07-01",
        source_number="2026-07-01",
    )
    post(books, dt.date(2026, 7, 5), ("1002", "5000", "0"), ("6001", "0", "5000"))
    bs = balance_sheet(Period.objects.get(year=2026, month=7))
    assert bs.value(1) == D("85000.00") and bs.value(1, 1) == D("80000.00")
    assert bs.value(61, 1) == D("80000.00") and bs.balanced


def test_migration_adds_new_standard_accounts_to_existing_books(books):
    """Books seeded before 22210104 and the 财务费用 sub-accounts existed: the data migration
    adds them; a 6603 that already carries postings keeps them and gets no children."""
    Account.objects.filter(code__in=("22210104", "660301", "660302", "660303")).delete()
    Account.objects.filter(code="6603").update(is_leaf=True)
    migration = importlib.import_module("erp.accounting.migrations.0007_chart_accounts_closing")
    migration.add_accounts(django_apps, None)
    added = Account.objects.get(code="22210104")
    assert added.name == "进项税额转出" and added.parent.code == "222101" and added.is_leaf
    assert Account.objects.filter(code__startswith="6603").count() == 4
    assert not Account.objects.get(code="6603").is_leaf
    # A posted leaf 6603 keeps its balance: no children.
    Account.objects.filter(code__in=("660301", "660302", "660303")).delete()
    Account.objects.filter(code="6603").update(is_leaf=True)
    post(books, dt.date(2026, 2, 2), ("6603", "10", "0"), ("1002", "0", "10"))
    migration.add_accounts(django_apps, None)
    assert Account.objects.filter(code__startswith="6603").count() == 1

"""Balance sheet, income statement and VAT summary from period balances: known figures on
constructed books, the balance sheet balancing on the demo books, IS net profit = the 本年利润
movement of the carry-forward, both standards, exports and print."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.charts import CHARTS
from erp.accounting.models import AccountPeriodBalance, Period
from erp.accounting.selectors_statements import (
    balance_sheet,
    chart_standard,
    income_statement,
    layout_values,
    unmapped_codes,
    vat_summary,
)
from erp.accounting.services.chart import chart_seed
from erp.accounting.services.closing import pl_carry_forward
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.periods import periods_create_year
from erp.accounting.statements import LAYOUTS

pytestmark = pytest.mark.django_db


def post(actor, on, *lines, word="记"):
    return voucher_post(
        actor=actor,
        draft=VoucherDraft(
            date=on,
            word=word,
            lines=tuple(
                DraftLine("测试", code, debit=Decimal(d), credit=Decimal(c)) for code, d, c in lines
            ),
        ),
    )


def january(actor):
    """Capital 100,000 (Dec 2025); January: buy 50,000 + VAT 6,500, sell 100,000 + VAT 13,000,
    cost 30,000, bank charges 1,000."""
    on = dt.date(2026, 1, 10)
    post(
        actor,
        on,
        ("1403", "50000.00", "0"),
        ("22210101", "6500.00", "0"),
        ("1002", "0", "56500.00"),
    )
    post(
        actor,
        on,
        ("1002", "113000.00", "0"),
        ("6001", "0", "100000.00"),
        ("22210102", "0", "13000.00"),
    )
    post(actor, on, ("6401", "30000.00", "0"), ("1403", "0", "30000.00"))
    post(actor, on, ("660303", "1000.00", "0"), ("1002", "0", "1000.00"))  # 财务费用—手续费


@pytest.fixture
def ledger(books):
    periods_create_year(actor=books, year=2025)
    post(books, dt.date(2025, 1, 20), ("1002", "5000.00", "0"), ("6001", "0", "5000.00"))
    pl_carry_forward(actor=books, period_id=Period.objects.get(year=2025, month=1).pk)
    post(books, dt.date(2025, 12, 15), ("1002", "95000.00", "0"), ("4001", "0", "95000.00"))
    january(books)
    return Period.objects.get(year=2026, month=1)


def test_balance_sheet_known_figures(ledger):
    bs = balance_sheet(ledger)
    assert bs.layout.standard == "enterprise" and bs.balanced
    # 货币资金: 5,000 + 95,000 + 113,000 − 56,500 − 1,000
    assert bs.value(1) == Decimal("155500.00") and bs.value(1, 1) == Decimal("100000.00")
    assert bs.value(9) == Decimal("20000.00")  # 存货
    assert bs.value(34) == Decimal("175500.00")  # 资产总计
    assert bs.value(43) == Decimal("6500.00")  # 应交税费 13,000 − 6,500
    assert bs.value(61) == Decimal("95000.00")  # 实收资本
    # 未分配利润 includes profit not yet carried forward: 2025's 5,000 + January's 69,000
    assert bs.value(70) == Decimal("74000.00") and bs.value(70, 1) == Decimal("5000.00")
    assert bs.value(72) == bs.value(34) and bs.value(72, 1) == bs.value(34, 1)
    assert bs.unmapped == []


def test_income_statement_known_figures_month_and_year_to_date(ledger):
    """January is the first month of 2026: 本期金额 (the month) = 本年累计金额; 2025 is not in
    either column."""
    ist = income_statement(ledger)
    assert ist.layout.columns == ("本期金额", "本年累计金额")
    assert ist.value(1) == Decimal("100000.00") and ist.value(1, 1) == Decimal("100000.00")
    assert ist.value(2) == Decimal("30000.00")
    assert ist.value(7) == Decimal("1000.00")
    assert ist.value(19) == Decimal("69000.00")  # 营业利润
    assert ist.value(24) == Decimal("69000.00") and ist.value(24, 1) == Decimal("69000.00")


def test_net_profit_equals_current_year_profit_movement(ledger, books):
    before = income_statement(ledger).value(24)
    carry = pl_carry_forward(actor=books, period_id=ledger.pk)
    profit = AccountPeriodBalance.objects.get(period=ledger, account__code="4103")
    assert profit.credit - profit.debit == before == Decimal("69000.00")
    # The carry-forward voucher is not revenue or cost: the statement does not change.
    after = income_statement(ledger)
    assert after.value(24) == before and after.value(1) == Decimal("100000.00")
    assert carry.source_type == "accounting.pl_carry_forward"
    assert balance_sheet(ledger).balanced
    # February: year to date adds up, the month alone does not include January.
    feb = Period.objects.get(year=2026, month=2)
    post(books, dt.date(2026, 2, 3), ("1002", "2000.00", "0"), ("6051", "0", "2000.00"))
    assert income_statement(feb).value(1) == Decimal("2000.00")  # 本期金额
    assert income_statement(feb).value(1, 1) == Decimal("102000.00")  # 本年累计金额
    small_view = income_statement(feb, standard="small")  # layout only; codes differ
    assert small_view.layout.columns == ("本年累计金额", "本月金额")


def test_vat_summary_per_month(ledger, books):
    post(books, dt.date(2026, 2, 5), ("22210101", "13000.00", "0"), ("1002", "0", "13000.00"))
    months = {m.period.month: m for m in vat_summary(2026)}
    jan, feb = months[1], months[2]
    assert (jan.output, jan.input, jan.payable) == (
        Decimal("13000.00"),
        Decimal("6500.00"),
        Decimal("6500.00"),
    )
    assert jan.vat_closing == Decimal("6500.00") and jan.credit_carried == 0
    assert feb.output == 0 and feb.input == Decimal("13000.00")
    assert feb.vat_closing == Decimal("-6500.00") and feb.credit_carried == Decimal("6500.00")
    assert len(months) == 12 and months[3].vat_closing == Decimal("-6500.00")


def test_balance_sheet_balances_on_demo_books(admin_user):
    from erp.accounting.demo import load_demo

    load_demo(actor=admin_user)
    for period in Period.objects.filter(year=2026, month__in=(9, 10, 11)):
        bs = balance_sheet(period)
        assert bs.balanced, period
        assert bs.value(34) > 0 and bs.unmapped == []
    nov = Period.objects.get(year=2026, month=11)
    # Revenue: 100,000 a month, cost 64,000 a month (Oct, Nov); October's carry-forward is
    # excluded.
    assert income_statement(nov).value(1) == Decimal("100000.00")  # November alone
    assert income_statement(nov).value(1, 1) == Decimal("200000.00")  # year to date
    assert income_statement(nov).value(24, 1) == Decimal("72000.00")


def test_small_enterprise_statements(manager):
    chart_seed(actor=manager, standard="small")
    periods_create_year(actor=manager, year=2026)
    assert chart_standard() == "small"
    on = dt.date(2026, 3, 9)
    post(manager, on, ("1002", "50000.00", "0"), ("3001", "0", "50000.00"))
    post(manager, on, ("1002", "8000.00", "0"), ("5001", "0", "8000.00"))
    post(manager, on, ("5401", "3000.00", "0"), ("1405", "0", "3000.00"))
    post(manager, on, ("1601", "20000.00", "0"), ("1002", "0", "20000.00"))
    post(manager, on, ("560303", "500.00", "0"), ("1602", "0", "500.00"))
    march = Period.objects.get(year=2026, month=3)
    bs = balance_sheet(march)
    assert bs.layout.form == "会小企01表" and bs.balanced
    assert bs.value(19) == Decimal("500.00") and bs.value(20) == Decimal("19500.00")
    assert bs.value(12) == Decimal("-3000.00")  # 其中：库存商品 (part row)
    assert bs.value(51) == Decimal("4500.00")  # profit not carried forward yet
    ist = income_statement(march)
    assert ist.value(32) == Decimal("4500.00") and ist.value(32, 1) == Decimal("4500.00")


@pytest.mark.parametrize("standard", ["enterprise", "small"])
def test_every_seeded_account_lands_on_exactly_one_row(standard):
    """A balance sheet balances only if each account is counted once: check the layouts
    against the standard chart, and P&L accounts against the income statement."""
    for key in ("balance_sheet", "income_statement"):
        layout = LAYOUTS[(standard, key)]
        counted = [r for r in layout.rows if not r.part and not r.is_total and not r.heading]
        for code, _name, category, *_rest in CHARTS[standard]:
            if key == "income_statement" and category != "pl":
                continue
            hits = [r.line for r in counted if any(code.startswith(p) for p in r.codes)]
            assert len(hits) == 1, (standard, key, code, hits)
        amounts = {code: Decimal("1") for code, *_rest in CHARTS[standard]}
        if key == "balance_sheet":
            assert unmapped_codes(layout, amounts) == []
            values = layout_values(layout, {"1002": Decimal("10"), "2001": Decimal("-10")})
            assert values[layout.check[0]] == values[layout.check[1]] == Decimal("10")
    assert unmapped_codes(LAYOUTS[(standard, "balance_sheet")], {"9999": Decimal("1")}) == ["9999"]


def test_pages_export_and_print(client, ledger, accountant, make_user):
    client.force_login(accountant)
    for url in ("/accounting/balance-sheet/", "/accounting/income-statement/"):
        page = client.get(f"{url}?period={ledger.pk}")
        assert page.status_code == 200
        assert "货币资金" in page.content.decode() or "营业收入" in page.content.decode()
        xlsx = client.get(f"{url}?period={ledger.pk}&export=xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        labels = [row[0] for row in sheet.iter_rows(values_only=True)]
        assert any("货币资金" in str(v) or "营业收入" in str(v) for v in labels)
        pdf = client.get(f"{url}?period={ledger.pk}&export=pdf")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    page = client.get("/accounting/balance-sheet/?period=" + str(ledger.pk))
    assert "155,500.00" in page.content.decode()
    vat = client.get("/accounting/vat-summary/?year=2026")
    assert vat.status_code == 200 and "13,000.00" in vat.content.decode()
    xlsx = client.get("/accounting/vat-summary/?year=2026&export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content))
    assert sheet.active.cell(row=6, column=2).value == 13000  # below 4 title rows + headers
    assert client.get("/accounting/vat-summary/?export=pdf").content.startswith(b"%PDF")
    assert client.get("/accounting/balance-sheet/?period=99999").status_code == 404
    client.force_login(make_user("cangku", "warehouse"))
    assert client.get("/accounting/balance-sheet/").status_code == 403

"""Issue #13 point 11: exported statements read like statements. The balance sheet, income
statement and trial balance xlsx open with title rows (the statement's name, 编制单位, the
period, 单位：元) above the header row, and every amount cell is a number formatted #,##0.00
(not General), so Excel shows 155,500.00 and sums the cells."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from erp.accounting.models import Period
from erp.accounting.tests.test_statements import post
from erp.core.models import Company

pytestmark = pytest.mark.django_db


@pytest.fixture
def january(books):
    """Capital 100,000 in; goods bought 50,000 + VAT 6,500 from the bank (January 2026).
    货币资金 = 100,000 − 56,500 = 43,500.00; 存货 = 50,000.00; 实收资本 = 100,000.00."""
    Company.objects.update_or_create(pk=1, defaults={"name": "华东涂料有限公司"})
    on = dt.date(2026, 1, 10)
    post(books, on, ("1002", "100000.00", "0"), ("4001", "0", "100000.00"))
    post(
        books,
        on,
        ("1403", "50000.00", "0"),
        ("22210101", "6500.00", "0"),
        ("1002", "0", "56500.00"),
    )
    return Period.objects.get(year=2026, month=1)


def _sheet(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def _head(sheet, rows=4) -> list:
    return [sheet.cell(row=r, column=1).value for r in range(1, rows + 1)]


def _row(sheet, label: str) -> tuple:
    for cells in sheet.iter_rows(min_row=5):
        if str(cells[0].value or "").strip().startswith(label):
            return cells
    raise AssertionError(f"no row {label}")


def test_balance_sheet_and_income_statement_have_titles_and_amount_formats(
    client, january, accountant
):
    client.force_login(accountant)
    bs = _sheet(client, f"/accounting/balance-sheet/?period={january.pk}&export=xlsx")
    assert _head(bs) == [
        "资产负债表",
        "编制单位：华东涂料有限公司",
        "会计期间：2026-01",
        "单位：元",
    ]
    assert bs.cell(row=1, column=1).font.b
    assert bs.cell(row=5, column=1).value == "项目"  # the header row follows the titles
    cash = _row(bs, "货币资金")
    assert cash[2].value == Decimal("43500.00") or cash[2].value == 43500
    assert cash[2].number_format == "#,##0.00"
    stock = _row(bs, "存货")
    assert stock[2].value == 50000 and stock[2].number_format == "#,##0.00"

    income = _sheet(client, f"/accounting/income-statement/?period={january.pk}&export=xlsx")
    assert _head(income)[0] == "利润表" and _head(income)[3] == "单位：元"
    revenue = _row(income, "一、营业收入")
    assert revenue[2].number_format == "#,##0.00"


def test_trial_balance_has_titles_and_amount_formats(client, january, accountant):
    client.force_login(accountant)
    tb = _sheet(client, f"/accounting/trial-balance/?period={january.pk}&export=xlsx")
    assert _head(tb) == [
        "科目余额表",
        "编制单位：华东涂料有限公司",
        "会计期间：2026-01",
        "单位：元",
    ]
    assert tb.cell(row=5, column=1).value == "编码"
    bank = next(cells for cells in tb.iter_rows(min_row=6) if cells[0].value == "1002")
    # 银行存款 in January: debit 100,000.00, credit 56,500.00, closing debit 43,500.00
    assert [c.value for c in bank[4:7]] == [100000, 56500, 43500]
    assert {c.number_format for c in bank[2:8]} == {"#,##0.00"}

"""Issue #13 point 5: keyboard voucher entry in a real browser (Debian's /usr/bin/chromium).

The 会计 enters 提取备用金 ¥250.00: Dr 1001 库存现金 250.00 / Cr 1002 银行存款 250.00, so the
saved draft holds exactly these two lines and totals 250.00 whatever empty rows the page had.
- Enter on the last amount opens a new row (the summary is carried down into it); that row
  has no account and no amount, so it does not stop the save.
- An empty trailing row (a summary only) is ignored on save.
- Ctrl+S saves the draft wherever the focus is, also outside the form.
- A refused save names the row and the field: "第 2 行：请输入金额".
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM

PASSWORD = "pw-Keyboard-2026"
SUMMARY = "提取备用金"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


@pytest.fixture
def entry(make_user, live_server, browser):
    """The voucher entry page, logged in as the 会计 (books: enterprise chart, periods around
    today)."""
    from django.utils import timezone

    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year

    admin = make_user("admin", "admin", password=PASSWORD)
    chart_seed(actor=admin, standard="enterprise")
    this_year = timezone.localdate().year
    for year in range(this_year - 1, this_year + 2):
        periods_create_year(actor=admin, year=year)
    make_user("sunli", "accountant", password=PASSWORD, full_name="孙莉")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("iam:login"))
    page.fill("#id_username", "sunli")
    page.fill("#id_password", PASSWORD)
    page.locator("form button").filter(has_text="登录").click()
    page.wait_for_selector(".erp-nav", state="attached")
    page.goto(live_server.url + reverse("accounting:voucher_create"))
    yield page
    context.close()


def _accounts():
    from erp.accounting.models import Account

    return Account.objects.get(code="1001"), Account.objects.get(code="1002")


def _fill(row, account, *, debit="", credit="", summary=SUMMARY):
    row.locator("[name=summary]").focus()  # an empty summary takes the one above on focus
    row.locator("[name=summary]").fill(summary)
    row.locator("[name=account_id]").select_option(str(account.pk))
    row.locator("[name=debit]").fill(debit)
    row.locator("[name=credit]").fill(credit)


def _saved_lines():
    from erp.accounting.models import Voucher

    voucher = Voucher.objects.get()
    lines = [(ln.account.code, ln.debit, ln.credit) for ln in voucher.lines.order_by("line_no")]
    return voucher, lines


EXPECTED = [("1001", Decimal("250.00"), Decimal(0)), ("1002", Decimal(0), Decimal("250.00"))]


def test_enter_on_last_amount_adds_a_row_that_does_not_block_saving(entry):
    from playwright.sync_api import expect

    page = entry
    cash, bank = _accounts()
    rows = page.locator("#erp-vbody tr.erp-vline")
    while rows.count() > 2:  # keep two rows: the credit of row 2 is the last amount
        rows.nth(2).locator(".erp-vremove").click()
    _fill(rows.nth(0), cash, debit="250")
    _fill(rows.nth(1), bank, credit="250")
    rows.nth(1).locator("[name=credit]").press("Enter")
    expect(rows).to_have_count(3)
    new_summary = rows.nth(2).locator("[name=summary]")
    expect(new_summary).to_be_focused()
    expect(new_summary).to_have_value(SUMMARY)  # carried down: a row with a summary only
    page.keyboard.press("Control+s")
    page.wait_for_url(re.compile(r"/accounting/vouchers/\d+/$"))
    voucher, lines = _saved_lines()
    assert voucher.state == "draft" and voucher.total == Decimal("250.00")
    assert lines == EXPECTED


def test_enter_on_an_empty_last_row_goes_to_save_instead_of_adding_rows(entry):
    from playwright.sync_api import expect

    page = entry
    rows = page.locator("#erp-vbody tr.erp-vline")
    count = rows.count()
    rows.nth(count - 1).locator("[name=credit]").press("Enter")
    expect(page.locator("#erp-voucher-form button[type=submit]:not([name])")).to_be_focused()
    expect(rows).to_have_count(count)


def test_empty_trailing_row_is_ignored_on_save(entry):
    page = entry
    cash, bank = _accounts()
    rows = page.locator("#erp-vbody tr.erp-vline")
    _fill(rows.nth(0), cash, debit="250")
    _fill(rows.nth(1), bank, credit="250")
    rows.nth(2).locator("[name=summary]").fill("备注行")  # no account, no amount
    page.locator("#erp-voucher-form button[type=submit]:not([name])").click()
    page.wait_for_url(re.compile(r"/accounting/vouchers/\d+/$"))
    _voucher, lines = _saved_lines()
    assert lines == EXPECTED


def test_ctrl_s_saves_from_anywhere_on_the_page(entry):
    page = entry
    cash, bank = _accounts()
    rows = page.locator("#erp-vbody tr.erp-vline")
    _fill(rows.nth(0), cash, debit="250")
    _fill(rows.nth(1), bank, credit="250")
    page.locator("h1.erp-page-title").click()  # focus leaves the form
    page.evaluate("document.activeElement && document.activeElement.blur()")
    assert page.evaluate("document.activeElement === document.body")
    page.keyboard.press("Control+s")
    page.wait_for_url(re.compile(r"/accounting/vouchers/\d+/$"))
    _voucher, lines = _saved_lines()
    assert lines == EXPECTED


def test_a_refused_save_names_the_row_and_the_field(entry):
    from playwright.sync_api import expect

    from erp.accounting.models import Voucher

    page = entry
    cash, bank = _accounts()
    rows = page.locator("#erp-vbody tr.erp-vline")
    _fill(rows.nth(0), cash, debit="250")
    _fill(rows.nth(1), bank)  # an account but no amount
    page.keyboard.press("Control+s")
    alert = page.locator("#erp-voucher-form .alert-danger")
    expect(alert).to_contain_text("凭证未保存")
    expect(alert).to_contain_text("第 2 行：请输入金额")
    expect(alert).not_to_contain_text("记账")  # a draft save, not a posting
    expect(alert).not_to_contain_text("第 1 行")
    expect(page.locator("#erp-vbody tr.erp-vline.table-danger")).to_have_count(1)
    assert not Voucher.objects.exists()

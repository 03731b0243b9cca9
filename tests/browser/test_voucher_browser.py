"""A manual voucher in a real browser: the 会计 enters it on the keyboard-friendly page (Enter
moves on, "=" fills the balancing amount, Ctrl+S saves), the 财务经理 reviews it, the 会计
posts it and prints it; the PDF holds the Chinese text and page 1 renders (pdftoppm).
Debian's /usr/bin/chromium through Playwright (never `playwright install`)."""

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM

PASSWORD = "pw-Browser-2026"
SHOTS = os.environ.get("ERP_SCREENSHOTS", "")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
]


@pytest.fixture
def books(make_user):
    from django.utils import timezone

    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year

    admin = make_user("admin", "admin", password=PASSWORD)
    chart_seed(actor=admin, standard="enterprise")
    this_year = timezone.localdate().year
    for year in range(this_year - 1, this_year + 2):  # around today, across a year boundary
        periods_create_year(actor=admin, year=year)
    return {
        "acc": make_user("sunli", "accountant", password=PASSWORD, full_name="孙莉"),
        "fm": make_user("machao", "finance_manager", password=PASSWORD, full_name="马超"),
    }


def _session(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live_server.url + reverse("iam:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button").filter(has_text="登录").click()
    page.wait_for_selector(".erp-nav", state="attached")
    return context, page


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _action(page, name):
    page.locator(f"form[action$='/{name}/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_enter_review_post_print(live_server, browser, books, tmp_path):
    from playwright.sync_api import expect

    from erp.accounting.models import Account, Voucher

    cash, bank = Account.objects.get(code="1001"), Account.objects.get(code="1002")

    # 1. The 会计 enters the voucher with the keyboard only.
    context, page = _session(browser, live_server, "sunli")
    page.goto(live_server.url + reverse("accounting:voucher_create"))
    rows = page.locator("#erp-vbody tr.erp-vline")
    first, second = rows.nth(0), rows.nth(1)
    first.locator("[name=summary]").fill("提取备用金")
    first.locator("[name=summary]").press("Enter")  # Enter moves to the account
    first.locator("[name=account_id]").select_option(str(cash.pk))
    first.locator("[name=account_id]").press("Enter")
    expect(first.locator("[name=debit]")).to_be_focused()
    page.keyboard.type("3600.50")
    second.locator("[name=summary]").focus()  # the summary is carried down
    expect(second.locator("[name=summary]")).to_have_value("提取备用金")
    second.locator("[name=account_id]").select_option(str(bank.pk))
    second.locator("[name=credit]").focus()
    page.keyboard.press("=")  # fills the amount that balances the voucher
    expect(second.locator("[name=credit]")).to_have_value("3600.50")
    expect(page.locator("#erp-vtd")).to_have_text("3,600.50")
    expect(page.locator("#erp-vtc")).to_have_text("3,600.50")
    _shot(page, "voucher-entry")
    page.keyboard.press("Control+s")
    page.wait_for_url(re.compile(r"/accounting/vouchers/\d+/$"))
    voucher = Voucher.objects.get()
    assert voucher.state == "draft" and voucher.total == Decimal("3600.50")
    _action(page, "review")  # the author may not review their own voucher
    expect(page.locator(".erp-toast-danger")).to_have_count(1)
    voucher.refresh_from_db()
    assert voucher.state == "draft"
    context.close()

    # 2. The 财务经理 reviews it.
    context, page = _session(browser, live_server, "machao")
    page.goto(live_server.url + reverse("accounting:voucher_detail", args=[voucher.pk]))
    _action(page, "review")
    voucher.refresh_from_db()
    assert voucher.state == "reviewed" and voucher.reviewed_by.username == "machao"
    context.close()

    # 3. The 会计 posts it (number assigned) and prints it.
    context, page = _session(browser, live_server, "sunli")
    page.goto(live_server.url + reverse("accounting:voucher_detail", args=[voucher.pk]))
    _action(page, "post")
    voucher.refresh_from_db()
    assert voucher.state == "posted" and voucher.number.endswith("记-0001")
    expect(page.locator("body")).to_contain_text(voucher.number)
    _shot(page, "voucher-posted")
    response = page.request.get(
        live_server.url + reverse("accounting:voucher_print", args=[voucher.pk])
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "voucher.pdf"
    pdf.write_bytes(response.body())
    context.close()

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    words_expected = ("记 账 凭 证", "提取备用金", "1001 库存现金", "1002 银行存款", "¥3,600.50",
                      "记 字第 0001 号", "制单：孙莉", "审核：马超")  # fmt: skip
    for words in words_expected:
        assert words in text, words
    out = Path(SHOTS or tmp_path) / "voucher-print"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(out)], check=True)  # fmt: skip
    assert out.with_suffix(".png").stat().st_size > 5_000

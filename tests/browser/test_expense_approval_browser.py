"""Issue 6's "Done when" in a real browser: an employee files a ¥25,000 expense claim, the
finance manager and then the general manager approve it at phone width (375 px), the
accountant posts it, and the voucher exists. Debian's /usr/bin/chromium through Playwright."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM

PASSWORD = "pw-Browser-2026"
PHONE = {"width": 375, "height": 812}
SHOTS = os.environ.get("ERP_SCREENSHOTS", "")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


@pytest.fixture
def company(make_user):
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.expenses import expense_categories_ensure_defaults
    from erp.accounting.services.periods import periods_create_year
    from erp.approvals.demo import load_demo
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import Department

    admin = make_user("admin", "admin", password=PASSWORD)
    sales = Department.objects.create(code="SALES", name="销售部")
    people = {
        "employee": make_user("wangfang", "sales", password=PASSWORD, full_name="王芳"),
        "fm": make_user("machao", "finance_manager", password=PASSWORD, full_name="马超"),
        "gm": make_user("lihua", "general_manager", password=PASSWORD, full_name="李华东"),
        "acc": make_user("sunli", "accountant", password=PASSWORD, full_name="孙莉"),
    }
    people["employee"].department = sales
    people["employee"].save(update_fields=["department"])
    chart_seed(actor=admin, standard="enterprise")
    from django.utils import timezone

    this_year = timezone.localdate().year
    for year in range(this_year - 1, this_year + 2):  # around today, across a year boundary
        periods_create_year(actor=admin, year=year)
    numbering_rules_ensure_defaults()
    expense_categories_ensure_defaults(actor=admin)
    load_demo(actor=admin)
    return people


def _session(browser, live_server, username, viewport):
    context = browser.new_context(viewport=viewport)
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


def _approve_on_phone(browser, live_server, username, claim_number):
    from playwright.sync_api import expect

    context, page = _session(browser, live_server, username, PHONE)
    page.goto(live_server.url + reverse("approvals:inbox"))
    item = page.locator("a[data-request]").filter(has_text=claim_number)
    expect(item).to_have_count(1)
    item.click()  # tap 1
    expect(page.locator("body")).to_contain_text("¥25,000.00")
    _shot(page, f"approve-{username}")
    page.locator("button[name=action][value=approve]").click()  # tap 2
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide at phone width"
    context.close()


def test_claim_two_approvals_posted_voucher(live_server, browser, company):
    from playwright.sync_api import expect

    from erp.accounting.models import ExpenseCategory, ExpenseClaim

    # 1. The employee files and submits a ¥25,000 claim (on a phone as well).
    context, page = _session(browser, live_server, "wangfang", PHONE)
    page.goto(live_server.url + reverse("accounting:expenseclaim_create"))
    page.fill("#id_purpose", "华南区年度客户答谢会")
    entertain = ExpenseCategory.objects.get(code="ENTERTAIN")
    page.select_option("#id_lines-0-category", str(entertain.pk))
    page.fill("#id_lines-0-amount", "25000.00")
    page.select_option("#id_lines-0-tax_rate", "0.06")
    _shot(page, "claim-form")
    page.locator("#erp-record-form button[type=submit]").click()
    expect(page.locator("#claim-total")).to_have_text("¥25,000.00")
    page.locator("button[data-action=submit]").click()
    claim = ExpenseClaim.objects.get()
    assert claim.state == "submitted" and claim.number
    expect(page.locator("#claim-approval [data-action=submit]")).to_have_count(1)
    context.close()

    # 2. 财务经理 then 总经理 approve at 375 px, two taps each.
    _approve_on_phone(browser, live_server, "machao", claim.number)
    claim.refresh_from_db()
    assert claim.state == "submitted"
    _approve_on_phone(browser, live_server, "lihua", claim.number)
    claim.refresh_from_db()
    assert claim.state == "approved"

    # 3. The accountant posts it; the voucher is linked on the claim page.
    context, page = _session(browser, live_server, "sunli", {"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("accounting:expenseclaim_detail", args=[claim.pk]))
    page.locator("button[data-action=post]").click()
    claim.refresh_from_db()
    assert claim.state == "posted" and claim.voucher is not None
    expect(page.locator("#claim-vouchers")).to_contain_text(claim.voucher.number)
    _shot(page, "claim-posted")
    assert claim.voucher.state == "posted" and claim.voucher.total == Decimal("25000.00")
    history = page.locator("#claim-approval [data-action=approve]")
    expect(history).to_have_count(2)
    context.close()

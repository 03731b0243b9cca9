"""The general manager opens the dashboard on a phone (375 px): the month's figures, the
charts drawn, nothing scrolls sideways; a tap on the revenue tile lists the invoices behind it
(number + link) with their vouchers. Screenshots go to $ERP_SHOTS (optional)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM
from tests.browser.fixtures import login

SHOTS = os.environ.get("ERP_SHOTS", "")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


def test_general_manager_reads_the_dashboard_on_a_phone(live_server, phone):
    from playwright.sync_api import expect

    from erp.reports.tests import scenario

    s = scenario.build()
    page, url = phone, live_server.url
    login(page, url, "zongjingli", "pw-Secret-123")
    page.goto(url + reverse("reports:dashboard"))
    expect(page.locator("#erp-kpi-revenue .erp-kpi-value")).to_have_text("¥1,500.00")
    expect(page.locator("#erp-kpi-margin .erp-kpi-value")).to_have_text("¥1,280.00")
    expect(page.locator("#erp-trend-chart canvas")).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 376, f"the dashboard scrolls sideways at 375 px ({width} px)"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reports-dashboard-375.png", full_page=True)
    page.locator("#erp-kpi-revenue").click()  # the whole tile is the link
    table = page.locator("#erp-report-table")
    expect(table).to_contain_text(s["inv1"].number)
    expect(table).to_contain_text(s["inv2"].number)
    expect(table.locator(f"a:text('{s['inv1'].voucher.number}')")).to_have_count(1)
    page.locator(f"#erp-report-table a:text('{s['inv1'].number}')").click()
    expect(page).to_have_url(url + reverse("sales:salesinvoice_detail", args=[s["inv1"].pk]))

"""The demo planner on a phone (375 px): runs MRP from the workbench, sees the proposals in
Chinese, drills into the paint's time-phased view and pegging (the quarantined lot named as
not usable), firms everything in one action and gets the documents named. Screenshots go
to $ERP_SHOTS (optional)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM
from tests.browser.fixtures import login

from .conftest import make_world

SHOTS = os.environ.get("ERP_SHOTS", "")
PASSWORD = "pw-Browser-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_planner_runs_and_firms_on_a_phone(live_server, phone, make_user):
    from playwright.sync_api import expect

    from erp.mrp.models import PlannedOrder

    world = make_world()
    make_user("huang.lei", "planner", password=PASSWORD, full_name="黄磊")
    page, url = phone, live_server.url
    login(page, url, "huang.lei", PASSWORD)

    page.goto(url + reverse("mrp:workbench"))
    expect(page.get_by_text("还没有 MRP 运算")).to_be_visible()
    page.locator("[data-action=mrp-run]").click()
    table = page.locator("table.mrp-planned")
    expect(table).to_contain_text("FG-PAINT")
    expect(table).to_contain_text("计划生产")
    expect(table).to_contain_text("SO-TEST-1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 380
    shot(page, "mrp-workbench-375")

    page.locator("table.mrp-planned a", has_text="FG-PAINT").first.click()
    expect(page.locator("table.mrp-phased")).to_contain_text("预计结存")
    expect(page.locator("table.mrp-exceptions")).to_contain_text("FG-QA")
    expect(page.locator("table.mrp-exceptions")).to_contain_text("待检")
    assert page.evaluate("document.documentElement.scrollWidth") <= 380
    shot(page, "mrp-material-375")

    page.go_back()
    page.locator("table.mrp-planned thead input[type=checkbox]").check()
    page.locator("[data-action=mrp-firm]").click()
    expect(page.get_by_text("已确认：")).to_be_visible()
    shot(page, "mrp-firmed-375")
    assert not PlannedOrder.objects.filter(state="proposed").exists()
    assert world["fg"].pk

"""From an empty database to a locked cut-over in a real browser: the first page is the set-up
wizard, it creates the company, chart, periods and administrator and logs them in; the
administrator adds a department, and the finance manager's cockpit locks the (green, empty)
cut-over. Screenshots at desktop width and at 375 px go to $ERP_SCREENSHOT_DIR when set."""

import os
from pathlib import Path

import pytest

from tests.browser.chromium import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]
SHOTS = os.environ.get("ERP_SCREENSHOT_DIR", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_wizard_to_locked_cut_over(live_server, browser, roles):
    from playwright.sync_api import expect

    from erp.golive.models import CutOver
    from erp.iam.models import Department, User

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/golive/setup/")
    expect(page.locator("h1")).to_contain_text("首次设置")
    _shot(page, "wizard-desktop")

    page.fill("#id_company_name", "苏州新材料有限公司")
    page.fill("#id_address", "江苏省苏州市工业园区")
    page.check("input[name=standard][value=enterprise]")
    page.fill("#id_first_period", "2026-10")
    page.fill("#id_admin_username", "boss")
    page.fill("#id_admin_full_name", "王建国")
    page.fill("#id_admin_password", "Go-Live-2026!x")
    page.fill("#id_admin_password2", "Go-Live-2026!y")  # typo: the form says so
    page.get_by_role("button", name="完成设置").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("两次输入的密码不一致")
    assert not User.objects.exists()
    page.fill("#id_admin_password", "Go-Live-2026!x")
    page.fill("#id_admin_password2", "Go-Live-2026!x")
    page.get_by_role("button", name="完成设置").click()

    expect(page).to_have_url(live_server.url + "/golive/cockpit/")
    expect(page.locator("h1")).to_contain_text("上线驾驶舱")
    expect(page.locator("[data-item=chart] .bi-check-circle-fill")).to_have_count(1)
    expect(page.locator("[data-item=departments] .bi-circle")).to_have_count(1)
    _shot(page, "cockpit-desktop")

    # A department with its head, from the cockpit's link.
    page.locator("[data-item=departments] a").click()
    page.get_by_role("link", name="新建部门").click()
    page.fill("#id_code", "prod")
    page.fill("#id_name", "生产部")
    page.select_option("#id_head", label="王建国")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("table")).to_contain_text("生产部")
    assert Department.objects.get(code="prod").head.username == "boss"

    # The wizard is gone for good.
    page.goto(live_server.url + "/golive/setup/")
    expect(page).not_to_have_url(live_server.url + "/golive/setup/")

    # Lock: the empty books tie out (0 = 0), the administrator locks.
    page.goto(live_server.url + "/golive/cockpit/")
    page.get_by_role("button", name="锁定上线切换").click()
    expect(page.locator("[data-item=locked] .bi-check-circle-fill")).to_have_count(1)
    assert CutOver.objects.get().locked

    phone = browser.new_context(viewport={"width": 375, "height": 800})
    small = phone.new_page()
    small.goto(live_server.url + "/golive/setup/")  # a user exists: the login page instead
    expect(small.locator("h1")).to_contain_text("登录")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/golive/cockpit/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the cockpit scrolls sideways at 375 px ({width} px)"
    _shot(page, "cockpit-375")
    phone.close()
    context.close()


def test_wizard_at_375_px(live_server, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/golive/setup/")
    expect(page.locator("h1")).to_contain_text("首次设置")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, f"the wizard scrolls sideways at 375 px ({width} px)"
    _shot(page, "wizard-375")
    context.close()

"""A real browser walks through the shell: log in, Chinese home, switch to English in the user
menu, open a list. Drives Debian's /usr/bin/chromium through Playwright (never
`playwright install`)."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM

# The list page the walk ends on; switch to "masterdata:material_list" once it exists.
LIST_URL_NAME = "masterdata:material_list"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_log_in_switch_language_and_open_a_list(live_server, browser_page, make_user):
    from playwright.sync_api import expect

    make_user("admin", "admin", password="pw-Browser-2026", full_name="系统管理员")
    from erp.masterdata.models import Material, MaterialCategory, Unit

    kg = Unit.objects.create(code="kg", name="千克", kind="mass")
    resin = MaterialCategory.objects.create(code="RM", name="树脂")
    for code, name in (("RM-1001", "环氧树脂 E-51"), ("RM-1002", "环氧树脂 E-44")):
        Material.objects.create(
            code=code,
            name=name,
            category=resin,
            base_unit=kg,
            inventory_type="raw",
            procurement="buy",
            shelf_life_days=365,
        )
    page = browser_page

    page.goto(live_server.url + reverse("core:home"))
    expect(page).to_have_url(live_server.url + reverse("iam:login") + "?next=/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw-Browser-2026")
    page.locator("form button").filter(has_text="登录").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator(".erp-nav")).to_contain_text("首页")
    expect(page.locator(".erp-nav")).to_contain_text("设置")
    expect(page.locator("h1")).to_contain_text("您好，系统管理员")

    page.click("#erp-user-menu")
    page.locator(".erp-language-form button[value=en]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".erp-nav")).to_contain_text("Settings")
    expect(page.locator("h1")).to_contain_text("Hello, 系统管理员")
    page.click("#erp-user-menu")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(live_server.url + reverse(LIST_URL_NAME))
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == 2
    expect(page.locator("h1")).to_contain_text("Materials")
    expect(page.locator("table tbody")).to_contain_text("RM-1001")
    expect(page.locator("table tbody")).to_contain_text("环氧树脂 E-44")

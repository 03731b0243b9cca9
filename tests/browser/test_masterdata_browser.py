"""A real browser walks the demo company's master data: material, customer and warehouse
lists and detail pages, then creates a material through the form (unit pickers, one
conversion line) and finds it in the list; the material list is also checked at phone width
(one card per row). Drives Debian's /usr/bin/chromium through Playwright."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM

PASSWORD = "pw-Browser-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


@pytest.fixture
def demo_admin(make_user):
    from erp.masterdata.demo import load_demo

    admin = make_user("admin", "admin", password=PASSWORD, full_name="系统管理员")
    load_demo(actor=admin)
    return admin


def _logged_in(browser, live_server, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(live_server.url + reverse("iam:login"))
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.locator("form button").filter(has_text="登录").click()
    page.wait_for_selector(".erp-nav", state="attached")
    return page


def _pick(page, field_id: str, typed: str, option_text: str) -> None:
    page.locator(f"#{field_id}").fill(typed)
    page.locator(f"#{field_id} ~ .erp-picker-menu .erp-picker-option").filter(
        has_text=option_text
    ).first.click()


def test_walk_demo_master_data_and_create_a_material(live_server, browser, demo_admin):
    from playwright.sync_api import expect

    from erp.masterdata.models import Material, MaterialCategory

    page = _logged_in(browser, live_server, 1366)
    url = live_server.url

    page.goto(url + reverse("masterdata:material_list") + "?q=环氧树脂")
    expect(page.locator("table.erp-list tbody")).to_contain_text("RM-1001")
    page.locator("table.erp-list tbody a", has_text="RM-1001").click()
    expect(page.locator("h1")).to_contain_text("环氧树脂 E-51")
    expect(page.locator(".erp-lines-view")).to_contain_text("1 桶")

    page.goto(url + reverse("masterdata:customer_list"))
    expect(page.locator("table.erp-list tbody tr")).to_have_count(20)
    page.locator("table.erp-list tbody a", has_text="C002").click()
    expect(page.locator("h1")).to_contain_text("厦门海沧钢构工程有限公司")
    tables = page.locator(".erp-lines-view")
    expect(tables.nth(0)).to_contain_text("陈志强")  # contacts
    expect(tables.nth(1)).to_contain_text("新阳工业区")  # delivery addresses

    page.goto(url + reverse("masterdata:warehouse_list"))
    expect(page.locator("table.erp-list tbody")).to_contain_text("待检仓")
    page.locator("table.erp-list tbody a", has_text="WH-RM").click()
    expect(page.locator(".erp-lines-view")).to_contain_text("A-01")

    page.goto(url + reverse("masterdata:material_create"))
    page.fill("#id_code", "RM-9001")
    page.fill("#id_name", "环氧树脂 E-20")
    page.fill("#id_specification", "固体，25kg/袋")
    page.select_option("#id_category", str(MaterialCategory.objects.get(code="RM-RES").pk))
    page.select_option("#id_inventory_type", "raw")
    page.select_option("#id_procurement", "buy")
    _pick(page, "id_base_unit", "kg", "千克")
    _pick(page, "id_purchase_unit", "袋", "袋")
    page.fill("#id_shelf_life_days", "365")
    page.locator(".erp-line-add").click()
    _pick(page, "id_conversions-0-from_unit", "袋", "袋")
    _pick(page, "id_conversions-0-to_unit", "kg", "千克")
    page.fill("#id_conversions-0-factor", "25")
    page.locator("#erp-record-form button[type=submit]").click()

    expect(page.locator("h1")).to_contain_text("RM-9001")
    expect(page.locator(".erp-lines-view")).to_contain_text("1 袋")
    material = Material.objects.get(code="RM-9001")
    assert material.purchase_unit.code == "袋" and material.conversions.get().factor == 25

    page.goto(url + reverse("masterdata:material_list") + "?q=RM-9001")
    expect(page.locator("table.erp-list tbody")).to_contain_text("环氧树脂 E-20")


def test_material_list_is_one_card_per_row_on_a_phone(live_server, browser, demo_admin):
    from playwright.sync_api import expect

    page = _logged_in(browser, live_server, 375)
    page.goto(live_server.url + reverse("masterdata:material_list"))
    first = page.locator("table.erp-list tbody tr").first
    expect(first).to_be_visible()
    assert page.locator("table.erp-list thead").is_hidden()
    # Nothing scrolls sideways: the card fits the screen.
    box = first.bounding_box()
    assert box is not None and box["width"] <= 375
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375

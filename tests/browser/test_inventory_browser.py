"""A 仓管员 on a phone (375 px): receives an 其他入库 with a new lot and posts it, counts the
warehouse (with found stock) and posts the count, then reads the balance page; issuing from a
quarantine lot shows the Chinese error naming the lot. Screenshots go to $ERP_SHOTS (optional).
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM

SHOTS = os.environ.get("ERP_SHOTS", "")
PASSWORD = "pw-Browser-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


def _pick(page, field_id: str, typed: str, option_text: str) -> None:
    """The document forms use the type-ahead material picker (document kit)."""
    page.locator(f"#{field_id}").fill(typed)
    page.locator(f"#{field_id} ~ .erp-picker-menu .erp-picker-option").filter(
        has_text=option_text
    ).first.click()


@pytest.fixture
def plant(make_user):
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.inventory.services import ReceiptLine, StockSource, stock_receive
    from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

    numbering_rules_ensure_defaults()
    keeper = make_user("wang.fang", "warehouse", password=PASSWORD, full_name="王芳")
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    a01 = Location.objects.create(warehouse=wh, code="A-01", name="A区01", type="storage")

    def material(code, name, **kw):
        return Material.objects.create(
            code=code,
            name=name,
            category=cat,
            inventory_type="raw",
            procurement="buy",
            base_unit=kg,
            batch_managed=True,
            shelf_life_days=365,
            **kw,
        )

    resin = material("RM-RESIN", "环氧树脂")
    pigment = material("RM-PIGMENT", "钛白粉", qc_required=True)
    stock_receive(
        actor=keeper,
        lines=[ReceiptLine(pigment.pk, a01.pk, Decimal(20), Decimal(8), lot_number="PG-Q1")],
        posting_date=__import__("datetime").date.today(),
        source=StockSource("test.setup", 1),
    )
    return {"wh": wh, "a01": a01, "resin": resin, "pigment": pigment}


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def log_in(page, url):
    page.goto(url + reverse("iam:login"))
    page.fill("#id_username", "wang.fang")
    page.fill("#id_password", PASSWORD)
    page.locator("form button").filter(has_text="登录").click()


def no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 380


def test_keeper_receives_counts_and_reads_balances_on_a_phone(live_server, phone, plant):
    from playwright.sync_api import expect

    from erp.inventory.integrity import stock_ledger_differences

    page, url = phone, live_server.url
    log_in(page, url)
    expect(page.locator("h1")).to_contain_text("王芳")

    # 其他入库 with a new lot, saved as a draft then posted.
    page.goto(url + reverse("inventory:otherreceipt_create"))
    page.select_option("#id_warehouse", str(plant["wh"].pk))
    _pick(page, "id_lines-0-material", "RM-RESIN", "RM-RESIN")
    page.fill("#id_lines-0-quantity", "120")
    page.select_option("#id_lines-0-location", str(plant["a01"].pk))
    page.fill("#id_lines-0-lot_number", "RS-260301")
    page.fill("#id_lines-0-unit_cost", "15.5")
    shot(page, "01-receipt-form")
    page.locator("#erp-record-form button[type=submit]").click()
    page.locator("button[data-action=post]").click()
    expect(page.locator("#erp-messages")).to_contain_text("已过账")
    shot(page, "02-receipt-posted")
    no_horizontal_scroll(page)

    # 盘点: whole warehouse, freeze, count on the phone, add found stock, post.
    page.goto(url + reverse("inventory:stockcount_create"))
    page.select_option("#id_warehouse", str(plant["wh"].pk))
    page.locator("#erp-record-form button[type=submit]").click()
    page.locator("button[data-action=freeze]").click()
    page.get_by_role("link", name="录入盘点").click()
    cards = page.locator("#count-entry .count-card")
    expect(cards).to_have_count(2)
    for card in page.locator("#count-entry .count-card").filter(has_text="RS-260301").all():
        card.locator("input").fill("118")
    page.locator("#count-entry .count-card").filter(has_text="PG-Q1").locator("input").fill("20")
    page.get_by_role("button", name="保存盘点数").click()
    expect(page.locator("#erp-messages")).to_contain_text("盘点数已保存")
    page.locator("#found-stock summary").click()
    page.select_option("#id_found-material", str(plant["resin"].pk))
    page.select_option("#id_found-location", str(plant["a01"].pk))
    page.fill("#id_found-lot_number", "RS-FOUND")
    page.fill("#id_found-quantity", "5")
    shot(page, "03-count-entry-found")
    page.locator("#found-add").click()
    expect(page.locator(".count-card").filter(has_text="RS-FOUND")).to_be_visible()
    shot(page, "04-count-entry-after")
    no_horizontal_scroll(page)
    page.get_by_role("link", name="返回盘点单").click()
    page.locator("button[data-action=post]").click()
    expect(page.locator("#erp-messages")).to_contain_text("已过账")
    expect(page.locator("#count-accuracy")).to_contain_text("(1/3)")
    shot(page, "05-count-posted")

    # 现存量: 120 − 2 (count loss) in RS-260301, 5 found in RS-FOUND.
    page.goto(url + reverse("inventory:stock_on_hand") + f"?material={plant['resin'].pk}")
    table = page.locator("table").first
    expect(table).to_contain_text("RS-260301")
    expect(table).to_contain_text("118")
    expect(table).to_contain_text("RS-FOUND")
    shot(page, "06-balances")
    assert stock_ledger_differences() == []


def test_issue_from_quarantine_lot_names_the_lot(live_server, phone, plant):
    from playwright.sync_api import expect

    from erp.inventory.models import Lot, StockMove

    page, url = phone, live_server.url
    log_in(page, url)
    lot = Lot.objects.get(number="PG-Q1")
    page.goto(url + reverse("inventory:otherissue_create"))
    page.select_option("#id_warehouse", str(plant["wh"].pk))
    _pick(page, "id_lines-0-material", "RM-PIGMENT", "RM-PIGMENT")
    page.fill("#id_lines-0-quantity", "5")
    page.select_option("#id_lines-0-location", str(plant["a01"].pk))
    _pick(page, "id_lines-0-lot", "PG-Q1", "PG-Q1")
    page.locator("#erp-record-form button[type=submit]").click()
    page.locator("button[data-action=post]").click()
    error = page.locator("#erp-messages")
    expect(error).to_contain_text("批次 PG-Q1")
    expect(error).to_contain_text("待检")
    shot(page, "07-quarantine-refused")
    assert not StockMove.objects.filter(lot=lot, from_location__isnull=False).exists()

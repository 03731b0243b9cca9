"""The formula editor on a phone (375 px): the running Σ of the bulk lines follows the line
modes as the user types (absolute lines at the batch size, the balance line takes the rest)
and warns when the balance line would be negative; the page does not scroll sideways."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM
from tests.browser.fixtures import login

PASSWORD = "pw-Browser-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


def test_running_total_follows_the_modes_on_a_phone(live_server, phone, plant, make_user):
    from playwright.sync_api import expect

    from erp.production.services.formulas import formula_create

    user = make_user("jishu.li", "planner", password=PASSWORD)
    p = plant
    draft = formula_create(
        actor=user,
        header={"product_id": p["paint"].pk, "batch_size": Decimal("1000")},
        lines=[
            {"material_id": p["resin"].pk, "percentage": Decimal("40")},
            {"material_id": p["pigment"].pk, "mode": "absolute", "quantity": Decimal("300")},
            {"material_id": p["solvent"].pk, "mode": "balance"},
        ],
    )
    page, url = phone, live_server.url
    login(page, url, "jishu.li", PASSWORD)
    page.goto(url + reverse("production:formula_edit", args=[draft.pk]))
    badge = page.locator("#formula-running-total")
    # 40 % + 300 / 1,000 = 70 %: the balance line takes 30 %.
    expect(badge).to_contain_text("70 %")
    expect(badge).to_contain_text("30 %")
    page.locator('input[name$="-percentage"]').first.fill("75")
    # 75 % + 30 % = 105 %: the balance line would be negative.
    expect(badge).to_contain_text("105 %")
    expect(badge).to_have_class("badge text-wrap text-bg-warning")
    page.locator('input[name$="-percentage"]').first.fill("60")
    expect(badge).to_contain_text("90 %")
    expect(badge).to_have_class("badge text-wrap text-bg-success")
    assert page.evaluate("document.documentElement.scrollWidth") <= 380

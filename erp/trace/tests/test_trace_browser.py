"""A 质量经理 on a phone (375 px): finds a lot by the supplier's lot number, reads its trace
(both trees, the customer reached, the mass balance) without the page scrolling sideways,
opens a recall case from it and holds all affected stock. Screenshots go to $ERP_SHOTS."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.inventory.models import Lot
from erp.trace.chain import Chain
from erp.trace.tests.conftest import masters
from tests.browser.chromium import CHROMIUM
from tests.browser.fixtures import login

SHOTS = os.environ.get("ERP_SHOTS", "")
PASSWORD = "pw-Browser-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]


@pytest.fixture
def small_chain(make_user):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    m = masters()
    chain = Chain(
        actor=make_user("builder", "admin"),
        on=timezone.localdate(),
        warehouse=m["warehouse"],
        location=m["location"],
    )
    mats = m["materials"]
    chain.receive(mats["RA"], m["supplier"], {"RA-0": ("100", "SUP-778")})
    chain.receive(mats["RB"], m["supplier"], {"RB-0": ("100", "SUP-779")})
    chain.produce(mats["FIN"], "F-0", "10", {"RA-0": "4", "RB-0": "4"})
    chain.deliver(m["customers"][0], "F-0", "6")
    return chain


def test_quality_manager_traces_and_recalls_on_a_phone(live_server, phone, small_chain, make_user):
    make_user("xu.li", "quality_manager", password=PASSWORD, full_name="徐丽")
    page, url = phone, live_server.url
    login(page, url, "xu.li", PASSWORD)

    page.goto(url + reverse("trace:lot_search"))
    page.fill("#id_q", "SUP-778")
    page.locator("#erp-trace-search button").click()
    page.wait_for_selector("#erp-trace-forward")
    text = page.locator("body").inner_text()
    assert "批次追溯 RA-0" in text and "F-0" in text and "苏州涂装" in text
    assert page.locator("#erp-trace-forward tr[data-lot='F-0']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/trace-phone.png", full_page=True)

    page.get_by_role("link", name="新建召回单").click()
    page.fill("#id_reason", "客户投诉 KS-2026-031")
    page.locator("#recall-form button[type=submit]").click()
    page.wait_for_selector("#erp-recall-section")
    page.get_by_role("button", name="冻结全部涉及库存").click()
    page.wait_for_load_state()
    assert "库存已冻结" in page.locator("body").inner_text()
    assert Lot.objects.get(number="RA-0").status == "blocked"
    assert Lot.objects.get(number="F-0").status == "blocked"  # 4 still in stock

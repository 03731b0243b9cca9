"""Issue #13 points 1 and 2 as a new user meets them on the demo, at 1366 and 375 px:

- 单据联查: from a lot page to the receipt that brought the lot in, from the receipt to its
  voucher and back — every reference is the document's number and a link, never a raw code
  like `purchasing.goodsreceipt 1`;
- global search: an exact document or voucher number opens the record, a prefix lists it, and
  our lot number and the supplier's lot number find the lot.

Screenshots go to $ERP_SCREENSHOT_DIR (e.g. /tmp/h13-shots) when set."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.chromium import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium package"),
]
SHOTS = os.environ.get("ERP_SCREENSHOT_DIR", "")
WIDTHS = (1366, 375)
RAW_CODE = re.compile(r"\b[a-z]+\.[a-z]+ \S")  # "inventory.otherreceipt 1", "accounting.x EX…"


@pytest.fixture
def demo_walk(live_server, browser):
    """The demo loaded; per width a logged-in page (the administrator, as a new company's
    first user is)."""
    from erp.core.demo import DEMO_PASSWORD, demo_load

    demo_load()
    pages = {}
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(live_server.url + reverse("iam:login"))
        page.fill("#id_username", "admin")
        page.fill("#id_password", DEMO_PASSWORD)
        page.locator("form button").filter(has_text="登录").click()
        page.wait_for_selector(".erp-nav", state="attached")
        pages[width] = page
    return live_server.url, pages


def _shot(page, name: str, width: int) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def _main_text(page) -> str:
    return page.locator("main").inner_text()


def _no_raw_code(page) -> None:
    text = _main_text(page)
    assert not RAW_CODE.search(text), RAW_CODE.search(text).group(0)


def _receipt_with_lot_and_voucher():
    """A posted goods receipt (入库单, GR…) that brought a lot in, with its voucher."""
    from erp.accounting.models import Voucher
    from erp.inventory.models import StockMove
    from erp.purchasing.models import GoodsReceipt

    for receipt in GoodsReceipt.objects.exclude(number="").order_by("number"):
        source = {"source_type": "purchasing.goodsreceipt", "source_id": str(receipt.pk)}
        move = StockMove.objects.filter(**source, lot__isnull=False).first()
        voucher = Voucher.objects.filter(**source, state="posted").first()
        if move is not None and voucher is not None:
            return move.lot, receipt, voucher
    raise AssertionError("the demo has no posted goods receipt with a lot and a voucher")


def _follow(page, text: str) -> None:
    """Click the link whose text is exactly `text` in the page body and wait for the page."""
    link = page.locator("main a", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")).first
    with page.expect_navigation():
        link.click()


def test_lot_to_receipt_to_voucher_and_back(demo_walk):
    base, pages = demo_walk
    from erp.core.references import document_ref

    lot, receipt, voucher = _receipt_with_lot_and_voucher()
    receipt_label = str(document_ref("purchasing.goodsreceipt", receipt.pk).label)
    lot_url = base + reverse("inventory:lot_trace", args=[lot.pk])
    for width, page in pages.items():
        page.goto(lot_url)
        _shot(page, "1-lot", width)
        assert lot.number in _main_text(page)
        _no_raw_code(page)

        _follow(page, receipt.number)  # lot → the receipt that brought it in
        _shot(page, "2-receipt", width)
        assert receipt.number in page.locator("h1, .erp-page-title").first.inner_text()
        _no_raw_code(page)

        _follow(page, voucher.number)  # receipt → its voucher
        _shot(page, "3-voucher", width)
        assert voucher.number in _main_text(page)
        assert f"{receipt_label} {receipt.number}" in _main_text(page)  # type name + number
        _no_raw_code(page)

        _follow(page, receipt.number)  # voucher → back to its source document
        assert receipt.number in page.locator("h1, .erp-page-title").first.inner_text()
        page.go_back()
        page.go_back()
        page.go_back()
        assert page.url == lot_url


def _search(page, base: str, width: int, text: str) -> None:
    """Type into the search box as a user does: the top bar's at desktop width, the search
    page's (behind the magnifier icon) on a phone."""
    if width >= 768:
        box = page.locator("header .erp-search input[name=q]")
    else:
        page.goto(base + "/")
        with page.expect_navigation():
            page.locator("header a[aria-label]").filter(has=page.locator(".bi-search")).click()
        box = page.locator("main input[name=q]")
    box.fill(text)
    with page.expect_navigation():
        box.press("Enter")


def test_search_opens_exact_numbers_and_lists_prefixes(demo_walk):
    from erp.accounting.models import Voucher

    base, pages = demo_walk
    lot, receipt, _voucher = _receipt_with_lot_and_voucher()
    voucher = Voucher.objects.filter(number__contains=" 记-0001").order_by("date").first()
    assert Voucher.objects.filter(number__contains=" 记-0001").count() > 1  # Oct and Nov
    lot_supplier = type(lot).objects.exclude(supplier_lot="").order_by("number").first()
    for width, page in pages.items():
        page.goto(base + "/")
        _search(page, base, width, receipt.number)  # exact: straight to the receipt
        assert page.url.rstrip("/").endswith(f"/{receipt.pk}"), page.url
        assert receipt.number in page.locator("h1, .erp-page-title").first.inner_text()

        _search(page, base, width, voucher.number)  # "2026-10 记-0001"
        assert f"/{voucher.pk}/" in page.url, page.url
        assert voucher.number in _main_text(page)

        _search(page, base, width, receipt.number[:6])  # prefix "GR2026": a list with it
        _shot(page, "4-search-prefix", width)
        assert "/search/" in page.url
        hits = page.locator("main .erp-search-hit")
        assert hits.filter(has_text=receipt.number).count() == 1

        _search(page, base, width, "记-0001")  # the voucher's short number
        _shot(page, "5-search-voucher-word", width)
        # Several months of the demo have a 记-0001: listed, each with its month and state.
        assert "/search/" in page.url, page.url
        hit = page.locator("main .erp-search-hit", has_text=voucher.number)
        assert hit.count() == 1 and "已过账" in hit.inner_text()

        _search(page, base, width, lot.number)  # our lot number
        assert lot.number in _main_text(page) and "/lots/" in page.url, page.url

        _search(page, base, width, lot_supplier.supplier_lot)  # the supplier's lot number
        _shot(page, "6-search-supplier-lot", width)
        # A supplier's lot number is not ours (two of our lots may share it): always a list.
        assert "/search/" in page.url, page.url
        hit = page.locator("main .erp-search-hit", has_text=lot_supplier.number)
        assert hit.count() == 1

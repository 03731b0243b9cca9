"""单据联查 and search by number: a document is shown as 类型名 + number + link on the lot page,
the stock ledger, the voucher page and in exports, and the global search finds it by number
(an exact number opens it)."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from erp.accounting.models import Voucher
from erp.core.references import document_ref, document_refs
from erp.inventory.models import StockMove

from . import test_stock_wiring as wiring
from .test_stock_wiring import receive

# The stock wiring fixtures (a plant, a keeper, posting rules), shared with that module.
keeper = wiring.keeper
plant = wiring.plant
rules = wiring.rules

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _chinese(_english):
    """Pages are read as a Chinese user reads them (the app conftest switches to English)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield


@pytest.fixture
def posted(rules, keeper, plant):
    return receive(keeper, plant, qty="10", cost="12.50")


@pytest.fixture
def boss(client, make_user):
    user = make_user("boss", "admin")
    client.force_login(user)
    return client


def test_reference_names_the_type_the_number_and_links(posted):
    ref = document_ref("inventory.otherreceipt", posted.pk)
    assert str(ref) == f"其他入库单 {posted.number}"
    assert ref.url == f"/inventory/other-receipts/{posted.pk}/"
    assert f'<a href="{ref.url}">{posted.number}</a>' in ref.__html__()


def test_references_resolve_in_one_query_per_type(posted, django_assert_num_queries):
    pairs = [("inventory.otherreceipt", posted.pk)] * 5 + [("golive.openingstock", "2026-01-01")]
    with django_assert_num_queries(1):
        refs = document_refs(pairs)
    assert str(refs[("golive.openingstock", "2026-01-01")]) == "期初库存 2026-01-01"


def test_lot_page_and_ledger_link_the_source_document(boss, posted, plant):
    move = StockMove.objects.get(source_type="inventory.otherreceipt")
    detail = f'<a href="/inventory/other-receipts/{posted.pk}/">{posted.number}</a>'
    page = boss.get(
        "/inventory/reports/ledger/",
        {"material": plant["resin"].pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert detail in page and "inventory.otherreceipt" not in page
    xlsx = b"".join(  # the ledger export streams (a FileResponse)
        boss.get(
            "/inventory/reports/ledger/", {"material": plant["resin"].pk, "export": "xlsx"}
        ).streaming_content
    )
    cells = [
        c for row in load_workbook(BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row
    ]
    assert f"其他入库单 {posted.number}" in cells
    if move.lot_id:
        lot_page = boss.get(f"/inventory/lots/{move.lot_id}/").content.decode()
        assert detail in lot_page


def test_voucher_page_names_and_links_its_source(boss, posted):
    voucher = Voucher.objects.get(source_type="inventory.otherreceipt")
    page = boss.get(f"/accounting/vouchers/{voucher.pk}/").content.decode()
    assert "其他入库单" in page
    assert f'<a href="/inventory/other-receipts/{posted.pk}/">{posted.number}</a>' in page


def test_search_finds_a_document_by_number_prefix_and_opens_an_exact_hit(boss, posted):
    prefix = posted.number[:6]
    page = boss.get("/search/", {"q": prefix})
    assert page.status_code == 200 and posted.number in page.content.decode()
    exact = boss.get("/search/", {"q": posted.number.lower()})
    assert exact.status_code == 302
    assert exact["Location"] == f"/inventory/other-receipts/{posted.pk}/"


def test_search_does_not_show_documents_to_users_without_the_view_permission(
    client, make_user, posted
):
    client.force_login(make_user("nobody"))
    page = client.get("/search/", {"q": posted.number})
    assert page.status_code == 200
    assert f"/inventory/other-receipts/{posted.pk}/" not in page.content.decode()


def test_search_finds_a_voucher_by_the_number_written_on_it(boss, posted):
    """A voucher's number is stored with its period ("2026-12 转-0001"); users type 转-0001."""
    voucher = Voucher.objects.get(source_type="inventory.otherreceipt")
    _period, written = voucher.number.split(" ")
    page = boss.get("/search/", {"q": written[:3]})
    assert page.status_code == 200 and voucher.number in page.content.decode()
    # The voucher's state field has no choices: its machine names the state (was "posted").
    assert "已过账" in page.content.decode() and "· posted" not in page.content.decode()
    exact = boss.get("/search/", {"q": written})
    assert exact.status_code == 302
    assert exact["Location"] == f"/accounting/vouchers/{voucher.pk}/"
    assert boss.get("/search/", {"q": voucher.number}).status_code == 302


def test_voucher_list_names_and_links_the_source_in_one_query_per_type(boss, posted):
    page = boss.get("/accounting/vouchers/").content.decode()
    assert f'<a href="/inventory/other-receipts/{posted.pk}/">{posted.number}</a>' in page
    assert "其他入库单" in page
    xlsx = boss.get("/accounting/vouchers/", {"export": "xlsx"}).content
    cells = [
        c for row in load_workbook(BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row
    ]
    assert f"其他入库单 {posted.number}" in cells


def test_open_items_list_names_and_links_the_source_document(boss, posted, keeper):
    """The open-items list showed the bare number; it names the type and links the document
    that opened the item, in the page and in the xlsx."""
    from decimal import Decimal

    from erp.core.ledger import ledger
    from erp.masterdata.models import Customer

    customer = Customer.objects.create(code="C-LINK", name="链接客户")
    ledger().open_item_create(
        actor=keeper,
        kind="receivable",
        partner_id=customer.pk,
        account_code="1122",
        amount=Decimal("113.00"),
        doc_date=TODAY,
        source_type="inventory.otherreceipt",
        source_id=str(posted.pk),
        source_number=posted.number,
    )
    page = boss.get("/accounting/arap/open-items/").content.decode()
    assert f'<a href="/inventory/other-receipts/{posted.pk}/">{posted.number}</a>' in page
    xlsx = boss.get("/accounting/arap/open-items/", {"export": "xlsx"}).content
    cells = [
        c for row in load_workbook(BytesIO(xlsx)).active.iter_rows(values_only=True) for c in row
    ]
    assert f"其他入库单 {posted.number}" in cells


def test_printed_voucher_names_its_source_document(boss, posted):
    """The printed 记账凭证 names the 原始单据 by type and number (read back with pdftotext)."""
    import subprocess

    voucher = Voucher.objects.get(source_type="inventory.otherreceipt", source_id=str(posted.pk))
    pdf = boss.get(f"/accounting/vouchers/{voucher.pk}/print/").content
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert f"原始单据：其他入库单 {posted.number}" in text

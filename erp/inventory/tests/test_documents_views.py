"""Inventory document pages: create a draft with lines, post it, see moves, print, count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.inventory.models import OtherReceipt, StockBalance, StockCount
from erp.inventory.services.counts import stock_count_create, stock_count_freeze

TODAY = dt.date.today()


@pytest.fixture
def keeper_client(client, keeper):
    client.force_login(keeper)
    return client


def receipt_post_data(plant, qty="12"):
    return {
        "date": TODAY.isoformat(),
        "warehouse": plant["wh"].pk,
        "note": "样品",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-material": plant["resin"].pk,
        "lines-0-quantity": qty,
        "lines-0-location": plant["a"].pk,
        "lines-0-lot_number": "WEB-1",
        "lines-0-unit_cost": "8.5",
    }


def test_keeper_creates_posts_and_prints_a_receipt(keeper_client, plant, ledger_clean):
    c = keeper_client
    assert c.get(reverse("inventory:otherreceipt_create")).status_code == 200
    row = c.get(reverse("inventory:otherreceipt_row"), {"index": 1}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "lines-1-material" in row.content.decode()
    response = c.post(reverse("inventory:otherreceipt_create"), receipt_post_data(plant))
    doc = OtherReceipt.objects.get()
    assert response.status_code == 302 and doc.lines.get().base_quantity == Decimal("12")
    detail = c.get(reverse("inventory:otherreceipt_detail", args=[doc.pk]))
    assert detail.status_code == 200 and 'data-action="post"' in detail.content.decode()
    response = c.post(reverse("inventory:otherreceipt_action", args=[doc.pk, "post"]))
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.state == "posted"
    assert StockBalance.objects.get(material=plant["resin"]).on_hand == Decimal("12")
    page = c.get(reverse("inventory:otherreceipt_detail", args=[doc.pk])).content.decode()
    assert 'id="doc-moves"' in page and 'data-action="post"' not in page
    pdf = c.get(reverse("inventory:otherreceipt_print", args=[doc.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    listing = c.get(reverse("inventory:otherreceipt_list"), {"state": "posted"})
    assert doc.number in listing.content.decode()
    # the posted document cannot be edited through the page either
    edit = c.post(
        reverse("inventory:otherreceipt_edit", args=[doc.pk]), receipt_post_data(plant, "1")
    )
    assert edit.status_code == 409
    ledger_clean()


def test_pages_of_every_kind_open(keeper_client):
    for kind in ("otherreceipt", "otherissue", "transfer", "scrap", "stockcount"):
        assert keeper_client.get(reverse(f"inventory:{kind}_list")).status_code == 200
        assert keeper_client.get(reverse(f"inventory:{kind}_create")).status_code == 200
    # Lot release is quality's (separation of duties): the keeper gets 403.
    assert keeper_client.get(reverse("inventory:lot_status")).status_code == 403


def test_salesperson_cannot_open_receipt_pages(client, make_user, plant):
    client.force_login(make_user("seller", "sales"))
    assert client.get(reverse("inventory:otherreceipt_list")).status_code == 403
    assert (
        client.post(reverse("inventory:otherreceipt_create"), receipt_post_data(plant)).status_code
        == 403
    )
    assert not OtherReceipt.objects.exists()


def test_count_entry_page_saves_counts(keeper_client, keeper, plant, receive):
    receive(plant["resin"], plant["a"], "10", lot="C1")
    count = stock_count_create(
        actor=keeper, header={"date": TODAY, "warehouse_id": plant["wh"].pk, "blind": True}
    )
    stock_count_freeze(actor=keeper, count_id=count.pk)
    line = count.lines.get()
    page = keeper_client.get(reverse("inventory:stockcount_entry", args=[count.pk]))
    assert page.status_code == 200 and f'name="line-{line.pk}"' in page.content.decode()
    response = keeper_client.post(
        reverse("inventory:stockcount_entry", args=[count.pk]), {f"line-{line.pk}": "9"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.counted_quantity == Decimal("9")
    detail = keeper_client.get(reverse("inventory:stockcount_detail", args=[count.pk]))
    assert detail.status_code == 200
    keeper_client.post(reverse("inventory:stockcount_action", args=[count.pk, "post"]))
    count = StockCount.objects.get()
    assert count.state == "posted" and count.accuracy_percent == Decimal("0.00")
    pdf = keeper_client.get(reverse("inventory:stockcount_print", args=[count.pk]))
    assert pdf.content.startswith(b"%PDF")

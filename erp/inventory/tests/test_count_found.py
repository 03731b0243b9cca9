"""Found stock during a count: a line with book 0 for stock the snapshot did not list, through
the service, the phone entry page and the API; posted as a count gain."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from erp.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from erp.inventory.models import Lot, StockBalance, StockMove
from erp.inventory.services.count_found import stock_count_line_add
from erp.inventory.services.counts import (
    stock_count_create,
    stock_count_enter,
    stock_count_freeze,
    stock_count_post,
)

TODAY = dt.date.today()


@pytest.fixture
def count(keeper, plant, receive):
    receive(plant["resin"], plant["a"], "10", cost="4", lot="R1")
    draft = stock_count_create(actor=keeper, header={"date": TODAY, "warehouse_id": plant["wh"].pk})
    return stock_count_freeze(actor=keeper, count_id=draft.pk)


def add(keeper, count, material, location, qty, **kw):
    return stock_count_line_add(
        actor=keeper,
        count_id=count.pk,
        material_id=material.pk,
        location_id=location.pk,
        counted_quantity=qty,
        **kw,
    )


def test_found_lines_post_as_gains(keeper, plant, count, ledger_clean):
    known = count.lines.get()
    found_lot = add(keeper, count, plant["resin"], plant["b"], "3", lot_number="R1")
    new_lot = add(keeper, count, plant["pigment"], plant["b"], "2.5", lot_number="PG-FOUND")
    bags = add(keeper, count, plant["bag"], plant["a"], "7")
    assert [found_lot.line_no, new_lot.line_no, bags.line_no] == [2, 3, 4]
    assert found_lot.book_quantity == 0 and found_lot.lot.number == "R1"
    assert found_lot.unit_cost == Decimal("4")  # the material's moving average
    # A new lot number creates the lot, in quarantine because the pigment needs QC.
    assert Lot.objects.get(number="PG-FOUND").status == "quarantine"
    stock_count_enter(actor=keeper, count_id=count.pk, counts={known.pk: "10"})
    posted = stock_count_post(actor=keeper, count_id=count.pk)
    bal = StockBalance.objects.get
    assert bal(material=plant["resin"], location=plant["b"], lot=found_lot.lot).on_hand == 3
    assert bal(material=plant["pigment"], location=plant["b"]).on_hand == Decimal("2.5")
    assert bal(material=plant["bag"], location=plant["a"], lot=None).on_hand == 7
    assert StockMove.objects.filter(move_type="count_adjust").count() == 3
    assert posted.lines_total == 4
    ledger_clean()


def test_found_stock_refusals(keeper, plant, count, make_user):
    with pytest.raises(ValidationFailed) as exc:
        add(keeper, count, plant["resin"], plant["a"], "1", lot_number="R1")
    assert "1" in str(exc.value.message) and exc.value.details["fields"]  # on the snapshot
    with pytest.raises(ValidationFailed):
        add(keeper, count, plant["resin"], plant["b"], "1")  # batch managed: lot required
    with pytest.raises(ValidationFailed):
        add(keeper, count, plant["bag"], plant["c"], "1")  # WH2 is not the count's warehouse
    with pytest.raises(ValidationFailed):
        add(keeper, count, plant["bag"], plant["a"], "-1")
    with pytest.raises(ValidationFailed):
        add(keeper, count, plant["bag"], plant["a"], "1", lot_number="X")  # not batch managed
    with pytest.raises(NotFound):
        add(keeper, count, plant["resin"], plant["b"], "1", lot_id=999_999)
    with pytest.raises(PermissionDenied):
        add(make_user("seller", "sales"), count, plant["bag"], plant["a"], "1")
    assert count.lines.count() == 1
    stock_count_enter(actor=keeper, count_id=count.pk, counts={count.lines.get().pk: "10"})
    stock_count_post(actor=keeper, count_id=count.pk)
    with pytest.raises(Conflict):
        add(keeper, count, plant["bag"], plant["a"], "1")


def test_found_stock_respects_location_scope(keeper, plant, receive):
    receive(plant["bag"], plant["a"], "5", cost="1")
    draft = stock_count_create(
        actor=keeper,
        header={"date": TODAY, "warehouse_id": plant["wh"].pk, "location_ids": [plant["a"].pk]},
    )
    scoped = stock_count_freeze(actor=keeper, count_id=draft.pk)
    with pytest.raises(ValidationFailed):
        add(keeper, scoped, plant["bag"], plant["b"], "1")


def test_entry_page_adds_found_stock(client, keeper, plant, count):
    client.force_login(keeper)
    page = client.get(f"/inventory/stock-counts/{count.pk}/count/")
    assert page.status_code == 200 and b'id="found-stock"' in page.content
    url = f"/inventory/stock-counts/{count.pk}/found/"
    data = {
        "found-material": plant["pigment"].pk,
        "found-location": plant["b"].pk,
        "found-quantity": "4",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "alert alert-danger" in refused.content.decode()
    done = client.post(url, {**data, "found-lot_number": "PG-9"})
    assert done.status_code == 302
    line = count.lines.get(lot__number="PG-9")
    assert line.counted_quantity == 4 and line.book_quantity == 0
    # WH2's location is not offered, and posting it anyway is a form error.
    assert client.post(url, {**data, "found-location": plant["c"].pk}).status_code == 400


def test_api_adds_found_stock(client, keeper, plant, count, make_user):
    client.force_login(keeper)
    url = f"/api/v1/stock-counts/{count.pk}/lines"
    body = {"material_id": plant["bag"].pk, "location_id": plant["b"].pk, "counted_quantity": "6"}
    created = client.post(url, json.dumps(body), "application/json")
    assert created.status_code == 201
    line = created.json()["lines"][-1]
    assert (line["book_quantity"], line["counted_quantity"]) == ("0.0000", "6.0000")
    again = client.post(url, json.dumps(body), "application/json")
    assert again.status_code == 400
    wrong = {**body, "location_id": plant["c"].pk}
    assert client.post(url, json.dumps(wrong), "application/json").status_code == 400
    missing = client.post("/api/v1/stock-counts/999999/lines", json.dumps(body), "application/json")
    assert missing.status_code == 404
    client.force_login(make_user("seller", "sales"))
    assert client.post(url, json.dumps(body), "application/json").status_code == 403

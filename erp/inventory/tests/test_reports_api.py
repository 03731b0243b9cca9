"""REST reads of lots and stock (api_reports.py): filters, as-of dates, available quantity,
ordering allowlist, lot status change; 400/403/404."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from erp.inventory.models import LotStatusChange
from erp.inventory.services import IssueLine, StockSource, stock_issue, stock_reserve
from erp.inventory.services.reservations import ReserveLine

TODAY = dt.date.today()


@pytest.fixture
def api(client, keeper):
    client.force_login(keeper)
    return client


@pytest.fixture
def stock(plant, receive):
    """Resin: R-OLD 10 kg (expires in 20 days) in A-01, R-NEW 5 kg in B-01; pigment PG-1 in
    quarantine; 30 bags. Then 4 kg of R-OLD issued today, and 8 kg of bags 3 days ago."""
    old = receive(plant["resin"], plant["a"], "10", "2", lot="R-OLD", date=TODAY - dt.timedelta(5))
    old.expiry_date = TODAY + dt.timedelta(days=20)
    old.save(update_fields=["expiry_date"])
    new = receive(plant["resin"], plant["b"], "5", "4", lot="R-NEW", date=TODAY - dt.timedelta(5))
    pg = receive(plant["pigment"], plant["a"], "7", "1", lot="PG-1")
    receive(plant["bag"], plant["a"], "30", "1", date=TODAY - dt.timedelta(5))
    return {"old": old, "new": new, "pg": pg}


def _issue(keeper, plant, material, qty, lot=None, date=TODAY):
    stock_issue(
        actor=keeper,
        lines=[IssueLine(material.pk, plant["a"].pk, Decimal(qty), lot_id=lot.pk if lot else None)],
        posting_date=date,
        source=StockSource("test.issue", f"{material.pk}-{qty}"),
    )


def test_lots_list_filters(api, plant, stock):
    body = api.get("/api/v1/lots/", {"material_id": plant["resin"].pk}).json()
    assert [r["number"] for r in body["items"]] == ["R-NEW", "R-OLD"]
    # One costing unit: resin's average is (10 × 2 + 5 × 4) / 15 = 2.666667, so R-OLD's 10 kg
    # are worth 26.67 (not their receipt cost 20.00).
    assert body["items"][1]["on_hand"] == "10.0000" and body["items"][1]["stock_value"] == "26.67"
    quarantine = api.get("/api/v1/lots/", {"status": "quarantine"}).json()["items"]
    assert [r["number"] for r in quarantine] == ["PG-1"]
    expiring = api.get("/api/v1/lots/", {"expiring_within_days": 30}).json()["items"]
    assert [r["number"] for r in expiring] == ["R-OLD"]
    assert api.get("/api/v1/lots/", {"status": "good"}).json()["code"] == "invalid_lot_status"
    assert api.get("/api/v1/lots/", {"expiring_within_days": -1}).status_code == 400


def test_lot_read_and_404(api, stock):
    body = api.get(f"/api/v1/lots/{stock['old'].pk}").json()
    assert body["status"] == "released" and body["balances"][0]["on_hand"] == "10.0000"
    assert body["history"][0]["to_status"] == "released"
    missing = api.get("/api/v1/lots/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_balances_list_filters_and_ordering(api, plant, stock):
    url = "/api/v1/stock-balances/"
    rows = api.get(url, {"material_id": plant["resin"].pk, "ordering": "-on_hand"}).json()["items"]
    assert [(r["lot_number"], r["on_hand"]) for r in rows] == [
        ("R-OLD", "10.0000"),
        ("R-NEW", "5.0000"),
    ]
    in_b = api.get(url, {"location_id": plant["b"].pk}).json()["items"]
    assert [r["lot_number"] for r in in_b] == ["R-NEW"]
    by_lot = api.get(url, {"lot_id": stock["pg"].pk}).json()["items"]
    assert [r["material_code"] for r in by_lot] == ["RM-PIGMENT"]
    assert api.get(url, {"warehouse_id": plant["wh2"].pk}).json()["count"] == 0
    refused = api.get(url, {"ordering": "material__supplier__password"})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_ordering"


def test_on_hand_as_of_date(api, plant, keeper, stock):
    _issue(keeper, plant, plant["bag"], "8", date=TODAY - dt.timedelta(3))
    url = "/api/v1/stock-on-hand/"
    bag = {"material_id": plant["bag"].pk}
    now = api.get(url, bag).json()["rows"]
    assert [(r["quantity"], r["value"]) for r in now] == [("22.0000", "22.00")]
    before = api.get(url, {**bag, "on_date": str(TODAY - dt.timedelta(4))}).json()
    assert before["rows"][0]["quantity"] == "30.0000"
    empty = api.get(url, {**bag, "on_date": str(TODAY - dt.timedelta(10))}).json()
    assert empty["rows"] == []
    by_loc = api.get(url, {"group": "location", "material_id": plant["resin"].pk}).json()["rows"]
    assert {r["location_id"]: r["quantity"] for r in by_loc} == {
        plant["a"].pk: "10.0000",
        plant["b"].pk: "5.0000",
    }
    assert api.get(url, {"group": "shelf"}).json()["code"] == "invalid_group"


def test_available_excludes_reserved_and_quarantine(api, plant, keeper, stock):
    stock_reserve(
        actor=keeper,
        source=StockSource("test.order", 1),
        lines=[ReserveLine(plant["resin"].pk, plant["a"].pk, Decimal("3"), lot_id=stock["old"].pk)],
    )
    url = "/api/v1/stock-available/"
    resin = api.get(url, {"material_id": plant["resin"].pk, "warehouse_id": plant["wh"].pk})
    assert resin.json()["available"] == "12.0000"
    assert api.get(url, {"material_id": plant["pigment"].pk}).json()["available"] == "0.0000"
    assert api.get(url, {"material_id": 999999}).status_code == 404
    assert (
        api.get(url, {"material_id": plant["resin"].pk, "warehouse_id": 999999}).status_code == 404
    )


def test_lot_status_change(client, qm, make_user, stock):
    url = f"/api/v1/lots/{stock['pg'].pk}/change-status"
    client.force_login(make_user("buyer", "purchaser"))
    denied = client.post(
        url, json.dumps({"status": "released", "reason": "IQC-1"}), "application/json"
    )
    assert denied.status_code == 403
    client.force_login(qm)
    no_reason = client.post(
        url, json.dumps({"status": "released", "reason": " "}), "application/json"
    )
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    bad = client.post(url, json.dumps({"status": "ok", "reason": "x"}), "application/json")
    assert bad.status_code == 400
    done = client.post(
        url, json.dumps({"status": "released", "reason": "IQC-1"}), "application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "released"
    assert done.json()["history"][-1]["reason"] == "IQC-1"
    assert LotStatusChange.objects.filter(lot=stock["pg"]).count() == 2
    again = client.post(url, json.dumps({"status": "released", "reason": "x"}), "application/json")
    assert again.status_code == 409
    missing = client.post(
        "/api/v1/lots/999999/change-status",
        json.dumps({"status": "released", "reason": "x"}),
        "application/json",
    )
    assert missing.status_code == 404


def test_outsider_gets_403(client, make_user):
    client.force_login(make_user("nobody"))
    for url in ("/api/v1/lots/", "/api/v1/stock-balances/", "/api/v1/stock-on-hand/"):
        assert client.get(url).status_code == 403, url

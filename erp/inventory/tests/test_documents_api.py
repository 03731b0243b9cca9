"""REST API of the inventory documents: create (idempotent), patch drafts, post, cancel, 409s."""

import json
from decimal import Decimal

import pytest

from erp.inventory.models import OtherIssue, OtherReceipt, StockBalance, StockMove

URL = "/api/v1/other-receipts/"


@pytest.fixture
def api(client, keeper):
    client.force_login(keeper)
    return client


def send(client, method, url, body=None, **headers):
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def body(plant, qty="5"):
    return {
        "warehouse_id": plant["wh"].pk,
        "note": "API",
        "lines": [
            {
                "material_id": plant["resin"].pk,
                "location_id": plant["a"].pk,
                "quantity": qty,
                "unit_cost": "3",
                "lot_number": "API-1",
            }
        ],
    }


def test_create_is_idempotent_patch_post_then_409(api, plant, ledger_clean):
    first = send(api, "post", URL, body(plant), **{"Idempotency-Key": "k-1"})
    again = send(api, "post", URL, body(plant), **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json() and OtherReceipt.objects.count() == 1
    doc_id = first.json()["id"]
    patched = send(
        api, "patch", f"{URL}{doc_id}", {"note": "改", "lines": body(plant, "7")["lines"]}
    )
    assert patched.status_code == 200 and patched.json()["lines"][0]["base_quantity"] == "7.0000"
    posted = send(api, "post", f"{URL}{doc_id}/post")
    assert posted.status_code == 200 and posted.json()["state"] == "posted"
    assert posted.json()["number"].startswith("IR")
    assert StockBalance.objects.get(material=plant["resin"]).on_hand == Decimal("7")
    assert send(api, "patch", f"{URL}{doc_id}", {"note": "x"}).status_code == 409
    assert send(api, "post", f"{URL}{doc_id}/cancel").status_code == 409
    assert send(api, "post", f"{URL}{doc_id}/post").status_code == 409
    assert StockMove.objects.count() == 1
    listed = api.get(URL, {"state": "posted"}).json()
    assert listed["count"] == 1
    assert api.get(f"{URL}{doc_id}").json()["id"] == doc_id
    ledger_clean()


def test_other_issue_quarantine_refused_400(api, plant, receive):
    lot = receive(plant["pigment"], plant["a"], "5", lot="PG-API")
    created = send(
        api,
        "post",
        "/api/v1/other-issues/",
        {
            "warehouse_id": plant["wh"].pk,
            "reason": "rnd",
            "lines": [
                {
                    "material_id": plant["pigment"].pk,
                    "location_id": plant["a"].pk,
                    "lot_id": lot.pk,
                    "quantity": "1",
                }
            ],
        },
    )
    assert created.status_code == 201
    refused = send(api, "post", f"/api/v1/other-issues/{created.json()['id']}/post")
    assert refused.status_code == 400 and refused.json()["code"] == "lot_status_refused"
    assert OtherIssue.objects.get().state == "draft"


def test_salesperson_gets_403(client, make_user, plant):
    client.force_login(make_user("seller", "sales"))
    assert send(client, "post", URL, body(plant)).status_code == 403
    assert client.get(URL).status_code == 403


def test_unknown_field_is_400(api, plant):
    response = send(api, "post", URL, {**body(plant), "state": "posted"})
    assert response.status_code == 400


def test_stock_count_api_flow(api, plant, receive, ledger_clean):
    receive(plant["resin"], plant["a"], "10", lot="SC-1")
    created = send(api, "post", "/api/v1/stock-counts/", {"warehouse_id": plant["wh"].pk})
    count_id = created.json()["id"]
    frozen = send(api, "post", f"/api/v1/stock-counts/{count_id}/freeze").json()
    line = frozen["lines"][0]
    assert line["book_quantity"] == "10.0000"
    send(api, "post", f"/api/v1/stock-counts/{count_id}/counts", {"counts": {line["id"]: "11"}})
    posted = send(api, "post", f"/api/v1/stock-counts/{count_id}/post")
    assert posted.status_code == 200 and posted.json()["accuracy_percent"] == "0.00"
    assert StockBalance.objects.get(material=plant["resin"]).on_hand == Decimal("11")
    ledger_clean()

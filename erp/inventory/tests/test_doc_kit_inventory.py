"""The document kit on the stock documents: API list paginated in SQL with a pinned query
count, transitions honouring Idempotency-Key and a stale version, action buttons by
permission, xlsx export of the list."""

import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp.core.doc_kit.declaration import kit_documents_of, kit_get
from erp.inventory.models import OtherReceipt, StockMove
from erp.inventory.services.documents import stock_document_create

URL = "/api/v1/other-receipts/"


@pytest.fixture
def api(client, keeper):
    client.force_login(keeper)
    return client


def _draft(keeper, plant, lines=2):
    return stock_document_create(
        actor=keeper,
        kind="otherreceipt",
        header={"warehouse_id": plant["wh"].pk, "note": "kit"},
        lines=[
            {
                "material_id": plant["bag"].pk,
                "location_id": plant["a"].pk,
                "quantity": str(n + 1),
                "unit_cost": "2",
            }
            for n in range(lines)
        ],
    )


def _send(client, url, body=None, **headers):
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_the_four_stock_documents_are_declared_with_the_kit():
    codes = {k.code for k in kit_documents_of("inventory")}
    assert {"otherreceipt", "otherissue", "transfer", "scrap"} <= codes
    assert kit_get("inventory.transfer").slug == "transfers"


def _list_queries(client) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(URL).json()
    return len(ctx.captured_queries), body


def test_api_list_pages_in_sql_and_its_query_count_does_not_grow(
    api, keeper, plant, django_assert_num_queries
):
    """2 documents and 7 documents (2 lines each) cost the same queries: session, user,
    permissions, count, one page, one prefetch of the lines."""
    for _n in range(2):
        _draft(keeper, plant)
    few, body = _list_queries(api)
    assert body["count"] == 2 and len(body["items"][0]["lines"]) == 2
    for _n in range(5):
        _draft(keeper, plant)
    with django_assert_num_queries(few):
        body = api.get(URL).json()
    assert body["count"] == 7 and len(body["items"]) == 7
    page = api.get(URL, {"page": 2, "page_size": 5}).json()
    assert page["count"] == 7 and len(page["items"]) == 2


def test_transition_with_idempotency_key_answers_the_first_result_again(api, keeper, plant):
    doc = _draft(keeper, plant, lines=1)
    first = _send(api, f"{URL}{doc.pk}/post", **{"Idempotency-Key": "post-1"})
    again = _send(api, f"{URL}{doc.pk}/post", **{"Idempotency-Key": "post-1"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["state"] == "posted"
    assert StockMove.objects.count() == 1
    # Without the key a second post is refused: the document is already posted.
    assert _send(api, f"{URL}{doc.pk}/post").status_code == 409


def test_stale_version_is_409_for_patch_and_transition(api, keeper, plant):
    doc = _draft(keeper, plant, lines=1)
    read = api.get(f"{URL}{doc.pk}").json()
    patched = api.patch(
        f"{URL}{doc.pk}",
        json.dumps({"note": "first", "version": read["version"]}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["version"] == read["version"] + 1
    stale = api.patch(
        f"{URL}{doc.pk}",
        json.dumps({"note": "second", "version": read["version"]}),
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    refused = _send(api, f"{URL}{doc.pk}/post?version={read['version']}")
    assert refused.status_code == 409 and refused.json()["code"] == "version_conflict"
    assert OtherReceipt.objects.get().state == "draft"
    posted = _send(api, f"{URL}{doc.pk}/post?version={read['version'] + 1}")
    assert posted.status_code == 200 and posted.json()["state"] == "posted"


def test_action_buttons_follow_permission_and_state(client, keeper, make_user, plant):
    doc = _draft(keeper, plant, lines=1)
    url = reverse("inventory:otherreceipt_detail", args=[doc.pk])
    client.force_login(keeper)
    page = client.get(url).content.decode()
    assert 'data-action="post"' in page and 'data-action="cancel"' in page
    client.force_login(make_user("planner", "planner"))
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-action="post"' not in page.content.decode()


def test_list_exports_xlsx_with_number_and_state(client, keeper, plant):
    doc = _draft(keeper, plant, lines=1)
    client.force_login(keeper)
    response = client.get(reverse("inventory:otherreceipt_list"), {"export": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("单号", "日期") and len(rows) == 2
    assert doc.reference in rows[1]

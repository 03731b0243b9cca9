"""Every GET operation of the OpenAPI schema, walked with junk in each of its query parameters
(and a non-number in its id): the answer is JSON — a 400 in the API's error format for a value
that cannot be used, or a normal answer — never a 500 or an HTML page (issue #13: `?period=
abcd-xx` gave an HTML 500). The operations come from the schema, so a new list is walked
without editing this file."""

import re

import pytest
from django.test import Client

from tests.cross.test_api import OPERATIONS, _ids

pytestmark = pytest.mark.django_db

JUNK = (
    "abcd-xx",
    "-1",
    "0",
    "99999999999999999999999",
    "1.5",
    "2026-13-45",
    "true; DROP TABLE x",
    "<b>",
    "",
)
GETS = [o for o in OPERATIONS if o[0] == "GET"]
LISTS = [o for o in GETS if "{" not in o[1]]
ITEMS = [o for o in GETS if "{" in o[1]]


@pytest.fixture
def junk_client(demo, demo_user):
    from erp.iam.services.tokens import api_token_create

    _token, secret = api_token_create(actor=demo_user("admin"), name="junk")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)


def _check(response, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), (where, response)
        body = response.json()
        assert {"code", "message", "details"} <= set(body), (where, body)
        assert body["message"], (where, body)


def _query_names(op) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]


@pytest.mark.parametrize(("method", "path", "op"), LISTS, ids=_ids(LISTS))
def test_list_answers_junk_query_values_with_json(junk_client, method, path, op):
    names = _query_names(op)
    for name in names:
        for value in JUNK:
            _check(junk_client.get(path, {name: value}), f"{path}?{name}={value!r}")


@pytest.mark.parametrize(("method", "path", "op"), ITEMS, ids=_ids(ITEMS))
def test_item_answers_a_non_number_id_and_junk_query_with_json(junk_client, method, path, op):
    for value in ("abc", "-1", "99999999999999999999999", "1.5"):
        url = re.sub(r"\{\w+_id\}", value, path)
        url = re.sub(r"\{\w+\}", "1", url)
        _check(junk_client.get(url), url)
    url = re.sub(r"\{\w+\}", "1", path)
    for name in _query_names(op):
        for value in JUNK:
            _check(junk_client.get(url, {name: value}), f"{url}?{name}={value!r}")


def test_the_walk_covers_the_lists_of_issue_13():
    paths = {p for _m, p, _o in LISTS}
    for wanted in (
        "/api/v1/vouchers/",
        "/api/v1/accounts/",
        "/api/v1/periods/",
        "/api/v1/stock-moves/",
        "/api/v1/open-items/",
        "/api/v1/approval-rules/",
        "/api/v1/numbering-rules/",
        "/api/v1/imports/",
        "/api/v1/backups/",
        "/api/v1/departments/",
    ):
        assert wanted in paths, wanted

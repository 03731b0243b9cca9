"""GET /api/v1/vouchers/ pages in SQL: a fixed number of queries whatever the page holds, and
no silent cap (the old list ran one query per voucher and never showed voucher 501)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.accounting.models import Voucher
from erp.accounting.services.gate import voucher_post

from .conftest import draft

pytestmark = pytest.mark.django_db
URL = "/api/v1/vouchers/"


def _queries(client, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(URL, params).json()
    return len(ctx.captured_queries), body


def test_voucher_list_query_count_is_pinned(client, books, django_assert_num_queries):
    client.force_login(books)
    voucher_post(actor=books, draft=draft("10.00"))
    few, body = _queries(client)
    assert body["count"] == 1 and len(body["items"][0]["lines"]) == 2
    for n in range(9):
        voucher_post(actor=books, draft=draft(f"{n + 1}.00"))
    # session, user, permissions, count, one page, one prefetch of lines with accounts
    with django_assert_num_queries(few):
        body = client.get(URL).json()
    assert body["count"] == 10 and len(body["items"]) == 10
    assert {ln["account_code"] for ln in body["items"][0]["lines"]} == {"1002", "4001"}


def test_voucher_list_pages_past_the_old_cap_of_500(client, books):
    """Page 11 of 50 holds vouchers 501-510 of 510; the old list stopped at 500."""
    client.force_login(books)
    first = voucher_post(actor=books, draft=draft("1.00"))
    # 509 more draft vouchers written directly (posting 510 through the gate takes minutes);
    # the list pages whatever is stored.
    skip = {"id", "number", "state", "seq"}
    values = {f.attname: getattr(first, f.attname) for f in Voucher._meta.concrete_fields}
    values = {k: v for k, v in values.items() if k not in skip}
    Voucher.objects.bulk_create([Voucher(**values, state="draft") for _n in range(509)])
    body = client.get(URL, {"page": 11}).json()
    assert body["count"] == 510 and len(body["items"]) == 10
    last = client.get(URL, {"page": 11, "state": "posted"}).json()
    assert last["count"] == 1 and last["items"] == []

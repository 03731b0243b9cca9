"""Receipts on the document kit: the REST list pages in SQL with a pinned query count, the
post transition honours Idempotency-Key and refuses a stale version, the detail page shows
the post button only to who may post."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.accounting.models import CustomerReceipt
from erp.accounting.services import arap as svc

from .test_arap_pages import customer  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/v1/customer-receipts/"


def _draft(actor, partner, amount="100.00"):
    return svc.customer_receipt_save(
        actor=actor,
        customer_id=partner.pk,
        receipt_id=None,
        date=dt.date(2026, 2, 10),
        amount=Decimal(amount),
        bank_account_code="1002",
        lines=[],
        reference="",
        note="",
    )


def test_receipt_list_query_count_does_not_grow(client, customer, accountant):  # noqa: F811
    client.force_login(accountant)
    _draft(accountant, customer)
    with CaptureQueriesContext(connection) as few:
        body = client.get(URL).json()
    assert body["count"] == 1 and body["items"][0]["partner_code"] == "C-001"
    for _n in range(6):
        _draft(accountant, customer)
    with CaptureQueriesContext(connection) as many:
        body = client.get(URL, {"state": "draft"}).json()
    assert body["count"] == 7 and len(body["items"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_post_with_idempotency_key_posts_once_and_stale_version_is_409(
    client,
    customer,  # noqa: F811
    accountant,
):
    """1,200.00 received against INV-1 1,000.00 and INV-2 500.00: oldest first, 1,000.00 +
    200.00; the replay with the same key answers the same body, no second voucher."""
    client.force_login(accountant)
    doc = _draft(accountant, customer, "1200.00")
    stale = client.post(f"{URL}{doc.pk}/post?version={doc.version + 5}")
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    first = client.post(f"{URL}{doc.pk}/post", headers={"Idempotency-Key": "cr-1"})
    again = client.post(f"{URL}{doc.pk}/post", headers={"Idempotency-Key": "cr-1"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert [a["amount"] for a in first.json()["allocations"]] == ["1000.00", "200.00"]
    assert CustomerReceipt.objects.get().voucher is not None


def test_detail_page_shows_post_only_to_who_may_post(client, customer, accountant, make_user):  # noqa: F811
    doc = _draft(accountant, customer)
    client.force_login(accountant)
    page = client.get(f"/accounting/arap/receipts/{doc.pk}/").content.decode()
    assert 'data-action="post"' in page
    client.force_login(make_user("jingli", "general_manager"))
    page = client.get(f"/accounting/arap/receipts/{doc.pk}/")
    assert page.status_code == 200 and 'data-action="post"' not in page.content.decode()

"""Expense claims on the document kit: PATCH a draft with the version read (stale → 409),
transitions replayed with an Idempotency-Key act once, the page's version refuses acting on a
claim edited meanwhile, and a claimant's scope holds on every kit page."""

import json
from decimal import Decimal

from django.urls import reverse

from erp.accounting.models import ExpenseClaim, Voucher
from erp.accounting.services import expenses as svc
from erp.accounting.tests.test_expenses import ON
from erp.accounting.tests.test_expenses_controls import _line, _posted
from erp.accounting.tests.test_expenses_controls import setup as setup

URL = "/api/v1/expense-claims/"


def _bearer(user) -> dict:
    from erp.iam.services.tokens import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t')[1]}"}


def test_patch_changes_only_what_is_sent_and_refuses_a_stale_version(client, setup):
    """Draft: TRAVEL 1,000.00 无专票. PATCH purpose with version 1 → purpose changed, the line
    kept (total 1,000.00), version 2; the same PATCH again with version 1 → 409."""
    claim = svc.expense_claim_create(actor=setup["emp"], date=ON, purpose="旧", lines=[_line()])
    auth = _bearer(setup["emp"])
    body = json.dumps({"purpose": "上海客户拜访", "version": claim.version})
    done = client.patch(f"{URL}{claim.pk}", body, content_type="application/json", **auth)
    assert done.status_code == 200, done.content
    answer = done.json()
    assert answer["purpose"] == "上海客户拜访" and answer["version"] == claim.version + 1
    assert Decimal(answer["total"]) == Decimal("1000.00") and len(answer["lines"]) == 1
    stale = client.patch(f"{URL}{claim.pk}", body, content_type="application/json", **auth)
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"


def test_pay_replayed_with_the_same_key_pays_once(client, setup):
    """Posted claim of 500.00: paying twice with one Idempotency-Key gives one 付 voucher and
    the same answer twice."""
    claim = _posted(setup, _line(amount="500.00"))
    auth = {**_bearer(setup["cashier"]), "HTTP_IDEMPOTENCY_KEY": "pay-once-1"}
    body = json.dumps({"date": "2026-03-10", "payment_account": "100201"})
    first = client.post(f"{URL}{claim.pk}/pay", body, content_type="application/json", **auth)
    again = client.post(f"{URL}{claim.pk}/pay", body, content_type="application/json", **auth)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["state"] == "paid"
    payments = Voucher.objects.filter(source_type=svc.DOC_TYPE, source_id=str(claim.pk))
    assert payments.count() == 2  # the posting voucher and one payment voucher


def test_transition_with_a_stale_version_is_refused(client, setup):
    claim = svc.expense_claim_create(actor=setup["emp"], date=ON, purpose="x", lines=[_line()])
    auth = _bearer(setup["emp"])
    stale = client.post(f"{URL}{claim.pk}/submit?version={claim.version + 5}", **auth)
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    client.force_login(setup["emp"])
    url = reverse("accounting:expenseclaim_action", args=[claim.pk, "submit"])
    client.post(url, {"version": str(claim.version + 5)})
    assert ExpenseClaim.objects.get(pk=claim.pk).state == "draft"
    client.post(url, {"version": str(claim.version)})
    assert ExpenseClaim.objects.get(pk=claim.pk).state in ("submitted", "approved")


def test_claimant_scope_on_kit_pages_and_api(client, setup):
    """Another employee's claim: detail, print, edit and the API read are "not found"; the
    claimant's own list link on the detail page is "my claims"."""
    claim = svc.expense_claim_create(actor=setup["other"], date=ON, purpose="x", lines=[_line()])
    client.force_login(setup["emp"])
    for page in ("detail", "print", "edit"):
        url = reverse(f"accounting:expenseclaim_{page}", args=[claim.pk])
        assert client.get(url).status_code == 404, page
    assert client.get(f"{URL}{claim.pk}", **_bearer(setup["emp"])).status_code == 404
    client.force_login(setup["other"])
    page = client.get(reverse("accounting:expenseclaim_detail", args=[claim.pk])).text
    assert reverse("accounting:my_expenseclaim_list") in page
    assert 'data-action="submit"' in page and 'name="payment_account"' not in page

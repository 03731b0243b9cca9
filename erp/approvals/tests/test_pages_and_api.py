"""Self-approval refused through the page and the API; the inbox, decide in the UI, the API."""

import pytest
from django.test import Client

from erp.approvals.models import ApprovalRequest
from erp.approvals.services.requests import approval_submit

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pending(people, make_claim, make_rule):
    make_rule(steps=[("role", "finance_manager", "any")])
    people["clerk"].groups.add(people["fm"].groups.first())  # requester also holds the role
    return approval_submit(actor=people["clerk"], doc=make_claim("6000", title="差旅"))


def test_self_approval_refused_in_the_page(people, pending):
    client = _client(people["clerk"])
    page = client.get(f"/approvals/requests/{pending.pk}/")
    assert page.status_code == 200 and 'value="approve"' not in page.content.decode()
    response = client.post(f"/approvals/requests/{pending.pk}/decide/", {"action": "approve"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_self_approval_refused_in_the_api(people, pending):
    response = _client(people["clerk"]).post(
        f"/api/v1/approval-requests/{pending.pk}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "self_approval"


def test_inbox_and_two_tap_approve_in_the_page(people, pending):
    client = _client(people["fm"])
    inbox = client.get("/approvals/")
    assert (
        inbox.status_code == 200 and f"/approvals/requests/{pending.pk}/" in inbox.content.decode()
    )
    page = client.get(f"/approvals/requests/{pending.pk}/")
    assert 'value="approve"' in page.content.decode()
    response = client.post(f"/approvals/requests/{pending.pk}/decide/", {"action": "approve"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == "approved"


def test_reject_without_comment_in_the_page_keeps_it_pending(people, pending):
    client = _client(people["fm"])
    response = client.post(
        f"/approvals/requests/{pending.pk}/decide/", {"action": "reject"}, follow=True
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.state == "pending"


def test_outsider_sees_404_and_cannot_decide(people, pending):
    client = _client(people["outsider"])
    assert client.get(f"/approvals/requests/{pending.pk}/").status_code == 404
    api = client.post(
        f"/api/v1/approval-requests/{pending.pk}/approve", {}, content_type="application/json"
    )
    assert api.status_code == 404


def test_api_list_detail_decide(people, pending):
    client = _client(people["fm"])
    listed = client.get("/api/v1/approval-requests/?mine=pending").json()
    assert [r["id"] for r in listed["items"]] == [pending.pk]
    detail = client.get(f"/api/v1/approval-requests/{pending.pk}").json()
    assert detail["state"] == "pending" and detail["steps"][0]["approvers"] == ["fm"]
    refused = client.post(
        f"/api/v1/approval-requests/{pending.pk}/reject",
        {"comment": ""},
        content_type="application/json",
    )
    assert refused.status_code == 400
    extra = client.post(
        f"/api/v1/approval-requests/{pending.pk}/approve",
        {"state": "approved", "approved_by": 1},
        content_type="application/json",
    )
    assert extra.status_code == 400
    done = client.post(
        f"/api/v1/approval-requests/{pending.pk}/approve",
        {"comment": "同意"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["state"] == "approved"
    again = client.post(
        f"/api/v1/approval-requests/{pending.pk}/approve", {}, content_type="application/json"
    )
    assert again.status_code == 409


def test_api_withdraw_by_requester_only(people, pending):
    other = _client(people["fm"]).post(f"/api/v1/approval-requests/{pending.pk}/withdraw")
    assert other.status_code == 404
    mine = _client(people["clerk"]).post(f"/api/v1/approval-requests/{pending.pk}/withdraw")
    assert mine.status_code == 200 and mine.json()["state"] == "withdrawn"


def test_rule_settings_page_saves_a_rule(people):
    client = _client(people["admin"])
    assert client.get("/approvals/rules/new/").status_code == 200
    data = {
        "doc_type": "accounting.expenseclaim",
        "name": "大额",
        "priority": "30",
        "is_active": "on",
        "c-TOTAL_FORMS": "1",
        "c-INITIAL_FORMS": "0",
        "c-0-field": "amount",
        "c-0-operator": "gt",
        "c-0-value": "8000",
        "s-TOTAL_FORMS": "1",
        "s-INITIAL_FORMS": "0",
        "s-0-assignee_kind": "role",
        "s-0-role_code": "finance_manager",
        "s-0-mode": "any",
    }
    response = client.post("/approvals/rules/new/", data)
    assert response.status_code == 302
    assert _client(people["outsider"]).get("/approvals/rules/").status_code == 403
    from erp.approvals.models import ApprovalRule

    rule = ApprovalRule.objects.get(name="大额")
    assert [(c.field, c.operator, c.value) for c in rule.conditions.all()] == [
        ("amount", "gt", "8000")
    ]
    assert ApprovalRequest.objects.count() == 0


def test_rule_list_and_request_page_say_approval_steps_in_chinese(people, pending):
    """Master data translates its own "Steps" as 工序步骤; approvals' pages say 审批步骤."""
    from django.utils import translation

    client = _client(people["admin"])
    with translation.override("zh-hans"):
        pages = [
            client.get("/approvals/rules/").content.decode(),
            client.get(f"/approvals/requests/{pending.pk}/").content.decode(),
        ]
    for page in pages:
        assert "审批步骤" in page and "工序步骤" not in page

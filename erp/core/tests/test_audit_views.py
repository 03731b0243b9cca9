import pytest
from django.urls import reverse

from erp.core.services.audit import audit_record
from erp.core.views_settings import AUDIT_PAGE_SIZE


@pytest.fixture
def events(admin_user, make_user):
    other = make_user("other", full_name="张三")
    for i in range(AUDIT_PAGE_SIZE + 5):
        audit_record(actor=admin_user, action="create", object_type="a.b", object_id=str(i))
    audit_record(
        actor=other,
        action="update",
        object_type="c.d",
        object_id="x",
        object_repr="<script>alert(1)</script>",
        changes={"name": ["甲", "乙"]},
    )
    return other


def test_log_needs_view_permission(client, make_user):
    client.force_login(make_user("clerk", "sales"))
    assert client.get(reverse("core_settings:audit_log")).status_code == 403
    client.force_login(make_user("fm", "finance_manager"))
    assert client.get(reverse("core_settings:audit_log")).status_code == 200


def test_log_is_paginated_newest_first(client, admin_user, events):
    client.force_login(admin_user)
    response = client.get(reverse("core_settings:audit_log"))
    page = response.context["page"]
    assert page.paginator.count == AUDIT_PAGE_SIZE + 6
    assert len(page.object_list) == AUDIT_PAGE_SIZE
    assert page.object_list[0].object_type == "c.d"
    second = client.get(reverse("core_settings:audit_log"), {"page": 2}).context["page"]
    assert len(second.object_list) == 6


def test_log_filters_by_user_and_type_and_escapes_text(client, admin_user, events):
    client.force_login(admin_user)
    url = reverse("core_settings:audit_log")
    response = client.get(url, {"actor": events.pk})
    assert [e.object_type for e in response.context["page"].object_list] == ["c.d"]
    body = response.content.decode()
    assert "&lt;script&gt;" in body and "<script>alert" not in body
    assert "甲" in body and "乙" in body and "张三" in body
    by_type = client.get(url, {"object_type": "a.b"}).context["page"]
    assert by_type.paginator.count == AUDIT_PAGE_SIZE + 5
    assert (
        client.get(url, {"date_from": "2000-01-01", "date_to": "2000-01-02"})
        .context["page"]
        .paginator.count
        == 0
    )
    assert client.get(url, {"object_type": "nope' OR 1=1"}).status_code == 200

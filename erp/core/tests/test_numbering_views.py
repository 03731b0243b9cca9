import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from erp.core.models import AuditEvent, NumberingRule
from erp.core.services.numbering import number_next


@pytest.fixture
def rule(db):
    return NumberingRule.objects.create(doc_type="sales.salesorder", name="销售订单", prefix="SO")


def _expected_prefix(prefix: str) -> str:
    return f"{prefix}{timezone.localdate():%Y%m}"


def test_list_shows_rules_and_next_number_without_taking_it(client, admin_user, rule):
    client.force_login(admin_user)
    for _ in range(2):
        response = client.get(reverse("core_settings:numbering_list"))
        assert response.status_code == 200
        assert f"{_expected_prefix('SO')}0001" in response.content.decode()
    with transaction.atomic():
        assert number_next(doc_type="sales.salesorder", on_date=timezone.localdate()).endswith(
            "0001"
        )


def test_pages_need_permissions(client, make_user, rule):
    client.force_login(make_user("clerk", "sales"))
    assert client.get(reverse("core_settings:numbering_list")).status_code == 403
    assert client.get(reverse("core_settings:numbering_edit", args=[rule.pk])).status_code == 403
    response = client.post(reverse("core_settings:numbering_create"), {"doc_type": "a.b"})
    assert response.status_code == 403
    assert NumberingRule.objects.count() == 1


def test_edit_saves_through_service_and_audits(client, admin_user, rule):
    client.force_login(admin_user)
    url = reverse("core_settings:numbering_edit", args=[rule.pk])
    data = {
        "name": "销售订单",
        "prefix": "XS",
        "date_part": "YYYYMM",
        "counter_width": "5",
        "reset": "monthly",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.prefix, rule.counter_width) == ("XS", 5)
    assert AuditEvent.objects.get(action="update").changes["prefix"] == ["SO", "XS"]
    page = client.get(url).content.decode()
    assert "XS" in page and "erp-audit-trail" in page


def test_bad_prefix_shows_field_error_and_saves_nothing(client, admin_user, rule):
    client.force_login(admin_user)
    url = reverse("core_settings:numbering_edit", args=[rule.pk])
    data = {
        "name": "销售订单",
        "prefix": "S O",
        "date_part": "",
        "counter_width": "4",
        "reset": "monthly",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "is-invalid" in body
    assert len(response.context["form"].errors) == 2  # prefix and date part
    rule.refresh_from_db()
    assert rule.prefix == "SO"


def test_create_page_creates_rule(client, admin_user):
    client.force_login(admin_user)
    data = {
        "doc_type": "quality.inspection",
        "name": "检验单",
        "prefix": "QC",
        "date_part": "YYYYMMDD",
        "counter_width": "3",
        "reset": "monthly",
    }
    response = client.post(reverse("core_settings:numbering_create"), data)
    assert response.status_code == 302
    assert NumberingRule.objects.get(doc_type="quality.inspection").counter_width == 3


def test_preview_uses_typed_values_and_existing_counter(client, admin_user, rule):
    with transaction.atomic():
        number_next(doc_type="sales.salesorder", on_date=timezone.localdate())
    client.force_login(admin_user)
    url = reverse("core_settings:numbering_preview")
    params = {
        "rule_id": rule.pk,
        "prefix": "AB",
        "date_part": "YYYY",
        "counter_width": "6",
        "reset": "monthly",
    }
    body = client.get(url, params).content.decode()
    assert f"AB{timezone.localdate():%Y}000002" in body
    assert "000002" not in client.get(url, {**params, "counter_width": "99"}).content.decode()
    assert rule.counters.get().last_value == 1

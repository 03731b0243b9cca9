"""The generic record pages (erp.core.record_views) on units and categories."""

import pytest
from django.urls import reverse

from erp.core.models import AuditEvent
from erp.masterdata.models import MaterialCategory, Unit
from erp.masterdata.services.categories import category_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_unit_create_detail_edit_round_trip(admin_client):
    response = admin_client.post(
        reverse("masterdata:unit_create"),
        {"code": "kg", "name": "千克", "kind": "mass", "decimal_places": "3"},
    )
    unit = Unit.objects.get(code="kg")
    assert response.status_code == 302
    detail = admin_client.get(reverse("masterdata:unit_detail", args=[unit.pk]))
    html = detail.content.decode()
    assert "千克" in html and "erp-audit-trail" in html
    assert reverse("masterdata:unit_edit", args=[unit.pk]) in html
    response = admin_client.post(
        reverse("masterdata:unit_edit", args=[unit.pk]),
        {"code": "kg", "name": "公斤", "kind": "mass", "decimal_places": "3"},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=unit.pk).name == "公斤"
    assert AuditEvent.objects.filter(object_type="masterdata.unit").count() == 2


def test_duplicate_code_error_shows_next_to_the_field(admin_client):
    data = {"code": "kg", "name": "千克", "kind": "mass", "decimal_places": "3"}
    admin_client.post(reverse("masterdata:unit_create"), data)
    response = admin_client.post(reverse("masterdata:unit_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "is-invalid" in html and 'name="code"' in html
    assert Unit.objects.count() == 1


def test_category_cycle_error_lands_on_parent_field(admin_client, admin_user):
    top = category_create(actor=admin_user, data={"code": "RM", "name": "原材料"})
    child = category_create(actor=admin_user, data={"code": "RES", "name": "树脂", "parent": top})
    response = admin_client.post(
        reverse("masterdata:category_edit", args=[top.pk]),
        {"code": "RM", "name": "原材料", "parent": child.pk},
    )
    assert response.status_code == 400
    assert MaterialCategory.objects.get(pk=top.pk).parent is None


def test_category_list_shows_the_path_in_tree_order(admin_client, admin_user):
    top = category_create(actor=admin_user, data={"code": "RM", "name": "原材料"})
    category_create(actor=admin_user, data={"code": "A-RES", "name": "树脂", "parent": top})
    category_create(actor=admin_user, data={"code": "PK", "name": "包装物"})
    html = admin_client.get(reverse("masterdata:category_list")).content.decode()
    assert "原材料 / 树脂" in html
    assert html.index("包装物") < html.index("原材料 / 树脂")


def test_viewer_sees_no_edit_buttons_and_cannot_post(client, make_user, admin_user):
    unit = Unit.objects.create(code="kg", name="千克")
    client.force_login(make_user("seller", "sales"))
    html = client.get(reverse("masterdata:unit_detail", args=[unit.pk])).content.decode()
    assert reverse("masterdata:unit_edit", args=[unit.pk]) not in html
    response = client.post(
        reverse("masterdata:unit_edit", args=[unit.pk]),
        {"code": "kg", "name": "x", "kind": "mass", "decimal_places": "3"},
    )
    assert response.status_code == 403
    assert Unit.objects.get(pk=unit.pk).name == "千克"
    assert client.post(reverse("masterdata:unit_active", args=[unit.pk])).status_code == 403

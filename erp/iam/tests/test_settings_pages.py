"""User and role settings pages: who may see them, what they write."""

import pytest
from django.test import Client

from erp.core.models import AuditEvent
from erp.iam.models import User

pytestmark = pytest.mark.django_db

PAGES = [
    "/iam/users/",
    "/iam/users/new/",
    "/iam/users/{id}/",
    "/iam/users/{id}/password/",
    "/iam/roles/",
    "/iam/roles/matrix/",
    "/iam/roles/matrix/app/?app=iam",
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role_codes", [(), ("sales",), ("warehouse", "accountant")])
def test_users_without_iam_permissions_get_403_everywhere(make_user, admin_user, role_codes):
    client = _client(make_user("li", *role_codes))
    for page in PAGES:
        assert client.get(page.format(id=admin_user.pk)).status_code == 403, page
    response = client.post("/iam/users/new/", {"username": "x", "password": "Xx-Secret-789"})
    assert response.status_code == 403
    assert not User.objects.filter(username="x").exists()
    assert client.get("/").status_code == 200


def test_no_role_user_sees_no_settings_menu(make_user):
    body = _client(make_user("li")).get("/").content.decode()
    assert "/iam/users/" not in body


def test_admin_sees_every_page_and_menu(admin_user):
    client = _client(admin_user)
    for page in PAGES:
        assert client.get(page.format(id=admin_user.pk)).status_code == 200, page
    assert "/iam/users/" in client.get("/").content.decode()


def test_admin_creates_user_with_roles_and_audit_event(admin_user):
    response = _client(admin_user).post(
        "/iam/users/new/",
        {
            "username": "zhao",
            "full_name": "赵六",
            "phone": "13800000000",
            "password": "Zhao-Secret-789",
            "roles": ["sales", "warehouse"],
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="zhao")
    assert user.full_name == "赵六" and user.check_password("Zhao-Secret-789")
    assert not user.is_superuser and not user.is_staff
    assert user.has_perm("sales.view_salesorder") or user.groups.count() == 2
    assert sorted(user.groups.values_list("role__code", flat=True)) == ["sales", "warehouse"]
    event = AuditEvent.objects.get(action="create", object_type="iam.user", object_id=str(user.pk))
    assert event.actor == admin_user
    assert event.changes["roles"] == [None, ["sales", "warehouse"]]
    assert "Zhao-Secret" not in str(event.changes)


def test_create_refuses_weak_password_and_taken_name(admin_user):
    client = _client(admin_user)
    response = client.post("/iam/users/new/", {"username": "zhao", "password": "123"})
    assert response.status_code == 200
    assert "密码" in response.content.decode()
    response = client.post("/iam/users/new/", {"username": "ADMIN", "password": "Zhao-Secret-789"})
    assert response.status_code == 200
    assert User.objects.count() == 1


def test_general_manager_may_view_but_not_write(make_user, admin_user):
    client = _client(make_user("gm", "general_manager"))
    assert client.get("/iam/users/").status_code == 200
    assert client.get(f"/iam/users/{admin_user.pk}/").status_code == 200
    assert client.get("/iam/users/new/").status_code == 403
    response = client.post(f"/iam/users/{admin_user.pk}/", {"full_name": "x", "roles": []})
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.full_name == "系统管理员"


def test_admin_edits_roles_and_cannot_deactivate_self(admin_user, make_user):
    other = make_user("li", "sales")
    client = _client(admin_user)
    response = client.post(
        f"/iam/users/{other.pk}/", {"full_name": "李四", "phone": "", "roles": ["purchaser"]}
    )
    assert response.status_code == 302
    other = User.objects.get(pk=other.pk)
    assert not other.is_active  # checkbox left out = inactive
    assert list(other.groups.values_list("role__code", flat=True)) == ["purchaser"]
    event = AuditEvent.objects.filter(action="update", object_id=str(other.pk)).get()
    assert event.changes["roles"] == [["sales"], ["purchaser"]]
    response = client.post(
        f"/iam/users/{admin_user.pk}/", {"full_name": "管理员", "roles": ["admin"]}
    )
    assert response.status_code == 200
    assert "不能停用自己的账户" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active and admin_user.full_name == "系统管理员"


def test_admin_resets_password_and_ends_their_sessions(admin_user, make_user, login):
    other = make_user("li")
    their_client = login(other)
    response = _client(admin_user).post(
        f"/iam/users/{other.pk}/password/",
        {"password1": "Reset-Secret-321", "password2": "Reset-Secret-321"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password("Reset-Secret-321")
    assert their_client.get("/").status_code == 302


def test_user_list_search_filter_and_paging(admin_user, make_user):
    make_user("li", "sales", full_name="李四")
    make_user("wang", "warehouse", full_name="王五", is_active=False)
    for i in range(30):
        make_user(f"bulk{i:02d}")
    client = _client(admin_user)
    body = client.get("/iam/users/?q=李").content.decode()
    assert "李四" in body and "王五" not in body
    body = client.get("/iam/users/?role=warehouse").content.decode()
    assert "王五" in body and "李四" not in body
    body = client.get("/iam/users/?active=0").content.decode()
    assert "wang" in body and "bulk00" not in body
    page1 = client.get("/iam/users/").content.decode()
    assert "33" in page1 and "1 / 2" in page1
    assert "bulk29" in client.get("/iam/users/?page=2").content.decode()
    assert client.get("/iam/users/999999/").status_code == 404


def test_role_list_and_matrix(admin_user, make_user):
    make_user("li", "sales")
    client = _client(admin_user)
    body = client.get("/iam/roles/").content.decode()
    assert "销售员" in body and "roles.toml" in body
    overview = client.get("/iam/roles/matrix/")
    assert "roles.toml" in overview.content.decode()
    assert "iam" in [a.app_label for a in overview.context["matrix_apps"]]
    # The rows of one app: loaded by htmx, or inline with ?app= (without scripts).
    response = client.get("/iam/roles/matrix/app/?app=iam")
    matrix = response.content.decode()
    assert client.get("/iam/roles/matrix/?app=iam").context["groups"][0].app_label == "iam"
    roles, groups = response.context["roles"], response.context["groups"]
    admin_col = [r.code for r in roles].index("admin")
    sales_col = [r.code for r in roles].index("sales")
    rows = {row.codename: row for g in groups for row in g.rows}
    assert rows["iam.add_user"].cells[admin_col] is True
    assert rows["iam.add_user"].cells[sales_col] is False
    assert "新增 用户" in matrix or "新增用户" in matrix
    assert "✓" in matrix

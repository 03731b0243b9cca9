"""Departments: tree with heads, pages and API, users with a department; "users without a
role" and "roles without users"; the initial password must be changed at first login."""

import pytest

from erp.core.errors import PermissionDenied
from erp.iam.errors import DepartmentCycle, DepartmentInUse
from erp.iam.models import Department, User
from erp.iam.services.departments import department_create, department_update
from erp.iam.services.users import user_create, user_set_password

pytestmark = pytest.mark.django_db


def test_tree_with_head_and_audit(admin_user):
    from erp.core.models import AuditEvent
    from erp.iam.selectors import department_tree

    plant = department_create(actor=admin_user, code="plant", name="工厂", head_id=admin_user.pk)
    workshop = department_create(actor=admin_user, code="ws1", name="一车间", parent_id=plant.pk)
    nodes = [(n.department.code, n.depth) for n in department_tree()]
    assert nodes == [("plant", 0), ("ws1", 1)]
    assert plant.head == admin_user and workshop.parent == plant
    assert AuditEvent.objects.filter(object_type="iam.department").count() == 2


def test_a_department_cannot_sit_under_its_own_child(admin_user):
    plant = department_create(actor=admin_user, code="plant", name="工厂")
    workshop = department_create(actor=admin_user, code="ws1", name="一车间", parent_id=plant.pk)
    with pytest.raises(DepartmentCycle):
        department_update(
            actor=admin_user, department_id=plant.pk, name="工厂", parent_id=workshop.pk
        )


def test_a_department_with_members_cannot_be_deactivated(admin_user):
    sales = department_create(actor=admin_user, code="sales", name="销售部")
    user_create(actor=admin_user, username="zhang", password="Zx-90210-abc",
                department_id=sales.pk)  # fmt: skip
    with pytest.raises(DepartmentInUse):
        department_update(actor=admin_user, department_id=sales.pk, name="销售部", is_active=False)


def test_warehouse_cannot_create_departments(make_user):
    with pytest.raises(PermissionDenied):
        department_create(actor=make_user("cangku", "warehouse"), code="x", name="X")


def test_department_pages(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/iam/departments/new/", {"code": "fin", "name": "财务部",
                                                     "head": admin_user.pk})  # fmt: skip
    assert response.status_code == 302
    department = Department.objects.get(code="fin")
    assert department.head == admin_user
    page = client.get("/iam/departments/").content.decode()
    assert "财务部" in page and "部门负责人" in page


def test_department_api(client, admin_user):
    client.force_login(admin_user)
    created = client.post(
        "/api/v1/departments/", {"code": "qa", "name": "质量部"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    child = client.post(
        "/api/v1/departments/",
        {"code": "lab", "name": "化验室", "parent_id": created.json()["id"]},
        content_type="application/json",
    )
    assert child.status_code == 201
    listed = client.get("/api/v1/departments/").json()
    assert [(d["code"], d["depth"]) for d in listed] == [("qa", 0), ("lab", 1)]
    refused = client.post(
        "/api/v1/departments/", {"code": "x", "name": "X", "is_superuser": True},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code in (400, 422)


def test_new_user_must_change_the_initial_password(client, admin_user):
    """Created by an administrator: every page leads to the password change until the user
    picks their own; an administrator's reset makes it initial again."""
    user = user_create(
        actor=admin_user, username="li", password="Init-Pass-2026", role_codes=["sales"]
    )
    assert user.must_change_password
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/iam/password/")
    assert client.get("/api/v1/me").status_code == 403
    response = client.post(
        "/iam/password/",
        {"old_password": "Init-Pass-2026", "new_password1": "Mine-Own-8841x",
         "new_password2": "Mine-Own-8841x"},
    )  # fmt: skip
    assert response.status_code == 302
    assert not User.objects.get(pk=user.pk).must_change_password
    assert client.get("/").status_code == 200
    user_set_password(actor=admin_user, user_id=user.pk, password="Reset-Pass-7781")
    assert User.objects.get(pk=user.pk).must_change_password


def test_users_without_role_and_roles_without_users(client, admin_user):
    from erp.iam.selectors import roles_without_users, users_without_role

    user_create(actor=admin_user, username="norole", password="No-Role-55120")
    assert [u.username for u in users_without_role()] == ["norole"]
    assert "admin" not in {r.code for r in roles_without_users()}
    assert "sales" in {r.code for r in roles_without_users()}
    client.force_login(admin_user)
    listed = client.get("/iam/users/?role=__none__").content.decode()
    assert "norole" in listed and ">admin<" not in listed
    assert "没有用户的角色" in client.get("/iam/roles/").content.decode()

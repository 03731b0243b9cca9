"""The permission matrix within the page budget (issue #22): the page lists the apps with each
role's count of granted permissions; an app's permission rows load on demand. All apps' rows at
once were 423 KB of HTML with every module installed (budget 300 KB)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.test import Client

from erp.iam.models import Role

PAGE_LIMIT = 100 * 1024
SECTION_LIMIT = 100 * 1024


@pytest.fixture
def admin_client(demo_user):
    client = Client()
    client.force_login(demo_user("admin"))
    return client


def _erp_labels() -> list[str]:
    return sorted(c.label for c in apps.get_app_configs() if c.name.startswith("erp."))


def test_matrix_page_is_small_and_lists_every_app(admin_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):  # session, user, roles, counts: not per app
        response = admin_client.get("/iam/roles/matrix/")
    assert response.status_code == 200
    assert len(response.content) < PAGE_LIMIT, len(response.content)
    listed = {a.app_label: a for a in response.context["matrix_apps"]}
    with_perms = {
        label for label in _erp_labels() if Permission.objects.filter(content_type__app_label=label)
    }
    assert set(listed) == with_perms
    roles = response.context["roles"]
    admin = [r.code for r in roles].index("admin")
    iam_admin = Role.objects.get(code="admin").group.permissions.filter(
        content_type__app_label="iam"
    )
    assert listed["iam"].granted[admin] == iam_admin.count()
    body = response.content.decode()
    assert 'hx-get="/iam/roles/matrix/app/?app=iam"' in body
    assert "data-codename" not in body  # no permission rows until an app is opened


def test_every_section_renders_its_rows_within_budget(admin_client, django_assert_max_num_queries):
    roles = list(Role.objects.all())
    for label in _erp_labels():
        with django_assert_max_num_queries(12):  # rows in one query + context processors
            response = admin_client.get(f"/iam/roles/matrix/app/?app={label}")
        assert response.status_code == 200, label
        assert len(response.content) < SECTION_LIMIT, (label, len(response.content))
        groups = response.context["groups"]
        perms = Permission.objects.filter(content_type__app_label=label)
        assert sum(len(g.rows) for g in groups) == perms.count(), label
        for group in groups:
            assert group.app_label == label
            for row in group.rows:
                assert len(row.cells) == len(roles)
                assert f'data-codename="{row.codename}"' in response.content.decode()


def test_section_cells_match_the_role_grants(admin_client):
    response = admin_client.get("/iam/roles/matrix/app/?app=masterdata")
    roles = response.context["roles"]
    granted = {
        (r.code, f"masterdata.{p.codename}")
        for r in roles
        for p in r.group.permissions.filter(content_type__app_label="masterdata")
    }
    shown = {
        (role.code, row.codename)
        for group in response.context["groups"]
        for row in group.rows
        for role, cell in zip(roles, row.cells, strict=True)
        if cell
    }
    assert shown == granted and granted


def test_inline_section_without_scripts_and_unknown_app(admin_client):
    body = admin_client.get("/iam/roles/matrix/?app=iam").content.decode()
    assert 'data-codename="iam.add_user"' in body
    assert len(body.encode()) < PAGE_LIMIT
    assert admin_client.get("/iam/roles/matrix/app/?app=nope").status_code == 404
    unknown = admin_client.get("/iam/roles/matrix/?app=nope")
    assert unknown.status_code == 200 and unknown.context["groups"] == []


def test_section_needs_the_users_permission(demo_user):
    client = Client()
    client.force_login(demo_user("sales"))
    assert client.get("/iam/roles/matrix/app/?app=iam").status_code == 403

import pytest
from django.conf import settings
from django.test import Client

from erp.iam.models import Role
from erp.iam.services.roles import load_role_specs

ISSUE_ROLES = [
    "系统管理员", "总经理", "销售员", "销售经理", "采购员", "采购经理", "仓管员", "生产计划员",
    "车间主管", "质检员", "质量经理", "会计", "出纳", "财务经理", "设备管理员",
]  # fmt: skip


def test_roles_toml_lists_every_role_of_the_issue():
    specs = load_role_specs()
    assert sorted(s.name for s in specs) == sorted(ISSUE_ROLES)
    assert len({s.code for s in specs}) == len(specs)


@pytest.mark.django_db
def test_roles_sync_creates_them_deny_by_default(roles, make_user):
    assert set(Role.objects.values_list("name", flat=True)) == set(ISSUE_ROLES)
    assert roles["admin"].group.permissions.filter(codename="add_user").exists()
    assert not roles["sales"].group.permissions.filter(codename="view_user").exists()
    nobody = make_user("li")
    assert nobody.get_all_permissions() == set()


@pytest.mark.django_db
def test_language_switch_saves_user_language_and_cookie(make_user):
    user = make_user("li")
    client = Client()
    client.force_login(user)
    response = client.post("/iam/language/", {"language": "en", "next": "/iam/tokens/"})
    assert response.status_code == 302 and response["Location"] == "/iam/tokens/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    assert "My API tokens" in client.get("/iam/tokens/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_language_switch_refuses_unsafe_next(make_user, target):
    client = Client()
    client.force_login(make_user("li"))
    response = client.post("/iam/language/", {"language": "en", "next": target})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_language_switch_unknown_language_changes_nothing(make_user):
    user = make_user("li")
    client = Client()
    client.force_login(user)
    client.post("/iam/language/", {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_anonymous_language_switch_sets_cookie_for_login_page(admin_user):
    # admin_user: an empty database shows the set-up wizard instead of the login page.
    client = Client()
    response = client.post("/iam/language/", {"language": "en", "next": "/iam/login/"})
    assert response["Location"] == "/iam/login/"
    assert "Log in" in client.get("/iam/login/").content.decode()

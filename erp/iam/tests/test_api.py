"""/api/v1/me and /api/v1/users/: tokens, permissions, mass assignment."""

import pytest
from django.test import Client

from erp.core.models import AuditEvent
from erp.iam.models import ApiToken, User
from erp.iam.services.tokens import api_token_create, api_token_revoke, token_digest

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_token_is_stored_as_digest_and_works_for_me(make_user):
    user = make_user("li", "sales")
    token, secret = api_token_create(actor=user, name="scanner")
    assert token.digest == token_digest(secret) and secret not in (token.digest, token.prefix)
    assert not ApiToken.objects.filter(digest=secret).exists()
    response = Client().get("/api/v1/me", **_bearer(secret))
    assert response.status_code == 200
    data = response.json()
    assert data["username"] == "li" and data["roles"] == ["sales"]
    assert "sales.view_salesorder" in data["permissions"] or data["permissions"]
    assert "iam.add_user" not in data["permissions"]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer erp_nonsense", "Bearer ", "Bearer x y", "Token abc"])
def test_bad_tokens_get_401_json(make_user, header):
    make_user("li")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_revoked_token_and_inactive_user_get_401(make_user):
    user = make_user("li")
    token, secret = api_token_create(actor=user, name="old")
    api_token_revoke(actor=user, token_id=token.pk)
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 401
    _t, secret2 = api_token_create(actor=user, name="new")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert Client().get("/api/v1/me", **_bearer(secret2)).status_code == 401


def test_bad_token_is_not_rescued_by_a_session(make_user):
    client = Client()
    client.force_login(make_user("li"))
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer erp_bad").status_code == 401


def test_token_page_shows_secret_once_and_revokes(make_user):
    user = make_user("li")
    client = Client()
    client.force_login(user)
    response = client.post("/iam/tokens/", {"name": "扫码枪"})
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    assert secret not in client.get("/iam/tokens/").content.decode()
    token = user.api_tokens.get()
    other = make_user("wang")
    stranger = Client()
    stranger.force_login(other)
    assert stranger.post(f"/iam/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/iam/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(object_type="iam.apitoken", action="update").count() == 1


def test_users_api_admin_only(admin_user, make_user):
    sales = make_user("li", "sales")
    _t, secret = api_token_create(actor=sales, name="x")
    response = Client().get("/api/v1/users/", **_bearer(secret))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    response = Client().post(
        "/api/v1/users/",
        {"username": "zhao", "password": "Zhao-Secret-789"},
        content_type="application/json",
        **_bearer(secret),
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="zhao").exists()
    assert Client().get(f"/api/v1/users/{admin_user.pk}", **_bearer(secret)).status_code == 403


def test_users_api_list_search_get_and_404(admin_user, make_user):
    make_user("li", "sales", full_name="李四")
    _t, secret = api_token_create(actor=admin_user, name="x")
    data = Client().get("/api/v1/users/?q=李", **_bearer(secret)).json()
    assert data["count"] == 1 and data["items"][0]["username"] == "li"
    response = Client().get(f"/api/v1/users/{admin_user.pk}", **_bearer(secret))
    assert response.json()["roles"] == ["admin"]
    response = Client().get("/api/v1/users/999999", **_bearer(secret))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "extra",
    [{"is_superuser": True}, {"is_staff": True}, {"groups": [1]}, {"user_permissions": [1]}],
)
def test_mass_assignment_is_refused(admin_user, extra):
    _t, secret = api_token_create(actor=admin_user, name="x")
    response = Client().post(
        "/api/v1/users/",
        {"username": "zhao", "password": "Zhao-Secret-789", **extra},
        content_type="application/json",
        **_bearer(secret),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert not User.objects.filter(username="zhao").exists()


def test_api_create_with_roles_and_unknown_role(admin_user):
    _t, secret = api_token_create(actor=admin_user, name="x")
    body = {
        "username": "zhao",
        "password": "Zhao-Secret-789",
        "roles": ["sales"],
        "full_name": "赵六",
    }
    response = Client().post(
        "/api/v1/users/", body, content_type="application/json", **_bearer(secret)
    )
    assert response.status_code == 201
    assert response.json()["roles"] == ["sales"]
    user = User.objects.get(username="zhao")
    assert not user.is_staff and not user.is_superuser
    bad = {**body, "username": "qian", "roles": ["root"]}
    response = Client().post(
        "/api/v1/users/", bad, content_type="application/json", **_bearer(secret)
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="qian").exists()

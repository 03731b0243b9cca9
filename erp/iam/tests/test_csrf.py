"""CSRF on the language switch, user creation and the API; GET never writes."""

import pytest
from django.conf import settings
from django.test import Client

from erp.core.models import AuditEvent
from erp.iam.models import User
from erp.iam.services.tokens import api_token_create

pytestmark = pytest.mark.django_db


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/iam/tokens/")  # a page with a form sets the csrftoken cookie
    return client


def _token(client) -> str:
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def _foreign_token(user) -> str:
    other = _csrf_client(user)
    return _token(other)


def test_language_switch_without_or_with_foreign_token_is_refused(admin_user, make_user):
    client = _csrf_client(admin_user)
    assert client.post("/iam/language/", {"language": "en"}).status_code == 403
    foreign = _foreign_token(make_user("mallory"))
    response = client.post("/iam/language/", {"language": "en", "csrfmiddlewaretoken": foreign})
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.language == "zh-hans"
    ok = client.post("/iam/language/", {"language": "en", "csrfmiddlewaretoken": _token(client)})
    assert ok.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.language == "en"


def test_user_create_without_or_with_foreign_token_is_refused(admin_user, make_user):
    client = _csrf_client(admin_user)
    data = {"username": "zhao", "password": "Zhao-Secret-789", "roles": ["sales"]}
    assert client.post("/iam/users/new/", data).status_code == 403
    foreign = _foreign_token(make_user("mallory"))
    response = client.post("/iam/users/new/", {**data, "csrfmiddlewaretoken": foreign})
    assert response.status_code == 403
    assert not User.objects.filter(username="zhao").exists()


def test_get_never_writes(admin_user):
    client = Client()
    client.force_login(admin_user)
    events = AuditEvent.objects.count()
    assert client.get("/iam/language/?language=en&next=/").status_code == 405
    assert client.get("/iam/users/new/?username=zhao&password=Zhao-Secret-789").status_code == 200
    assert client.get("/iam/tokens/?name=x").status_code == 200
    assert client.get("/iam/logout/").status_code == 405
    admin_user.refresh_from_db()
    assert admin_user.language == "zh-hans"
    assert not User.objects.filter(username="zhao").exists()
    assert not admin_user.api_tokens.exists()
    assert AuditEvent.objects.count() == events


def test_api_session_post_needs_csrf_token_post_does_not(admin_user):
    client = _csrf_client(admin_user)
    body = {"username": "zhao", "password": "Zhao-Secret-789", "roles": []}
    response = client.post("/api/v1/users/", body, content_type="application/json")
    assert response.status_code == 403
    assert not User.objects.filter(username="zhao").exists()
    response = client.post(
        "/api/v1/users/", body, content_type="application/json", HTTP_X_CSRFTOKEN=_token(client)
    )
    assert response.status_code == 201
    _token_obj, secret = api_token_create(actor=admin_user, name="script")
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/users/",
        {**body, "username": "qian"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201
    assert User.objects.filter(username="qian").exists()

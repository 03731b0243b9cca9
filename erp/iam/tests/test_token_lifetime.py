"""API tokens expire after ERP_API_TOKEN_DAYS and die with a password change (issue 11 point 8).

Before: a token worked forever, and changing a leaked password left the attacker's tokens
working although every other session was logged out."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from erp.core.models import AuditEvent
from erp.iam.models import ApiToken
from erp.iam.services.tokens import api_token_create
from erp.iam.services.users import user_set_password

pytestmark = pytest.mark.django_db


def _me(secret: str, language: str = "en"):
    """GET /api/v1/me with the token; a token client's language comes from the cookie."""
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_token_expires_after_the_configured_days(make_user, settings):
    """ERP_API_TOKEN_DAYS = 30: the token works on day 29 23:59, refused at day 30."""
    settings.ERP_API_TOKEN_DAYS = 30
    user = make_user("li")
    token, secret = api_token_create(actor=user, name="scanner")
    assert abs(token.expires_at - token.created_at - timedelta(days=30)) < timedelta(seconds=1)
    with time_machine.travel(token.expires_at - timedelta(minutes=1), tick=False):
        assert _me(secret).status_code == 200
    with time_machine.travel(token.expires_at + timedelta(seconds=1), tick=False):
        expired = _me(secret)
    assert expired.status_code == 401
    body = expired.json()
    assert body["code"] == "token_expired"
    assert "expired" in body["message"] and "My API tokens" in body["message"]


def test_expired_token_message_is_translated(make_user, settings):
    user = make_user("li")
    _token, secret = api_token_create(actor=user, name="scanner")
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    body = _me(secret, "zh-hans").json()
    assert body["code"] == "token_expired"
    assert "已过期" in body["message"]


def test_default_lifetime_is_90_days(make_user):
    token, _secret = api_token_create(actor=make_user("li"), name="x")
    assert (token.expires_at - token.created_at).days in (89, 90)


@pytest.mark.parametrize("who", ["self", "administrator"])
def test_password_change_revokes_every_token_of_the_user(make_user, admin_user, who):
    user = make_user("li")
    _a, first = api_token_create(actor=user, name="scanner")
    _b, second = api_token_create(actor=user, name="report")
    _c, other = api_token_create(actor=admin_user, name="admin's own")
    assert _me(first).status_code == 200

    actor = user if who == "self" else admin_user
    user_set_password(actor=actor, user_id=user.pk, password="New-Secret-456")

    for secret in (first, second):
        refused = _me(secret)
        assert refused.status_code == 401
        assert refused.json()["code"] == "token_revoked"
        assert "password" in refused.json()["message"]
    assert _me(other).status_code == 200  # only that user's tokens
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    notes = AuditEvent.objects.filter(object_type="iam.apitoken", note__contains="password")
    assert notes.count() == 2


def test_password_change_page_revokes_tokens(make_user, login):
    user = make_user("li")
    _t, secret = api_token_create(actor=user, name="scanner")
    client = login(user)
    response = client.post(
        "/iam/password/",
        {
            "old_password": "pw-Secret-123",
            "new_password1": "New-Secret-456",
            "new_password2": "New-Secret-456",
        },
    )
    assert response.status_code == 302
    assert _me(secret).status_code == 401


def test_revoked_token_message_is_translated(make_user):
    user = make_user("li")
    _t, secret = api_token_create(actor=user, name="scanner")
    user_set_password(actor=user, user_id=user.pk, password="New-Secret-456")
    body = _me(secret, "zh-hans").json()
    assert body["code"] == "token_revoked" and "已吊销" in body["message"]


def test_token_page_shows_the_expiry(make_user, settings):
    settings.ERP_API_TOKEN_DAYS = 7
    user = make_user("li")
    token, _secret = api_token_create(actor=user, name="scanner")
    client = Client()
    client.force_login(user)
    page = client.get("/iam/tokens/").content.decode()
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in page
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    page = client.get("/iam/tokens/").content.decode()
    assert "已过期" in page  # the status badge, Chinese by default

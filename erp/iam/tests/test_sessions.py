"""Login, logout, lockout and password change: the session cases of adversarial-tests.md."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.test import Client

from erp.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Secret-123"


def _post_login(client, username, password):
    return client.post("/iam/login/", {"username": username, "password": password})


def test_login_page_is_chinese_by_default(admin_user):
    # admin_user: an empty database shows the set-up wizard instead of the login page.
    response = Client().get("/iam/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert response["Content-Language"] == "zh-hans"


def test_login_rotates_session_key_and_is_audited(make_user):
    user = make_user("li")
    client = Client()
    client.get("/iam/login/")
    client.session.save()  # an anonymous session exists before the login
    before = client.session.session_key
    response = _post_login(client, "li", PASSWORD)
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action="login")
    assert event.actor == user and event.object_id == str(user.pk)


def test_wrong_password_message_is_translated(make_user):
    make_user("li")
    response = _post_login(Client(), "li", "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert not AuditEvent.objects.filter(action="login").exists()


def test_logout_is_post_only_and_replayed_cookie_is_anonymous(make_user, login):
    make_user("li")
    client = login(make_user("wang"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/iam/logout/").status_code == 405
    assert client.get("/").status_code == 200  # GET did not log out
    assert client.post("/iam/logout/").status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = replay.get("/")
    assert response.status_code == 302 and "/iam/login/" in response["Location"]
    assert replay.get("/api/v1/me").status_code == 401


def test_five_wrong_passwords_lock_out_even_the_right_one(make_user):
    user = make_user("li")
    client = Client()
    for _ in range(4):
        assert _post_login(client, "li", "wrong").status_code == 200
    locked = _post_login(client, "li", "wrong")  # the 5th failure locks
    assert locked.status_code == 429
    response = _post_login(client, "li", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "账户已锁定" in body and "15 分钟" in body
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="li").failures_since_start >= 5
    assert AccessFailureLog.objects.filter(username="li").count() >= 5
    denied = AuditEvent.objects.filter(action="denied", object_id=str(user.pk))
    assert denied.count() >= 2  # the locking attempt and the refused right password
    # Another user from the same address is not locked (per user name + address).
    make_user("wang")
    assert _post_login(Client(), "wang", PASSWORD).status_code == 302


def test_password_change_ends_other_sessions_keeps_current(make_user, login):
    user = make_user("li")
    phone, laptop = login(user), login(user)
    response = laptop.post(
        "/iam/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "New-Secret-456",
            "new_password2": "New-Secret-456",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302  # back to the login page
    user.refresh_from_db()
    assert user.check_password("New-Secret-456")
    event = AuditEvent.objects.get(action="update", object_id=str(user.pk))
    assert event.changes == {"password": ["***", "***"]}
    assert "New-Secret" not in str(event.changes) + event.note


def test_password_change_wrong_old_password_changes_nothing(make_user, login):
    user = make_user("li")
    client = login(user)
    response = client.post(
        "/iam/password/",
        {
            "old_password": "nope",
            "new_password1": "New-Secret-456",
            "new_password2": "New-Secret-456",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

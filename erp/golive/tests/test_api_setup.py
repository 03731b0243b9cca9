"""/api/v1/setup: an installer script sets up an empty ERP with the one-time token, gets an
API token for the new administrator, and is refused without the token, with bad fields, and
once the ERP is set up."""

import datetime as dt

import pytest
from django.test import Client

import config.urls  # noqa: F401  (mounts the app routers on the API)
from erp.core.models import Company
from erp.golive.models import CutOver
from erp.golive.services.setup import setup_token_issue
from erp.iam.models import User

pytestmark = pytest.mark.django_db
URL = "/api/v1/setup"


def _form(token: str, **over) -> dict:
    data = {
        "token": token,
        "company_name": "苏州新材料有限公司",
        "standard": "small",
        "first_period": "2027-01",
        "admin_username": "boss",
        "admin_full_name": "王总",
        "admin_password": "Go-Live-2026!x",
    }
    data.update(over)
    return data


def _error(response, status, code):
    assert response.status_code == status, (response.status_code, response.content[:400])
    body = response.json()
    assert body["code"] == code and body["message"], body
    return body


def test_state_says_set_up_is_needed_and_offers_both_standards():
    body = Client().get(URL).json()
    assert body["needed"] is True
    assert [s["value"] for s in body["standards"]] == ["enterprise", "small"]
    assert len(body["first_period_default"]) == 7


def test_set_up_with_the_token_creates_the_company_and_answers_an_api_token():
    token = setup_token_issue()
    response = Client().post(URL, _form(token), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["admin_username"] == "boss" and body["go_live_date"] == "2027-01-01"
    assert Company.objects.get().name == "苏州新材料有限公司"
    assert CutOver.objects.get().go_live_date == dt.date(2027, 1, 1)
    me = Client(HTTP_AUTHORIZATION=f"Bearer {body['api_token']}").get("/api/v1/go-live/cockpit")
    assert me.status_code == 200, me.content  # the administrator continues with the cockpit
    assert Client().get(URL).json()["needed"] is False
    again = Client().post(URL, _form(token, admin_username="intruder"))
    _error(again, 409, "setup_done")
    assert list(User.objects.values_list("username", flat=True)) == ["boss"]


def test_loopback_alone_does_not_admit_the_api():
    """The page admits the server's own address; the API, which checks no CSRF token, does
    not: a web page in a browser on the server could post here."""
    setup_token_issue()
    response = Client().post(URL, _form(""), REMOTE_ADDR="127.0.0.1")
    _error(response, 403, "setup_forbidden")
    _error(Client().post(URL, _form("guessed"), REMOTE_ADDR="127.0.0.1"), 403, "setup_forbidden")
    assert not User.objects.exists() and not Company.objects.exists()


def test_bad_fields_are_named_and_nothing_is_created():
    token = setup_token_issue()
    response = Client().post(
        URL, _form(token, first_period="2027-13", uscc="123", standard="ifrs", company_name="")
    )
    fields = _error(response, 400, "validation_failed")["details"]["fields"]
    assert {"first_period", "uscc", "standard", "company_name"} <= set(fields)
    response = Client().post(URL, _form(token, admin_password="123"))
    assert "password" in str(_error(response, 400, "validation_failed")["details"]).lower()
    assert not User.objects.exists() and not Company.objects.exists()
    assert Client().post(URL, _form(token)).status_code == 201  # the token still works

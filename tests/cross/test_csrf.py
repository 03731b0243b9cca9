"""Every page URL refuses a POST without a CSRF token (403) and writes nothing, logged in as
the administrator who could otherwise do anything. Pages that only accept GET are included:
the middleware must refuse before any view runs."""

import pytest
from django.test import Client

from erp.core.models import AuditEvent
from tests.cross.catalogue import PAGES
from tests.cross.pages import url_or_skip

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_post_without_csrf_token_is_refused(demo, demo_user, page):
    url = url_or_skip(page)
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user("admin"))
    before = AuditEvent.objects.count()
    response = client.post(url, {"name": "x", "code": "QA-CSRF", "confirm": "1"})
    assert response.status_code == 403, f"{page}: {response.status_code}"
    assert AuditEvent.objects.count() == before


def test_api_post_with_session_but_without_csrf_token_is_refused(demo, demo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user("admin"))
    before = AuditEvent.objects.count()
    response = client.post("/api/v1/units/", {"code": "qa", "name": "QA"}, "application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert AuditEvent.objects.count() == before

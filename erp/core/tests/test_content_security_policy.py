"""Content-Security-Policy on every response, and templates that need no inline script
(issue 11 point 8). Before: no CSP header at all, so an injected <script> or onclick= ran.

The browser side (no page logs a CSP violation, the data-* behaviours work) is in
tests/browser/test_csp_browser.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [
    Path(settings.BASE_DIR, "templates"),
    *Path(settings.BASE_DIR, "erp").glob("*/templates"),
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.I)


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_every_kind_of_response_carries_the_policy(admin_user):
    anonymous = Client()
    client = Client()
    client.force_login(admin_user)
    responses = [
        anonymous.get(reverse("iam:login")),  # HTML page, not logged in
        anonymous.get(reverse("core:company_logo")),  # 404
        anonymous.get("/api/v1/me"),  # JSON 401
        client.get(reverse("core:home")),
        client.get(reverse("core:company")),
        client.get("/api/v1/me"),
    ]
    for response in responses:
        policy = _policy(response)
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
        assert policy["img-src"] == "'self' data:"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
        assert policy["form-action"] == "'self'"


def test_templates_hold_no_inline_script_nor_event_handler_attributes():
    """script-src 'self' blocks inline scripts, onclick=/onsubmit= attributes and javascript:
    links: a template using one would silently stop working. Behaviour is declared with data-*
    attributes (data-confirm, data-autosubmit, ...; static/erp/erp.js) or lives in a static
    file. <script type="application/json"> (json_script) is data, not code, and allowed."""
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JS_URL):
                offenders += [f"{path}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


def test_confirm_and_autosubmit_are_data_attributes(admin_user):
    """The revoke button's question is still asked, now from data-confirm (escaped text)."""
    from erp.iam.services.tokens import api_token_create

    api_token_create(actor=admin_user, name="scanner")
    client = Client()
    client.force_login(admin_user)
    page = client.get("/iam/tokens/").content.decode()
    assert 'data-confirm="确定吊销此令牌' in page
    assert "onsubmit" not in page

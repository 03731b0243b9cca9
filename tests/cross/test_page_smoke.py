"""Every UI page of config.urls, GET as anonymous, as a user without roles, as the demo
administrator and as one demo role per business area: never a server error, never a page
for someone who may not see it, always in Chinese. One test per page (all actors in it) keeps
the run short.

Patterns whose arguments cannot be filled are skipped with the reason (see catalogue.py); on
the demo these are: golive:log_* (the demo runs no import), ops:backup_verify (no backup on the
demo), approvals:delegation_end (no delegation) and the accounting:arap_* pages of one receipt
or payment (the demo records none).
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.cross.catalogue import PAGES
from tests.cross.pages import assert_chinese_page, assert_no_server_error, url_or_skip

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse(settings.LOGIN_URL)
# Pages that answer without login: views marked @login_not_required (login page, logo).
PUBLIC = {p.name for p in PAGES if getattr(p.view, "login_required", True) is False}
# Pages any logged-in user may open whatever their roles: their own things, the shell, and
# pages that show only what the user may see (empty for a user without roles).
PERSONAL = {
    "core:home", "core:search", "iam:password_change", "iam:api_tokens",
    "approvals:inbox", "approvals:mine", "approvals:notifications", "approvals:delegations",
    "core:print_sample",  # fixed sample data, to check fonts and the PDF pipeline
    "golive:import_hub",  # lists only the imports the user may run
    "golive:log_list",  # the user's own import runs
    "accounting:source_vouchers",  # fragment: "not allowed" without accounting.view_voucher
}  # fmt: skip
# Redirects the administrator legitimately gets (name -> where to, by URL name).
ADMIN_REDIRECTS = {
    "iam:login": "core:home",  # already logged in
    "inventory:stockcount_found": "inventory:stockcount_entry",  # GET shows the entry page
    "accounting:voucher_edit": "accounting:voucher_detail",  # the demo voucher is posted
    "golive:setup": "iam:login",  # the set-up wizard closes once a user exists
}
# One demo role per business area, with the URL prefixes of its area.
ROLE_AREAS = {
    "warehouse": ("/inventory/", "/masterdata/"),
    "accountant": ("/accounting/",),
    "sales": ("/masterdata/customers/", "/approvals/"),
}


def _is_partial(page) -> bool:
    """htmx row/line fragments answer 400 without their query parameters."""
    return page.route.endswith("row/")


# Public pages that exist only until the company is set up: with users, they send to login.
SETUP_ONLY = {"golive:setup"}


def _anonymous(page, url):
    response = Client().get(url)
    assert_no_server_error(response, page)
    if page.name in SETUP_ONLY:
        assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)
        return
    if page.name in PUBLIC:
        assert response.status_code in (200, 404, 405), f"{page}: {response.status_code}"
        return
    assert response.status_code == 302, f"anonymous {page}: {response.status_code}"
    assert response["Location"].startswith(LOGIN_URL), response["Location"]


def _without_roles(page, url, user):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert_no_server_error(response, page)
    status = response.status_code
    if page.name in PERSONAL | PUBLIC:
        assert status in (200, 302, 404, 405), f"no-role {page}: {status}"
        return
    if status == 302:  # a GET that only redirects: the target must refuse in turn
        response = client.get(response["Location"])
        status = response.status_code
    assert status in (403, 404, 405), f"no-role user got {status} on {page}"


def _admin(page, url, user):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert_no_server_error(response, page)
    status = response.status_code
    if page.is_action or status == 405:
        assert status == 405, f"{page}: a POST-only URL answered GET with {status}"
    elif page.name in ADMIN_REDIRECTS:
        assert status == 302, f"admin {page}: {status}"
        target = reverse(ADMIN_REDIRECTS[page.name], kwargs=response.resolver_match.kwargs)
        assert response["Location"].split("?")[0] == target, response["Location"]
    elif _is_partial(page):
        assert status in (200, 400), f"admin {page}: {status}"
    elif page.name == "core:company_logo":
        assert status == 404  # until a logo is uploaded; the demo has none
    else:
        assert status == 200, f"admin {page}: {status}"
        assert_chinese_page(response, page)


def _area_role(page, url, user):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert_no_server_error(response, page)
    assert response.status_code in (200, 302, 400, 403, 404, 405), response.status_code
    if response.status_code == 200:
        assert_chinese_page(response, page)


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_page_answers_each_kind_of_user(demo, demo_user, django_user_model, page):
    url = url_or_skip(page)
    _anonymous(page, url)
    _without_roles(page, url, django_user_model.objects.create_user("nobody", password="x"))
    _admin(page, url, demo_user("admin"))
    for role, prefixes in ROLE_AREAS.items():
        if any(url.startswith(p) for p in prefixes):
            _area_role(page, url, demo_user(role))

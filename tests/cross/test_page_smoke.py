"""Every UI page of config.urls, GET as anonymous, as a user without roles, as the demo
administrator and as one demo role per business area: never a server error, never a page
for someone who may not see it, always in Chinese.

Patterns whose arguments cannot be filled are skipped with the reason (see catalogue.py); on
the demo this is: iam:api_token_revoke (POST only, covered by CSRF test), golive:log_* (the
demo runs no import), ops:backup_verify (no backup on the demo), approvals:delegation_end
(no delegation), accounting:arap_* detail pages (the demo records no receipt or payment).
"""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.cross.catalogue import PAGES
from tests.cross.pages import assert_chinese_page, assert_no_server_error, url_or_skip

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse(settings.LOGIN_URL)
# Pages that answer without login: views marked @login_not_required (login page, logo).
PUBLIC = {p.name for p in PAGES if getattr(p.view, "login_required", True) is False}
# Pages every logged-in user may open whatever their roles: their own things and the shell.
PERSONAL = {
    "core:home", "core:search", "iam:password_change", "iam:api_tokens",
    "approvals:inbox", "approvals:mine", "approvals:notifications", "approvals:delegations",
    "accounting:my_expenseclaim_list", "accounting:expenseclaim_create",
}  # fmt: skip
# Redirects the administrator legitimately gets (name -> where to, by URL name).
ADMIN_REDIRECTS = {
    "iam:login": "core:home",  # already logged in
    "inventory:stockcount_found": "inventory:stockcount_entry",  # count not started
    "accounting:voucher_edit": "accounting:voucher_detail",  # the demo voucher is posted
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


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_anonymous_is_sent_to_login(client, demo, page):
    url = url_or_skip(page)
    response = client.get(url)
    if page.name in PUBLIC:
        assert_no_server_error(response, page)
        assert response.status_code in (200, 404), f"{page}: {response.status_code}"
        return
    assert response.status_code == 302, f"{page}: {response.status_code}"
    assert response["Location"].startswith(LOGIN_URL), response["Location"]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_user_without_roles_sees_only_personal_pages(client, demo, make_user, page):
    url = url_or_skip(page)
    client.force_login(make_user("nobody"))
    response = client.get(url)
    assert_no_server_error(response, page)
    if page.name in PERSONAL | PUBLIC:
        assert response.status_code in (200, 302), f"{page}: {response.status_code}"
        return
    assert response.status_code in (403, 404, 405), f"{page}: {response.status_code}"


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_admin_opens_every_page_in_chinese(client, demo, demo_user, page):
    url = url_or_skip(page)
    client.force_login(demo_user("admin"))
    response = client.get(url)
    assert_no_server_error(response, page)
    status = response.status_code
    if page.is_action or status == 405:
        assert status == 405, f"{page}: a POST-only URL answered GET with {status}"
    elif page.name in ADMIN_REDIRECTS:
        assert status == 302, f"{page}: {status}"
        target = reverse(ADMIN_REDIRECTS[page.name], kwargs=response.resolver_match.kwargs)
        assert response["Location"].split("?")[0] in (target, reverse("core:home"))
    elif _is_partial(page):
        assert status in (200, 400), f"{page}: {status}"
    elif page.name == "core:company_logo":
        assert status in (200, 404)  # 404 until a logo is uploaded; the demo has none
    else:
        assert status == 200, f"{page}: {status}"
        assert_chinese_page(response, page)


def _role_pages():
    for role, prefixes in ROLE_AREAS.items():
        for page in PAGES:
            if any(("/" + page.route).startswith(p) for p in prefixes):
                yield pytest.param(role, page, id=f"{role}-{page}")


@pytest.mark.parametrize(("role", "page"), list(_role_pages()))
def test_area_role_opens_its_pages_in_chinese(client, demo, demo_user, role, page):
    url = url_or_skip(page)
    client.force_login(demo_user(role))
    response = client.get(url)
    assert_no_server_error(response, page)
    assert response.status_code in (200, 302, 400, 403, 404, 405), response.status_code
    if response.status_code == 200:
        assert_chinese_page(response, page)

"""Issue #13 point 9: the home page and every shell page pay for the shell once per request.

The context processors (menu, company, approvals badge, backup banner) run for every template
rendered with the request; their values are computed once per request. The query counts of the
home page and of a list page are pinned, so a new figure or processor that adds queries per
page shows up here."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from erp.approvals.context_processors import approvals_pending_count
from erp.core.context_processors import shell
from erp.ops.context_processors import ops_banner

pytestmark = pytest.mark.django_db

# Session + user + the user's and the groups' permissions: what any logged-in page costs.
REQUEST = 4
# Company (1), approvals badge: pending requests (delegations as a subquery), unread
# notifications (2), backup banner: schedule settings, newest backup (2). Before: 7.
SHELL = 5
# Active materials, customers, approved suppliers; lots expiring, expired, in quarantine;
# vouchers not yet posted; and the modules' own: one count query per figure of sales,
# purchasing, production and quality (11), trace's recalls in progress and MRP's proposals (2).
FIGURES = 20


def test_context_processors_run_once_per_request(admin_user, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = admin_user
    with django_assert_num_queries(SHELL + 2):  # + the permissions, loaded once per user
        first = [p(request) for p in (shell, approvals_pending_count, ops_banner)]
    with django_assert_num_queries(0):  # a fragment or include rendered in the same request
        again = [p(request) for p in (shell, approvals_pending_count, ops_banner)]
    assert again == first
    assert first[0]["erp_menu"], "the administrator sees a menu"


def test_home_page_query_count_is_pinned(client, admin_user, django_assert_num_queries):
    client.force_login(admin_user)
    with django_assert_num_queries(REQUEST + SHELL + FIGURES):
        page = client.get(reverse("core:home"))
    assert page.status_code == 200


def test_list_page_query_count_is_pinned(client, admin_user, django_assert_num_queries):
    """The material list: count, the safety-stock total, the category filter's choices."""
    client.force_login(admin_user)
    with django_assert_num_queries(REQUEST + SHELL + 3):
        page = client.get(reverse("masterdata:material_list"))
    assert page.status_code == 200

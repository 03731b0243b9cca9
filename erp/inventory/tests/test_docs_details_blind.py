"""盲盘 blind count (issue #10.6): the counter never sees book quantities — on the entry page, the
count page, the printed sheet or the API — not even when he may post the count; only holders of
`inventory.see_count_book_quantity` do."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from erp.inventory.services.counts import (
    BOOK_QUANTITY_PERM,
    count_book_visible,
    stock_count_create,
    stock_count_enter,
    stock_count_freeze,
    stock_count_post,
)

TODAY = dt.date.today()
BOOK = "137.5"  # a book quantity no other figure on the pages contains


def user_with(make_user, username: str, *codenames: str):
    """A user holding exactly these inventory permissions (no role), so the test does not
    depend on what roles.toml grants."""
    user = make_user(username)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="inventory", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)


COUNTER = ("view_stockcount", "count_stockcount", "post_stockcount", "post_count_adjust")


@pytest.fixture
def counter(make_user):
    """Counts and even posts — but holds no book-quantity permission."""
    return user_with(make_user, "counter", *COUNTER)


@pytest.fixture
def supervisor(make_user):
    return user_with(make_user, "supervisor", *COUNTER, "see_count_book_quantity")


@pytest.fixture
def blind_count(keeper, plant, receive):
    receive(plant["resin"], plant["a"], BOOK, lot="BLIND-1")
    count = stock_count_create(
        actor=keeper, header={"date": TODAY, "warehouse_id": plant["wh"].pk, "blind": True}
    )
    return stock_count_freeze(actor=keeper, count_id=count.pk)


def page(client, user, name, count):
    client.force_login(user)
    response = client.get(reverse(f"inventory:{name}", args=[count.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def print_html(monkeypatch):
    """The print views render their HTML template to PDF; keep the HTML instead (the PDF
    engine is tested in core), so the test reads what the printed page says."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    from erp.core.printing import print_context

    def as_html(request, *, template_name, context, **_kw):
        return HttpResponse(render_to_string(template_name, print_context(context), request))

    monkeypatch.setattr("erp.core.doc_kit.views.pdf_response", as_html)


def test_the_permission_is_declared(db):
    assert Permission.objects.filter(
        content_type__app_label="inventory", codename="see_count_book_quantity"
    ).exists()
    assert BOOK_QUANTITY_PERM == "inventory.see_count_book_quantity"


def test_counter_who_may_post_still_does_not_see_book_quantities(client, counter, blind_count):
    """The old rule let anyone holding post_stockcount see the book: the counter who posts
    his own count could copy the book quantity instead of counting."""
    assert not count_book_visible(counter, blind_count)
    entry = page(client, counter, "stockcount_entry", blind_count)
    assert BOOK not in entry and "137.50" not in entry
    assert 'id="blind-note"' in entry and "账面:" not in entry  # no "账面: 137.5 kg"
    detail = page(client, counter, "stockcount_detail", blind_count)
    assert BOOK not in detail and ">账面数量</th>" not in detail and 'id="blind-note"' in detail


def test_variance_is_hidden_too_once_counted(client, counter, blind_count):
    """Counted 130 against book 137.5: the variance −7.5 would give the book away."""
    line = blind_count.lines.get()
    stock_count_enter(actor=counter, count_id=blind_count.pk, counts={line.pk: "130"})
    detail = page(client, counter, "stockcount_detail", blind_count)
    assert "130" in detail
    assert "-7.5" not in detail and "差异金额" not in detail and BOOK not in detail


def test_supervisor_sees_book_quantities_and_variances(client, supervisor, counter, blind_count):
    line = blind_count.lines.get()
    stock_count_enter(actor=counter, count_id=blind_count.pk, counts={line.pk: "130"})
    assert count_book_visible(supervisor, blind_count)
    assert BOOK in page(client, supervisor, "stockcount_entry", blind_count)
    detail = page(client, supervisor, "stockcount_detail", blind_count)
    assert BOOK in detail and "-7.5" in detail


def test_open_count_shows_book_quantities_to_every_counter(client, counter, keeper, plant, receive):
    receive(plant["resin"], plant["a"], BOOK, lot="OPEN-1")
    count = stock_count_create(
        actor=keeper, header={"date": TODAY, "warehouse_id": plant["wh"].pk, "blind": False}
    )
    stock_count_freeze(actor=keeper, count_id=count.pk)
    assert BOOK in page(client, counter, "stockcount_entry", count)


def test_api_hides_book_quantity_from_the_counter(client, counter, supervisor, blind_count):
    url = f"/api/v1/stock-counts/{blind_count.pk}"
    client.force_login(counter)
    assert json.loads(client.get(url).content)["lines"][0]["book_quantity"] is None
    client.force_login(supervisor)
    assert json.loads(client.get(url).content)["lines"][0]["book_quantity"] == "137.5000"


def test_printed_sheet_of_a_blind_count_never_shows_the_book_before_posting(
    client, counter, supervisor, blind_count, print_html
):
    """The sheet is what counters carry: even the supervisor's print leaves the book out until
    the count is posted; after posting he gets the variances, the counter still does not."""
    url = reverse("inventory:stockcount_print", args=[blind_count.pk])
    client.force_login(supervisor)
    assert "137.5" not in client.get(url).content.decode()
    line = blind_count.lines.get()
    stock_count_enter(actor=counter, count_id=blind_count.pk, counts={line.pk: "130"})
    stock_count_post(actor=counter, count_id=blind_count.pk)
    text = client.get(url).content.decode()
    assert "137.5" in text and "-7.5" in text
    client.force_login(counter)
    text = client.get(url).content.decode()
    assert "130" in text and "137.5" not in text and "-7.5" not in text


def test_warehouse_keeper_role_counts_blind(make_user, blind_count):
    """roles.toml: the 仓管员 counts, so his role must not hold the permission (its codename
    does not start with view_, so no "inventory.view_*" pattern grants it by accident)."""
    keeper = make_user("counter2", "warehouse")
    assert keeper.has_perm("inventory.count_stockcount")
    assert not count_book_visible(keeper, blind_count)

"""The shell: menu collected from every app and filtered by permission, home figures, global
search, state badges, toasts and the user menu."""

from types import SimpleNamespace

import pytest
from django.contrib import messages
from django.template import Context, Template
from django.urls import reverse

from erp.core import menu
from erp.core.menu import HomeFigure, MenuItem, SearchEntry
from erp.iam.models import User


def fake_module(**declared):
    return SimpleNamespace(**{"MENU": [], "FIGURES": [], "SEARCH": [], **declared})


@pytest.fixture
def declared(monkeypatch):
    """Replace the collected app menu modules with the ones a test declares."""
    modules = []
    monkeypatch.setattr(menu, "menu_modules", lambda: modules)
    return modules


USER_SEARCH = SearchEntry(
    label="Users",
    queryset=lambda: User.objects.all(),
    fields=("username", "full_name"),
    url=lambda u: f"/users/{u.pk}/",
    permission="iam.view_user",
    describe=lambda u: f"{u.username} {u.full_name}",
)


# --- collector ----------------------------------------------------------------------------


def test_every_installed_app_menu_module_is_collected():
    names = {m.__name__ for m in menu.menu_modules()}
    assert "erp.core.menu_core" in names
    assert "erp.iam.menu" in names


@pytest.mark.django_db
def test_menu_keeps_section_order_hides_forbidden_items_and_empty_sections(declared, make_user):
    declared.append(
        fake_module(
            MENU=[
                MenuItem("settings", "Company", "core:company", "core.view_company", order=2),
                MenuItem("sales", "Orders", "core:home", "crm.view_lead"),
                MenuItem("settings", "Users", "iam:user_list", "iam.view_user", order=1),
                MenuItem("nowhere", "Lost", "core:home", "core.view_company"),
            ]
        )
    )
    gm = make_user("gm", "general_manager")  # views everything, changes nothing
    sections = menu.menu_for(gm)
    assert [s.code for s in sections] == ["settings"]  # no crm app installed: no permission
    assert [i.label for i in sections[0].items] == ["Users", "Company"]
    assert menu.menu_for(make_user("nobody")) == []


@pytest.mark.django_db
def test_figures_only_those_the_user_may_see(declared, make_user):
    declared.append(
        fake_module(
            FIGURES=[
                HomeFigure("settings", "Users", "iam.view_user", lambda: User.objects.count()),
                HomeFigure("finance", "Secret", "nosuchapp.view_secret", lambda: 99),
            ]
        )
    )
    gm = make_user("gm", "general_manager")
    groups = menu.figures_for(gm)
    assert [(s.code, [(v.figure.label, v.value) for v in values]) for s, values in groups] == [
        ("settings", [("Users", 1)])
    ]
    assert menu.figures_for(make_user("nobody")) == []


@pytest.mark.django_db
def test_search_matches_declared_fields_for_permitted_users_only(declared, make_user):
    declared.append(fake_module(SEARCH=[USER_SEARCH]))
    admin = make_user("admin", "admin", full_name="系统管理员")
    make_user("zhang.san", full_name="张三")
    hits = menu.search_run(admin, "张")
    assert [(h.entry.label, h.rows) for h in hits] == [
        ("Users", [("zhang.san 张三", f"/users/{User.objects.get(username='zhang.san').pk}/")])
    ]
    assert menu.search_run(make_user("nobody"), "张") == []
    assert menu.search_run(admin, "   ") == []


@pytest.mark.django_db
def test_search_caps_rows_and_treats_sql_as_plain_text(declared, make_user):
    declared.append(fake_module(SEARCH=[USER_SEARCH]))
    admin = make_user("admin", "admin")
    User.objects.bulk_create([User(username=f"u{i:03d}") for i in range(menu.SEARCH_LIMIT + 5)])
    (hits,) = menu.search_run(admin, "u0")
    assert len(hits.rows) == menu.SEARCH_LIMIT and hits.more
    assert menu.search_run(admin, "'; DROP TABLE iam_user; --") == []
    assert User.objects.filter(username="admin").exists()


# --- pages --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_for_user_without_role_shows_only_the_friendly_note(client, make_user):
    client.force_login(make_user("nobody"))
    page = client.get(reverse("core:home"))
    assert page.status_code == 200
    assert "您还没有被分配任何模块" in page.text
    assert "请联系系统管理员" in page.text
    assert 'class="erp-nav-section"' not in page.text
    assert reverse("core:company") not in page.text


@pytest.mark.django_db
def test_home_shows_figures_with_real_counts(client, declared, make_user):
    declared.append(
        fake_module(
            MENU=[MenuItem("settings", "Users", "iam:user_list", "iam.view_user")],
            FIGURES=[
                HomeFigure(
                    "settings",
                    "Active users",
                    "iam.view_user",
                    lambda: User.objects.filter(is_active=True).count(),
                    url_name="iam:user_list",
                )
            ],
        )
    )
    admin = make_user("admin", "admin")
    User.objects.bulk_create([User(username=f"clerk{i}") for i in range(1234)])
    client.force_login(admin)
    page = client.get(reverse("core:home"))
    assert "Active users" in page.text
    assert "1,235" in page.text
    assert f'href="{reverse("iam:user_list")}"' in page.text
    assert "您还没有被分配任何模块" not in page.text


@pytest.mark.django_db
def test_sidebar_lists_permitted_entries_and_highlights_the_current_page(client, make_user):
    client.force_login(make_user("admin", "admin"))
    page = client.get(reverse("core:company_edit"))
    assert 'data-section="settings"' in page.text
    assert "公司设置" in page.text
    active = f'class="erp-nav-link erp-nav-sub active" href="{reverse("core:company")}"'
    assert active in page.text  # the edit page keeps its menu entry highlighted


@pytest.mark.django_db
def test_search_page_answers_for_empty_and_unmatched_queries(client, declared, make_user):
    declared.append(fake_module(SEARCH=[USER_SEARCH]))
    client.force_login(make_user("admin", "admin"))
    assert client.get(reverse("core:search")).status_code == 200
    page = client.get(reverse("core:search"), {"q": "(SELECT 1)"})
    assert page.status_code == 200
    assert "没有与“(SELECT 1)”匹配的记录" in page.text
    page = client.get(reverse("core:search"), {"q": "admin"})
    assert 'href="/users/' in page.text


@pytest.mark.django_db
def test_search_requires_login(client):
    response = client.get(reverse("core:search"), {"q": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("iam:login"))


@pytest.mark.django_db
def test_user_menu_has_password_language_and_logout(client, make_user):
    client.force_login(make_user("clerk"))
    page = client.get(reverse("core:home"))
    assert f'action="{reverse("iam:language_set")}"' in page.text
    assert 'name="language" value="en"' in page.text
    assert reverse("iam:password_change") in page.text
    assert f'action="{reverse("iam:logout")}"' in page.text


@pytest.mark.django_db
def test_messages_render_as_toasts(rf, make_user):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = make_user("clerk")
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.success(request, "已保存")
    messages.error(request, "库存不足")
    html = render_to_string("shell/messages.html", request=request)
    assert 'erp-toast-success" role="status" data-bs-autohide="true"' in html
    assert 'erp-toast-danger" role="alert" data-bs-autohide="false"' in html  # errors stay
    assert "已保存" in html and "库存不足" in html


@pytest.mark.parametrize(
    ("state", "colour"),
    [("draft", "secondary"), ("submitted", "warning"), ("posted", "success"), ("odd", "secondary")],
)
def test_state_badge_uses_the_shared_colours(state, colour):
    from erp.core.states import STATE_COLOURS

    template = Template('{% include "shell/_state_badge.html" with state=s label=l %}')
    html = template.render(Context({"s": state, "l": "标签", "erp_state_colours": STATE_COLOURS}))
    assert f'class="badge erp-state text-bg-{colour}" data-state="{state}">标签</span>' in html

"""Every catalogue is complete and compiled, and the pages really come out in both languages."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUES = sorted(
    [
        *Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"),
        *Path(settings.BASE_DIR, "erp").glob("*/locale/*/LC_MESSAGES/django.po"),
    ]
)


def test_there_are_catalogues_for_the_project_and_core():
    names = {str(p.relative_to(settings.BASE_DIR)) for p in CATALOGUES}
    assert "locale/zh_Hans/LC_MESSAGES/django.po" in names
    assert "erp/core/locale/zh_Hans/LC_MESSAGES/django.po" in names


def _untranslated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalogue_has_no_empty_or_fuzzy_entry(path):
    po = polib.pofile(str(path))
    empty = [e.msgid for e in po if not e.obsolete and _untranslated(e)]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not empty, f"{path}: fill msgstr for {empty}"
    assert not fuzzy, f"{path}: check and unflag fuzzy entries {fuzzy}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_compiled_catalogue_matches_its_source(path):
    """The .mo Django reads must hold exactly the .po's translations: run compilemessages."""
    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run compilemessages"
    expected = {
        (e.msgid, e.msgstr or tuple(sorted(e.msgstr_plural.items())))
        for e in polib.pofile(str(path)).translated_entries()
    }
    compiled = polib.mofile(str(mo_path))
    actual = {(e.msgid, e.msgstr or tuple(sorted(e.msgstr_plural.items()))) for e in compiled}
    assert actual == expected, f"{mo_path} is stale: run compilemessages"


@pytest.mark.django_db
def test_login_page_in_chinese_by_default_and_english_on_request(client, admin_user):
    # admin_user: an empty database shows the set-up wizard instead of the login page.
    page = client.get(reverse("iam:login"))
    assert page.status_code == 200
    assert "登录" in page.text and "Log in" not in page.text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("iam:login"))
    assert "Log in" in page.text and "登录" not in page.text


@pytest.mark.django_db
def test_shell_follows_the_users_language(client, make_user):
    client.force_login(make_user("clerk", language="en"))
    assert "Log out" in client.get(reverse("core:home")).text
    client.force_login(make_user("lihua", language="zh-hans"))
    assert "退出登录" in client.get(reverse("core:home")).text

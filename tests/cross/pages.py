"""Checks shared by the page tests: status expectations and "is this page really Chinese"."""

from html.parser import HTMLParser

import pytest

from tests.cross.catalogue import Page, Unfillable, page_url

# Common English UI words: a page showing one of them as a whole text node (or placeholder)
# forgot a {% trans %} or a msgstr.
ENGLISH_WORDS = {
    "Save", "Cancel", "Search", "Export", "Edit", "Delete", "Next", "Previous", "Actions",
    "Filter", "Print", "Back", "Submit", "Close", "Home", "Log out", "New", "Reset", "Apply",
    "Confirm", "Post", "Name", "Code", "Date", "State", "Total", "Yes", "No",
}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skip = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(data.strip())


def english_leftovers(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return sorted({t for t in parser.texts if t in ENGLISH_WORDS})


def url_or_skip(page: Page) -> str:
    try:
        return page_url(page)
    except Unfillable as exc:
        pytest.skip(str(exc))


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def assert_chinese_page(response, page: Page) -> None:
    if not is_html(response) or b"<html" not in response.content[:500]:
        return  # an htmx fragment, a file download or JSON: no document language to check
    text = response.content.decode()
    assert '<html lang="zh-CN"' in text, f"{page}: page language is not zh-CN"
    leftovers = english_leftovers(text)
    assert not leftovers, f"{page}: untranslated English on the page: {leftovers}"


def assert_no_server_error(response, page: Page) -> None:
    assert response.status_code < 500, f"{page}: {response.status_code}"
    body = response.content[:20000].decode(errors="replace")
    for leak in ("Traceback", "OperationalError", "ProgrammingError", "IntegrityError"):
        assert leak not in body, f"{page}: {leak} in the page"

"""Every list page mounted through ListPage (found by walking config.urls): sort, filter and
search refuse or neutralise injection attempts without leaking database errors; the Excel
export holds exactly the rows the page shows; the page's query count does not grow with rows.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from erp.core.export import cell_value, xlsx_bytes
from tests.cross.catalogue import LIST_PAGES
from tests.cross.pages import assert_no_server_error, url_or_skip

pytestmark = pytest.mark.django_db

BAD_SORTS = ["; DROP TABLE core_company", "(SELECT 1)", "name desc, (select 1)", "-pk;--"]
BAD_VALUES = ["(SELECT 1)", "'; DROP TABLE core_company; --", "zzz-unknown", "1 OR 1=1"]
DB_ERROR_WORDS = ("syntax error", "OperationalError", "ProgrammingError", "no such column")


@pytest.fixture
def admin_client(client, demo_user):
    client.force_login(demo_user("admin"))
    return client


def _no_leak(response, page):
    assert_no_server_error(response, page)
    body = response.content.decode(errors="replace")
    for word in DB_ERROR_WORDS:
        assert word not in body, f"{page}: database error text {word!r} in the page"


@pytest.mark.parametrize("page", LIST_PAGES, ids=str)
def test_sort_outside_the_allowlist_is_refused(admin_client, demo, page):
    url = url_or_skip(page)
    for sort in BAD_SORTS:
        response = admin_client.get(url, {"sort": sort})
        _no_leak(response, page)
        assert response.status_code == 400, f"{page} sort={sort!r}: {response.status_code}"


@pytest.mark.parametrize("page", LIST_PAGES, ids=str)
def test_filters_and_search_take_injection_as_data(admin_client, demo, page):
    url = url_or_skip(page)
    config = page.list_config
    for value in BAD_VALUES:
        response = admin_client.get(url, {"q": value})
        _no_leak(response, page)
        assert response.status_code == 200, f"{page} q={value!r}: {response.status_code}"
        names = list(getattr(config.filterset_class, "base_filters", {}))
        for name in names if value in BAD_VALUES[:2] else ():
            response = admin_client.get(url, {name: value})
            _no_leak(response, page)
            assert response.status_code in (200, 400), f"{page} {name}={value!r}"


def _comparable(value):
    """A value as it reads back from the workbook (openpyxl gives floats and datetimes)."""
    value = cell_value(value)
    if value == "":
        return None  # an empty text cell reads back as no value
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return round(float(value), 6)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


def _read_back(value):
    if isinstance(value, float | int) and not isinstance(value, bool):
        return round(float(value), 6)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


def _trimmed(row: list) -> list:
    """Trailing empty cells are not stored in the sheet."""
    while row and row[-1] is None:
        row = row[:-1]
    return row


def test_sheet_titles_with_characters_excel_refuses_still_export():
    sheet = load_workbook(
        io.BytesIO(xlsx_bytes(sheet_title="应收/应付 [明细]", headers=["a"], rows=[]))
    )
    assert sheet.active.title == "应收-应付 -明细-"


@pytest.mark.parametrize("page", LIST_PAGES, ids=str)
def test_export_holds_the_rows_of_the_page(admin_client, demo, page):
    url = url_or_skip(page)
    config = page.list_config
    shown = admin_client.get(url, {"per_page": 200})
    assert shown.status_code == 200
    objects = [obj for obj, _url, _cells in shown.context["rows"]]
    export = admin_client.get(url, {"per_page": 200, "export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [str(c.label) for c in config.columns]
    expected = [_trimmed([_comparable(c.value(obj)) for c in config.columns]) for obj in objects]
    actual = [_trimmed([_read_back(v) for v in row]) for row in rows[1:]]
    assert actual == expected, f"{page}: export rows differ from the page"


# Known bugs in apps being edited now (not fixed here): listed in the QA report.
QUERY_COUNT_BUGS: dict[str, str] = {}


def _query_pages():
    for page in LIST_PAGES:
        reason = QUERY_COUNT_BUGS.get(page.name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(page, id=str(page), marks=marks)


@pytest.mark.parametrize("page", list(_query_pages()))
def test_query_count_does_not_grow_with_rows(admin_client, demo, demo_user, page, monkeypatch):
    """One row on the page or all of them (up to 200): the same number of queries."""
    monkeypatch.setattr("erp.core.listing.PAGE_SIZES", (1, 20, 50, 100, 200))
    url = url_or_skip(page)
    total = page.list_config.base_queryset(demo_user("admin")).count()
    if total < 2:
        pytest.skip(f"{page}: the demo has {total} row(s); nothing to compare")
    counts = {}
    for per_page in (1, 200):
        admin_client.get(url, {"per_page": per_page})  # warm per-request caches (menu, perms)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url, {"per_page": per_page})
        assert response.status_code == 200
        assert len(response.context["rows"]) == min(per_page, total)
        counts[per_page] = len(queries)
    if page.list_config.rows_hook is not None:
        # Source references resolve in one query per document type on the page, never per row.
        from erp.core.references import document_types

        bound = counts[1] + len(document_types())
        assert counts[200] <= bound, f"{page}: {counts} queries, more than one per document type"
        return
    assert counts[1] == counts[200], f"{page}: {counts} queries for 1 vs {min(200, total)} rows"

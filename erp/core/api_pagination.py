"""The one pagination of every API list: `page`/`page_size` or `limit`/`offset`, in SQL.

    @router.get("/accounts/", response=list[AccountOut])
    @paginate(ErpPagination)
    def accounts_list(request, ...): return queryset

A client pages either way: `?page=3&page_size=20` or `?limit=20&offset=40` (`offset` and
`limit` win when given; `limit` alone starts at 0). The answer is `{"items": [...], "count": N}`:
one COUNT query and one sliced query, never a list built in Python. Values out of range
(page 0, a negative offset, letters) are a 400 in the API's error format, like every other bad
parameter. `page_size` and `limit` are capped at MAX_PAGE_SIZE.

`paginate(ErpPagination, decorate=fn)`: `fn(items)` runs on the page's rows (a list) before they
are answered, e.g. to attach document references in one query per type.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import PaginationBase

PAGE_SIZE = settings.PAGINATION_PER_PAGE  # NINJA_PAGINATION_PER_PAGE in config/settings
MAX_PAGE_SIZE = 500


class ErpPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=10_000_000)
        page_size: int | None = Field(None, ge=1)
        limit: int | None = Field(None, ge=1)
        offset: int | None = Field(None, ge=0, le=2_000_000_000)

    def __init__(
        self,
        page_size: int = PAGE_SIZE,
        max_page_size: int = MAX_PAGE_SIZE,
        decorate: Callable[[list], Any] | None = None,
        **kw: Any,
    ):
        self.page_size = page_size
        self.max_page_size = max_page_size
        self.decorate = decorate
        super().__init__(**kw)

    def window(self, pagination: Input) -> tuple[int, int]:
        """(offset, size) of the requested page."""
        if pagination.limit is not None or pagination.offset is not None:
            size = min(pagination.limit or self.page_size, self.max_page_size)
            return pagination.offset or 0, size
        size = min(pagination.page_size or self.page_size, self.max_page_size)
        return (pagination.page - 1) * size, size

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        offset, size = self.window(pagination)
        items = list(queryset[offset : offset + size])
        if self.decorate is not None:
            self.decorate(items)
        return {self.items_attribute: items, "count": self._items_count(queryset)}

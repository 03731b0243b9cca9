"""Generic list pages: keyword search, filters, allowlisted sort, pagination, totals, export.

An app declares a `ListConfig` per list and mounts `ListPage.as_view(config=...)`. Sorting and
filtering accept only what the config declares: anything else is refused with a 400 and a
message, never passed to the database.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed

PAGE_SIZES = (20, 50, 100, 200)
EXPORT_ROW_LIMIT = 100_000


@dataclass(frozen=True)
class StateCell:
    code: str
    label: str

    def __str__(self) -> str:
        return str(self.label)


@dataclass(frozen=True)
class Column:
    """One table column. `name` is an attribute path ("category.name"); `sort` is the field the
    column orders by (None: not sortable); `kind` drives alignment and formatting."""

    name: str
    label: Any
    sort: str | None = None
    kind: str = "text"  # text | num | amount | qty | date | datetime | bool | state | doc
    total: bool = False
    link: bool = False
    export_only: bool = False
    # Labels for coded values when the model field declares no choices (e.g. Document.state).
    choices: Any = None

    def cell(self, obj: Any) -> Any:
        """What the page shows: like value(), but a state column keeps its code for the colour."""
        if self.kind == "state":
            return StateCell(code=self._raw(obj), label=self.value(obj))
        if self.kind == "doc":  # a Document: its number as a link (单据联查)
            from erp.core.references import document_link

            return document_link(self._raw(obj))
        return self.value(obj)

    def _raw(self, obj: Any) -> Any:
        target = obj
        for part in self.name.split("."):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target

    def value(self, obj: Any) -> Any:
        target = obj
        parts = self.name.split(".")
        for part in parts[:-1]:
            target = getattr(target, part, None)
            if target is None:
                return None
        last = parts[-1]
        display = getattr(target, f"get_{last}_display", None)
        if callable(display):
            return display()
        value = getattr(target, last, None)
        value = value() if callable(value) else value
        if self.choices is not None and value is not None:
            return dict(self.choices.choices).get(value, value)
        if self.kind == "doc" and value is not None:
            return str(value)  # exports and prints: the document's number
        return value


@dataclass
class ListConfig:
    model: type[models.Model]
    permission: str
    title: Any
    columns: list[Column]
    search_fields: tuple[str, ...] = ()
    filterset_class: type | None = None
    default_sort: str = "code"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    detail_url_name: str | None = None
    create_url_name: str | None = None
    create_permission: str | None = None
    import_url_name: str | None = None
    template_url_name: str | None = None
    # Where "Export" goes when the list has an import layout (so exports re-import unchanged);
    # None: the generic export of the visible columns.
    export_url_name: str | None = None
    export_name: str = "export"
    search_placeholder: Any = _("Code or name")  # noqa: RUF009 (lazy, evaluated per request)
    queryset_hook: Callable[[Any, models.QuerySet], models.QuerySet] | None = None
    # Called with the rows of a page (and of each export chunk) before cells are read: e.g.
    # erp.core.references.refs_attach, so a source column shows 类型名 + number + link with one
    # query per document type instead of one per row.
    rows_hook: Callable[[list], Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def base_queryset(self, user) -> models.QuerySet:
        qs = self.model._default_manager.all()
        related = {*self.select_related, *self._column_relations()}
        if related:
            qs = qs.select_related(*sorted(related))
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        if self.queryset_hook:
            qs = self.queryset_hook(user, qs)
        return qs

    def _column_relations(self) -> list[str]:
        """Forward foreign keys that dotted columns ("warehouse.code") walk through, so a list
        never issues one query per row for them."""
        paths = []
        for column in self.columns:
            parts = column.name.split(".")[:-1]
            model, walked = self.model, []
            for part in parts:
                try:
                    field = model._meta.get_field(part)
                except Exception:  # a property or method: nothing to join
                    break
                if not (field.many_to_one or field.one_to_one) or field.auto_created:
                    break
                walked.append(part)
                model = field.related_model
            if walked:
                paths.append("__".join(walked))
        return paths

    def sort_keys(self) -> dict[str, str]:
        return {c.sort: c.sort for c in self.columns if c.sort}

    def detail_url(self, obj: Any) -> str | None:
        if not self.detail_url_name:
            return None
        return reverse(self.detail_url_name, kwargs={"pk": obj.pk})

    def visible_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.export_only]


@dataclass
class ListQuery:
    queryset: models.QuerySet
    sort: str
    keyword: str
    filterset: Any
    per_page: int


def list_query(config: ListConfig, user, params: Mapping[str, str]) -> ListQuery:
    """Apply keyword, filters and sort from request parameters; refuse unknown values."""
    qs = config.base_queryset(user)
    keyword = (params.get("q") or "").strip()[:100]
    if keyword and config.search_fields:
        qs = qs.filter(
            reduce(or_, (Q(**{f"{f}__icontains": keyword}) for f in config.search_fields))
        )
    filterset = None
    if config.filterset_class is not None:
        filterset = config.filterset_class(params, queryset=qs)
        if not filterset.is_valid():
            raise ValidationFailed(
                _("Some filters are not valid. Correct them and search again."),
                code="invalid_filter",
                fields={k: [str(m) for m in v] for k, v in filterset.errors.items()},
            )
        qs = filterset.qs
    sort = params.get("sort") or config.default_sort
    allowed = config.sort_keys() | {
        config.default_sort.lstrip("-"): config.default_sort.lstrip("-")
    }
    if sort.lstrip("-") not in allowed:
        raise ValidationFailed(
            _("This list cannot be sorted by “%(sort)s”. Click a column header to sort.")
            % {"sort": sort[:40]},
            code="invalid_sort",
            allowed=sorted(allowed),
        )
    qs = qs.order_by(sort, "pk")
    per_page = _per_page(params.get("per_page"))
    return ListQuery(
        queryset=qs, sort=sort, keyword=keyword, filterset=filterset, per_page=per_page
    )


def _per_page(raw: str | None) -> int:
    try:
        value = int(raw or PAGE_SIZES[0])
    except ValueError:
        return PAGE_SIZES[0]
    return value if value in PAGE_SIZES else PAGE_SIZES[0]


def list_totals(config: ListConfig, qs: models.QuerySet) -> dict[str, Any]:
    sums = {c.name: Sum(c.name.replace(".", "__")) for c in config.columns if c.total}
    return qs.aggregate(**sums) if sums else {}


def list_page(query: ListQuery, page_number: str | None):
    return Paginator(query.queryset, query.per_page).get_page(page_number)


def export_rows(config: ListConfig, qs: models.QuerySet):
    rows = qs[:EXPORT_ROW_LIMIT]
    # iterator() skips prefetch_related unless a chunk size is given; 2000 keeps memory flat.
    for chunk in batched(rows.iterator(chunk_size=2000), 2000):
        if config.rows_hook:
            config.rows_hook(list(chunk))
        for obj in chunk:
            yield [_export_value(c.value(obj)) for c in config.columns]


def _export_value(value: Any) -> Any:
    return str(value) if hasattr(value, "link") else value  # a DocumentRef: 类型名 + number


def batched(iterable, size: int):
    """itertools.batched (Python 3.12) for 3.11."""
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

"""Declaring an import: columns, grouping, permission and the service that writes a group.

A file has one row per record, or for header+lines records (customer with contacts, warehouse
with locations) one row per line: the key column is repeated on every row of a record, the
other header columns are filled on its first row and may be left blank (or repeated
unchanged) on the following rows. Rows of one record must be consecutive.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import translation

TEXT, INT, DECIMAL, BOOL, DATE, CHOICE, REFERENCE = (
    "text",
    "int",
    "decimal",
    "bool",
    "date",
    "choice",
    "reference",
)


@dataclass(frozen=True, eq=False)
class Column:
    """One spreadsheet column. `header` is translatable and written in Chinese in files;
    `field` is the model field (or line field) it fills; `places` bounds decimals;
    `choices` are (value, label) pairs; `model`/`lookup` resolve a reference by code."""

    header: Any
    field: str
    kind: str = TEXT
    required: bool = False
    help: Any = ""
    places: int = 4
    choices: Sequence[tuple[str, Any]] = ()
    model: type[models.Model] | None = None
    lookup: str = "code"
    width: int = 14
    line: bool = False  # belongs to the line part of a header+lines record
    nullable: bool = False  # a blank cell clears the value (else: keeps it / the default)
    minimum: Decimal | int | None = None

    # Cached: the catalogues are fixed while the process runs, and an import asks for the
    # same header once per row and column (switching the language each time cost seconds).
    @cached_property
    def _zh(self) -> str:
        with translation.override("zh-hans"):
            return str(self.header)

    def header_zh(self) -> str:
        return self._zh

    @cached_property
    def _en(self) -> str:
        with translation.override("en"):
            return str(self.header)

    def header_en(self) -> str:
        return self._en

    @cached_property
    def _choice_labels(self) -> tuple[str, ...]:
        with translation.override("zh-hans"):
            return tuple(str(label) for _value, label in self.choices)

    def choice_labels(self) -> list[str]:
        return list(self._choice_labels)


@dataclass
class Group:
    """One record to upsert: its header values, its lines and the sheet rows it came from."""

    key: tuple
    first_row: int
    data: dict[str, Any]
    lines: list[dict[str, Any]] = field(default_factory=list)
    line_rows: list[int] = field(default_factory=list)


@dataclass
class ImportSpec:
    """What an app declares per importable record type.

    `upsert(actor=..., data=..., lines=...)` calls the app's service and returns
    (obj, "created" | "updated" | "unchanged"); `existing(data)` returns the current record or
    None (for the preview's changed fields); `current_lines(obj)` lists its lines as dicts;
    `line_objects(obj)` lists its current lines (header+lines specs); `queryset()` is what
    "export in import layout" writes."""

    key: str
    title: Any
    sheet: str
    columns: list[Column]
    permissions: tuple[str, ...]
    upsert: Callable[..., tuple[Any, str]]
    existing: Callable[[dict], Any]
    queryset: Callable[[], models.QuerySet]
    key_fields: tuple[str, ...] = ("code",)
    line_key_fields: tuple[str, ...] = ()
    line_objects: Callable[[Any], Any] | None = None
    # existing_in(keys) -> {key: record} for many groups in one query (keys as in Group.key);
    # optional, it spares the per-row `existing` query on large files.
    existing_in: Callable[[list[tuple]], dict[tuple, Any]] | None = None
    # apply_batch(actor=..., rows=[data, ...]) -> [row outcome with .status and .error] for
    # specs without lines: the engine writes the whole file with it in a few queries per
    # 500 rows instead of calling `upsert` per row (same checks, records and audit events).
    apply_batch: Callable[..., list] | None = None
    # check_batch(actor=..., rows=[...]) -> the outcomes apply_batch would return, writing
    # nothing: the dry run of a batch spec then leaves the database untouched (and skips the
    # inserts and audit rows a rolled-back write would cost).
    check_batch: Callable[..., list] | None = None
    # check_file(groups) -> [(row, field, value, message)]: checks across the whole file and
    # the database that no single row can make (a tax number used twice, or by another record)
    check_file: Callable[[list[Group]], list[tuple]] | None = None
    example: Sequence[Any] = ()
    # further example rows where one row alone cannot be imported (a balanced opening voucher)
    more_examples: Sequence[Sequence[Any]] = ()
    notes: Sequence[Any] = ()
    order: int = 100

    @property
    def slug(self) -> str:
        return self.key.replace(".", "_")

    @property
    def grouped(self) -> bool:
        return any(c.line for c in self.columns)

    def header_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.line]

    def line_columns(self) -> list[Column]:
        return [c for c in self.columns if c.line]


def _discover() -> dict[str, ImportSpec]:
    """Every `SPECS` list in `erp/<app>/imports.py` of the installed apps, by key."""
    found: dict[str, ImportSpec] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.imports"
        if not config.name.startswith("erp.") or find_spec(name) is None:
            continue
        for spec in getattr(import_module(name), "SPECS", []):
            found[spec.key] = spec
    return found


def all_specs() -> list[ImportSpec]:
    return sorted(_discover().values(), key=lambda s: (s.order, s.key))


def spec_get(key: str) -> ImportSpec | None:
    return _discover().get(key)

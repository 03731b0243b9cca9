"""The report builder's semantic layer (自定义报表): datasets other modules declare.

A dataset names a base queryset (posted documents only, say), the permission a user needs to
see it (the view permission of its model) and its fields: a short key the user picks, the ORM
path behind it, a label and a kind. The builder only ever turns a *key* into a path through
this registry, so nothing a user types is built into SQL.

    dataset_register(Dataset(
        code="sales_invoice_lines", label=_("Sales invoice lines"),
        permission="sales.view_salesinvoice", base=lambda: ..., date_field="date",
        fields=(Field("customer", "document__customer__name", _("Customer")), ...)))

Registering the same dataset twice is a no-op; a different one under a taken code raises
ImproperlyConfigured (the rule of every registry, docs/adding-a-module.md).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import CharField, F, QuerySet
from django.db.models.functions import Cast, Substr

# text: equals / contains; choice: equals one of its choices; date, month, amount, qty, num:
# equals / from / to.
KINDS = ("text", "choice", "date", "month", "amount", "qty", "num")
MEASURE_KINDS = ("amount", "qty", "num")


@dataclass(frozen=True)
class Field:
    key: str
    path: str
    label: object
    kind: str = "text"
    choices: tuple[tuple[str, object], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ImproperlyConfigured(f"report field {self.key}: unknown kind {self.kind}")

    @property
    def is_measure(self) -> bool:
        return self.kind in MEASURE_KINDS

    def expression(self):
        """The database expression behind the key: the path, or its month ("2026-03") for a
        month field — the first 7 characters of the ISO date, which both databases compute
        natively (SQLite's TruncMonth is a Python function called per row)."""
        if self.kind == "month":
            return Substr(Cast(self.path, CharField(max_length=10)), 1, 7)
        return F(self.path)


@dataclass(frozen=True)
class Dataset:
    code: str
    label: object
    permission: str
    base: Callable[[], QuerySet] = field(compare=False)
    fields: tuple[Field, ...]
    date_field: str = ""  # key of the date the period filter applies to
    # (key of a document id field, document type) so a detail row links to its document.
    document: tuple[str, str] | None = None
    description: object = ""

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def signature(self) -> tuple:
        return (self.label, self.permission, self.fields, self.date_field, self.document)


_DATASETS: dict[str, Dataset] = {}


def dataset_register(dataset: Dataset) -> None:
    known = _DATASETS.get(dataset.code)
    if known is not None:
        if known.signature() != dataset.signature():
            raise ImproperlyConfigured(f"report dataset {dataset.code} is registered already")
        return
    keys = [f.key for f in dataset.fields]
    if len(keys) != len(set(keys)):
        raise ImproperlyConfigured(f"report dataset {dataset.code}: duplicate field keys")
    _DATASETS[dataset.code] = dataset


def dataset_unregister(code: str) -> None:
    _DATASETS.pop(code, None)


def dataset_get(code: str) -> Dataset | None:
    return _DATASETS.get(code)


def datasets_for(user) -> list[Dataset]:
    """The datasets this user may use: only those whose model they may view."""
    if user is None or not getattr(user, "is_active", False):
        return []
    return [d for d in _DATASETS.values() if user.has_perm(d.permission)]

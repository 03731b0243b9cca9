"""Type-ahead picker search (物料/客户/供应商/单位/仓库/库位): active records only, matched on
code, name and specification.

Code and name prefixes are read as index range scans (code is unique, name is indexed), so a
typed code answers in milliseconds even with 50,000 materials; only when those give fewer
than `limit` rows does a substring scan fill the rest (Chinese users often type a word from
the middle of a name or a specification).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from erp.masterdata.models import Customer, Location, Material, Supplier, Unit, Warehouse

PICKER_LIMIT = 20
# The highest BMP code point: `prefix <= value < prefix + TOP` is the range of a prefix.
TOP = "\uffff"


@dataclass(frozen=True)
class PickerKind:
    model: type[models.Model]
    view_permission: str
    has_specification: bool = False
    related: tuple[str, ...] = ()
    # A kind of another app whose records have no code/name/active (lots): its own search
    # (query, limit) -> options and option(pk) -> option | None.
    search: Callable[[str, int], list] | None = None
    option: Callable[[int], object] | None = None
    placeholder: Any = None  # what to type, when not "code, name or specification"


PICKERS: dict[str, PickerKind] = {
    "material": PickerKind(Material, "masterdata.view_material", has_specification=True),
    "customer": PickerKind(Customer, "masterdata.view_customer"),
    "supplier": PickerKind(Supplier, "masterdata.view_supplier"),
    "unit": PickerKind(Unit, "masterdata.view_unit"),
    "warehouse": PickerKind(Warehouse, "masterdata.view_warehouse"),
    "location": PickerKind(Location, "masterdata.view_location", related=("warehouse",)),
}


def picker_register(kind: str, spec: PickerKind) -> None:
    """Add a picker kind from another app's ready() (inventory adds "lot"); the same kind
    registered again is a no-op, another spec under a taken kind is a programming error."""
    known = PICKERS.get(kind)
    if known is not None and known != spec:
        raise ImproperlyConfigured(f"picker kind {kind!r} registered twice")
    PICKERS[kind] = spec


@dataclass(frozen=True)
class PickerOption:
    pk: int
    code: str
    name: str
    specification: str

    @property
    def label(self) -> str:
        return " ".join(x for x in (self.code, self.name, self.specification) if x)


def picker_search(kind: str, query: str, *, limit: int = PICKER_LIMIT) -> list[PickerOption]:
    """Active records of `kind` matching `query`: code prefix first, then name prefix, then
    any substring of code, name or specification; each group ordered by code."""
    spec = PICKERS[kind]
    query = query.strip()[:60]
    if spec.search is not None:
        return spec.search(query, limit)
    base = spec.model._default_manager.filter(active=True).select_related(*spec.related)
    if not query:
        return _options(spec, base.order_by("code")[:limit])
    found: dict[int, PickerOption] = {}
    for condition in _conditions(spec, query):
        if len(found) >= limit:
            break
        rows = base.filter(condition).exclude(pk__in=list(found)).order_by("code")
        for option in _options(spec, rows[: limit - len(found)]):
            found[option.pk] = option
    return list(found.values())


def _conditions(spec: PickerKind, query: str) -> list[Q]:
    contains = Q(code__icontains=query) | Q(name__icontains=query)
    if spec.has_specification:
        contains |= Q(specification__icontains=query)
    return [
        Q(code__gte=query, code__lt=query + TOP),
        Q(name__gte=query, name__lt=query + TOP),
        contains,
    ]


def picker_option(kind: str, pk) -> PickerOption | None:
    """The option of the current value, active or not (old records keep showing it)."""
    spec = PICKERS[kind]
    if spec.option is not None:
        try:
            return spec.option(int(pk))
        except (TypeError, ValueError):
            return None
    try:
        rows = spec.model._default_manager.filter(pk=int(pk)).select_related(*spec.related)
    except (TypeError, ValueError):
        return None
    options = _options(spec, rows)
    return options[0] if options else None


def _options(spec: PickerKind, rows) -> list[PickerOption]:
    return [
        PickerOption(
            pk=obj.pk,
            code=f"{obj.warehouse.code}/{obj.code}" if spec.model is Location else obj.code,
            name=obj.name,
            specification=getattr(obj, "specification", "") if spec.has_specification else "",
        )
        for obj in rows
    ]

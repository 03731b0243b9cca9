"""Run a report builder spec against its dataset: validate every key against the registry,
then one grouped (or plain) query, paged in SQL.

A spec is plain data (what a saved report stores, what the form and the API send):

    {"columns": ["customer", "material"],        # shown when not grouped
     "group_by": ["month", "category"],          # up to three levels; empty: detail rows
     "sums": ["net_amount", "quantity"],         # measures summed per group (and a count)
     "filters": [{"field": "customer", "op": "contains", "value": "华东"}],
     "period": "this_month", "date_from": "", "date_to": ""}

Unknown keys, a measure that is not a number, an operator the field's kind does not take or a
value that does not parse are refused with a ValidationFailed naming the key; nothing else
reaches the database.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from erp.core.errors import PermissionDenied, ValidationFailed
from erp.core.money import round_amount, round_quantity
from erp.reports.periods import PERIODS, period_range
from erp.reports.registry import Dataset, Field, dataset_get

MAX_GROUPS = 3
MAX_COLUMNS = 20
MAX_FILTERS = 10
OPS = {"eq", "contains", "gte", "lte"}
TEXT_OPS = {"eq", "contains"}
ORDERED_OPS = {"eq", "gte", "lte"}


@dataclass(frozen=True)
class Spec:
    dataset: Dataset
    columns: tuple[Field, ...]
    group_by: tuple[Field, ...]
    sums: tuple[Field, ...]
    filters: tuple[tuple[Field, str, object], ...]
    date_from: dt.date | None
    date_to: dt.date | None
    period: str

    @property
    def grouped(self) -> bool:
        return bool(self.group_by)

    def headers(self) -> list[tuple[str, str]]:
        """(label, kind) of the result columns, in order."""
        if self.grouped:
            heads = [(str(f.label), f.kind) for f in self.group_by]
            heads += [(_("Σ %(field)s") % {"field": f.label}, f.kind) for f in self.sums]
            return [*heads, (pgettext("report builder", "Count"), "num")]
        return [(str(f.label), f.kind) for f in self.columns]


def _refuse(message: str, key: str) -> ValidationFailed:
    return ValidationFailed(message, code="report_field_refused", fields={key: [message]})


def _field(dataset: Dataset, key, what: str) -> Field:
    found = dataset.field(key) if isinstance(key, str) else None
    if found is None:
        raise _refuse(
            _("%(what)s “%(key)s” is not a field of the dataset %(dataset)s.")
            % {"what": what, "key": key, "dataset": dataset.label},
            what,
        )
    return found


def _keys(raw, limit: int, name: str) -> list:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple) or len(raw) > limit:
        raise _refuse(
            _("Choose at most %(n)s entries for %(name)s.") % {"n": limit, "name": name}, name
        )
    return list(raw)


def _parse_value(f: Field, value):
    text = str(value if value is not None else "").strip()
    try:
        if f.kind in ("date", "month"):
            return dt.date.fromisoformat(text)
        if f.kind in ("amount", "qty", "num"):
            return Decimal(text)
    except (ValueError, InvalidOperation):
        raise _refuse(
            _("“%(value)s” is not a valid value for %(field)s.")
            % {"value": text, "field": f.label},
            f.key,
        ) from None
    if f.kind == "choice" and text not in {c for c, _label in f.choices}:
        raise _refuse(
            _("“%(value)s” is not a choice of %(field)s.") % {"value": text, "field": f.label},
            f.key,
        )
    if not text:
        raise _refuse(_("Enter a value for the filter on %(field)s.") % {"field": f.label}, f.key)
    return text


def _filter(dataset: Dataset, raw) -> tuple[Field, str, object]:
    if not isinstance(raw, dict):
        raise _refuse(_("A filter needs a field, an operator and a value."), "filters")
    f = _field(dataset, raw.get("field"), _("Filter field"))
    op = raw.get("op") or "eq"
    allowed = TEXT_OPS if f.kind in ("text", "choice") else ORDERED_OPS
    if f.kind == "choice":
        allowed = {"eq"}
    if op not in allowed:
        raise _refuse(
            _("The operator “%(op)s” does not apply to %(field)s.") % {"op": op, "field": f.label},
            f.key,
        )
    return f, op, _parse_value(f, raw.get("value"))


def _date(raw, name: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise _refuse(_("Enter a date as 2026-03-01."), name) from None


def spec_parse(dataset_code: str, raw: dict, *, user) -> Spec:
    """Validate a raw spec against the registry and the user's permission."""
    dataset = dataset_get(dataset_code) if isinstance(dataset_code, str) else None
    if dataset is None:
        raise _refuse(_("Choose one of the offered datasets."), "dataset")
    if not (user and user.is_active and user.has_perm(dataset.permission)):
        raise PermissionDenied(missing=[dataset.permission])
    raw = raw if isinstance(raw, dict) else {}
    columns = [
        _field(dataset, k, _("Column")) for k in _keys(raw.get("columns"), MAX_COLUMNS, "columns")
    ]
    group_by = [
        _field(dataset, k, _("Group by"))
        for k in _keys(raw.get("group_by"), MAX_GROUPS, "group_by")
    ]
    sums = [_field(dataset, k, _("Sum")) for k in _keys(raw.get("sums"), MAX_COLUMNS, "sums")]
    for f in sums:
        if not f.is_measure:
            raise _refuse(
                _("%(field)s is not a number and cannot be summed.") % {"field": f.label}, f.key
            )
    filters = [_filter(dataset, r) for r in _keys(raw.get("filters"), MAX_FILTERS, "filters")]
    period = raw.get("period") or "all"
    if period not in PERIODS:
        raise _refuse(_("Choose one of the offered periods."), "period")
    date_from, date_to = (
        _date(raw.get("date_from"), "date_from"),
        _date(raw.get("date_to"), "date_to"),
    )
    if period != "custom":
        date_from, date_to = period_range(period, timezone.localdate())
    if not columns and not group_by:
        columns = list(dataset.fields[:8])
    return Spec(
        dataset,
        tuple(columns),
        tuple(group_by),
        tuple(sums),
        tuple(filters),
        date_from,
        date_to,
        period,
    )


def _where(spec: Spec) -> Q:
    q = Q()
    date_field = spec.dataset.field(spec.dataset.date_field) if spec.dataset.date_field else None
    if date_field is not None:
        if spec.date_from:
            q &= Q(**{f"{date_field.path}__gte": spec.date_from})
        if spec.date_to:
            q &= Q(**{f"{date_field.path}__lte": spec.date_to})
    for f, op, value in spec.filters:
        lookup = {"eq": "exact", "contains": "icontains", "gte": "gte", "lte": "lte"}[op]
        q &= Q(**{f"{f.path}__{lookup}": value})
    return q


def spec_queryset(spec: Spec) -> QuerySet:
    """One query: grouped rows {g0.., s0.., n} ordered by the groups, or detail rows {c0..}."""
    qs = spec.dataset.base().filter(_where(spec))
    if spec.grouped:
        groups = {f"g{i}": f.expression() for i, f in enumerate(spec.group_by)}
        sums = {f"s{i}": Sum(f.path) for i, f in enumerate(spec.sums)}
        return qs.values(**groups).annotate(**sums, n=Count("pk")).order_by(*groups)
    cols = {f"c{i}": f.expression() for i, f in enumerate(spec.columns)}
    return qs.values(**cols).order_by("-pk")


def _exact(f: Field, value) -> Decimal:
    """A database sum rounded to its kind (SQLite sums decimals as binary floats)."""
    value = value if value is not None else Decimal(0)
    if f.kind == "amount":
        return round_amount(value)
    if f.kind == "qty":
        return round_quantity(value)
    return value


def spec_row(spec: Spec, row: dict) -> list:
    if spec.grouped:
        values = [row[f"g{i}"] for i in range(len(spec.group_by))]
        values += [_exact(f, row[f"s{i}"]) for i, f in enumerate(spec.sums)]
        return [*values, row["n"]]
    return [row[f"c{i}"] for i in range(len(spec.columns))]


def spec_totals(spec: Spec) -> list | None:
    """Σ of each summed measure over every group (not only the page shown): one query."""
    if not spec.grouped or not spec.sums:
        return None
    qs = spec.dataset.base().filter(_where(spec))
    found = qs.aggregate(**{f"s{i}": Sum(f.path) for i, f in enumerate(spec.sums)}, n=Count("pk"))
    return [_exact(f, found[f"s{i}"]) for i, f in enumerate(spec.sums)] + [found["n"]]


def spec_as_data(spec: Spec) -> dict:
    """The spec as stored on a saved report (keys only, never paths)."""
    return {
        "columns": [f.key for f in spec.columns] if not spec.grouped else [],
        "group_by": [f.key for f in spec.group_by],
        "sums": [f.key for f in spec.sums],
        "filters": [
            {"field": f.key, "op": op, "value": v.isoformat() if isinstance(v, dt.date) else str(v)}
            for f, op, v in spec.filters
        ],
        "period": spec.period,
        "date_from": spec.date_from.isoformat()
        if spec.period == "custom" and spec.date_from
        else "",
        "date_to": spec.date_to.isoformat() if spec.period == "custom" and spec.date_to else "",
    }

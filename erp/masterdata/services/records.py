"""The one write engine of master data: a record plus its line sets, validated, saved and
audited together. Every masterdata service (units, categories, materials, customers,
suppliers, payment terms, warehouses, locations, work centres, production lines) declares a
`RecordKind` and calls `record_create` / `record_update` / `record_upsert` / `record_remove`
(or `record_save` inside its own transaction), so pages, API and imports behave alike.

A line set passed to a service replaces the record's lines as a set. Lines are matched to the
existing rows by `id`, else by their key fields (`key`), else by identical content, so an
unchanged set writes nothing; that is what lets an import re-run report "no changes" (no
write, no audit event). Lines missing from the set are removed: deleted, or deactivated when
something else still refers to them (see `delete_or_deactivate`). Bad lines are reported all
at once, per line (`details["lines"] = {index: {field: [messages]}}`), so forms can mark them.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import DomainError, NotFound, ValidationFailed
from erp.core.models import AuditEvent
from erp.core.services.audit import audit_event, audit_record, diff, snapshot
from erp.core.validation import validate_model

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
LOCK_CHUNK = 500  # codes per locked `IN (...)` read of a batch


@dataclass(frozen=True)
class LineSet:
    """How one kind of child line is matched, checked and removed."""

    related_name: str
    model: type[models.Model]
    parent_field: str
    fields: tuple[str, ...]
    key: tuple[str, ...] = ()
    # check(parent, final_lines, existing_lines) raises ValidationFailed when a rule over the
    # whole set is broken (one primary contact, last storage location...).
    check: Callable[[models.Model, list, list], None] | None = None
    # row_check(line, earlier_lines) -> {field: [messages]} for rules of one line.
    row_check: Callable[[models.Model, list], dict] | None = None
    # Rewrite the whole set when anything differs (for sets whose unique keys would collide
    # while rows are updated one by one, e.g. step sequences).
    rewrite_all: bool = False
    remove: Callable[[models.Model], None] | None = None
    # label(line) -> how the line reads in the audit trail (default: its values joined).
    label: Callable[[models.Model], str] | None = None


@dataclass(frozen=True)
class RecordKind:
    model: type[models.Model]
    add_perm: str
    change_perm: str
    delete_perm: str
    fields: tuple[str, ...]
    lines: tuple[LineSet, ...] = ()
    # Fields whose change needs one more permission (mass-assignment guard for credit limits).
    field_perms: dict[str, str] = field(default_factory=dict)
    normalise: Callable[[dict], dict] | None = None
    # clean(obj, changed_field_names, created) checks business rules before any write.
    clean: Callable[[models.Model, list[str], bool], None] | None = None
    # rules(obj, final_lines_by_set) checks rules that span header and lines (only the sets
    # passed to the service are in the dict); runs after the lines are planned.
    rules: Callable[[models.Model, dict[str, list]], None] | None = None
    # after_save(obj, changed_field_names) for follow-up writes (e.g. deactivate locations).
    after_save: Callable[[models.Model, list[str]], None] | None = None


@dataclass
class _LinePlan:
    spec: LineSet
    final: list[models.Model]
    save: list[models.Model]
    remove: list[models.Model]

    @property
    def changes(self) -> bool:
        return bool(self.save or self.remove)

    def apply(self, parent: models.Model) -> None:
        remover = self.spec.remove or _delete
        for line in self.remove:
            remover(line)
        for line in self.save:
            setattr(line, self.spec.parent_field, parent)
            line.save()


def _delete(line: models.Model) -> None:
    line.delete()


def delete_or_deactivate(obj: models.Model) -> str:
    """Delete `obj` unless other records refer to it; then set active=False instead.
    Returns "deleted" or "deactivated"."""
    try:
        with transaction.atomic():
            obj.delete()
        return "deleted"
    except (ProtectedError, RestrictedError, IntegrityError):
        if obj.active:
            obj.active = False
            obj.save(update_fields=["active", "updated_at"])
        return "deactivated"


def clean_strings(data: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


def upsert_outcome(created: bool, wrote: bool) -> str:
    if created:
        return CREATED
    return UPDATED if wrote else UNCHANGED


# --- state for audit and change detection ---------------------------------------------------


def line_state(parent: models.Model, spec: LineSet) -> list[str]:
    """The lines as people read them in the audit trail, sorted so order alone is no change."""
    if parent.pk is None:
        return []
    return sorted(line_label(spec, line) for line in getattr(parent, spec.related_name).all())


def line_label(spec: LineSet, line: models.Model) -> str:
    if spec.label is not None:
        return spec.label(line)
    parts = []
    for name in spec.fields:
        model_field = spec.model._meta.get_field(name)
        value = getattr(line, name)
        if value in (None, "", False):
            continue
        if value is True:
            value = model_field.verbose_name
        elif model_field.choices:
            value = getattr(line, f"get_{name}_display")()
        parts.append(str(value))
    return " · ".join(parts)


def record_state(kind: RecordKind, obj: models.Model, sets=None) -> dict[str, Any]:
    """Header fields, and the line sets named in `sets` (all when None)."""
    state = snapshot(obj, [_attname(kind.model, f) for f in kind.fields])
    for spec in kind.lines:
        if sets is None or spec.related_name in sets:
            state[spec.related_name] = line_state(obj, spec)
    return state


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname


def _attnames(spec: LineSet) -> list[str]:
    return [_attname(spec.model, f) for f in spec.fields]


def _values(spec: LineSet, line: models.Model) -> tuple:
    return tuple(getattr(line, name) for name in _attnames(spec))


# --- header fields --------------------------------------------------------------------------


def apply_changes(obj: models.Model, data: dict, allowed: set[str]) -> list[str]:
    """Set allowlisted fields (mass-assignment guard); return the names whose value changed.

    Foreign keys compare by id, so an unsaved record without its required relation yet does
    not raise. A new record is written whatever this returns."""
    refused = sorted(set(data) - allowed)
    if refused:
        raise ValidationFailed(
            _("These fields cannot be set here: %(fields)s. Remove them and try again.")
            % {"fields": ", ".join(refused)},
            code="field_not_allowed",
            fields={name: [_("This field cannot be set here.")] for name in refused},
        )
    changed = []
    for name, value in data.items():
        model_field = obj._meta.get_field(name)
        if model_field.is_relation:
            new_id = value.pk if value is not None else None
            if getattr(obj, model_field.attname) != new_id:
                setattr(obj, name, value)
                changed.append(name)
        elif getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# --- lines ----------------------------------------------------------------------------------


def _build_line(spec: LineSet, data: dict, existing: models.Model | None, earlier: list):
    """The line with `data` applied, and its problems as {field: [messages]}.

    The set's own row rules run first: their messages say what to do, where a model
    constraint would only name itself."""
    unknown = set(data) - set(spec.fields) - {"id"}
    if unknown:
        message = _("unknown fields %(names)s.") % {"names": ", ".join(sorted(unknown))}
        return None, {"__all__": [str(message)]}
    line = existing if existing is not None else spec.model()
    for name, value in clean_strings(data).items():
        if name != "id":
            setattr(line, name, value)
    problems = spec.row_check(line, earlier) if spec.row_check is not None else {}
    if problems:
        return line, problems
    try:
        validate_model(line, exclude=[spec.parent_field])
    except ValidationFailed as exc:
        return line, dict(exc.details.get("fields", {}))
    return line, {}


def _lines_error(spec: LineSet, errors: dict[int, dict[str, list]]) -> ValidationFailed:
    first = min(errors)
    problems = "; ".join(
        f"{spec.model._meta.get_field(k).verbose_name}: {' '.join(map(str, v))}"
        if k in spec.fields
        else " ".join(map(str, v))
        for k, v in errors[first].items()
    )
    message = _("Line %(row)d of %(lines)s: %(message)s") % {
        "row": first + 1,
        "lines": spec.model._meta.verbose_name_plural,
        "message": problems,
    }
    return ValidationFailed(
        message,
        code="invalid_lines",
        fields={spec.related_name: [str(message)]},
        lines=errors,
        line_set=spec.related_name,
        line=first + 1,
    )


def _duplicate_key_error(spec: LineSet) -> ValidationFailed:
    return ValidationFailed(
        _("The same %(key)s appears twice in %(lines)s. Each line needs its own.")
        % {
            "key": spec.model._meta.get_field(spec.key[0]).verbose_name,
            "lines": spec.model._meta.verbose_name_plural,
        },
        code="duplicate_line",
        fields={spec.related_name: [_("Remove or change the repeated line.")]},
    )


def plan_lines(spec: LineSet, parent: models.Model, rows: list[dict]) -> _LinePlan:
    """Work out which lines to save and which to remove; write nothing yet."""
    existing = list(getattr(parent, spec.related_name).all()) if parent.pk else []
    # Rules compare against the lines as they were; matched rows are modified in place below.
    before = [copy.copy(line) for line in existing]
    originals = {line.pk: _values(spec, line) for line in existing}
    unmatched = {line.pk: line for line in existing}
    final: list[models.Model] = []
    errors: dict[int, dict[str, list]] = {}
    for index, data in enumerate(rows):
        match, problem = _match(spec, data, unmatched)
        if match is not None:
            del unmatched[match.pk]
        line, problems = (None, problem) if problem else _build_line(spec, data, match, final)
        if problems:
            errors[index] = problems
        if line is not None:
            final.append(line)
    if errors:
        raise _lines_error(spec, errors)
    if spec.key and len({_values(spec, x)[: len(spec.key)] for x in final}) < len(final):
        raise _duplicate_key_error(spec)
    if spec.check:
        spec.check(parent, final, before)
    changed = [x for x in final if x.pk is None or _values(spec, x) != originals[x.pk]]
    removed = list(unmatched.values())
    if spec.rewrite_all and (changed or removed):
        fresh = [_copy_line(spec, x) for x in final]
        return _LinePlan(spec, final, save=fresh, remove=existing)
    return _LinePlan(spec, final, save=changed, remove=removed)


def _copy_line(spec: LineSet, line: models.Model) -> models.Model:
    return spec.model(**{name: getattr(line, name) for name in _attnames(spec)})


def _match(spec: LineSet, data: dict, unmatched: dict) -> tuple[Any, dict]:
    if data.get("id"):
        try:
            return unmatched[int(data["id"])], {}
        except (KeyError, TypeError, ValueError):
            return None, {"__all__": [str(_("this line no longer exists; reload the page."))]}
    for line in unmatched.values():
        if spec.key and all(
            name in data and getattr(line, name) == data[name] for name in spec.key
        ):
            return line, {}
    if not spec.key:
        values = {k: v for k, v in clean_strings(data).items() if k != "id"}
        for line in unmatched.values():
            if all(getattr(line, k, None) == v for k, v in values.items()):
                return line, {}
    return None, {}


# --- the record -----------------------------------------------------------------------------


def _normalised(kind: RecordKind, data: dict) -> dict:
    data = clean_strings(data)
    return kind.normalise(data) if kind.normalise else data


def _check_field_perms(kind: RecordKind, actor, changed: list[str]) -> None:
    for name in changed:
        if name in kind.field_perms:
            require_perm(actor, kind.field_perms[name])


def _plans(kind: RecordKind, obj, lines: dict[str, list[dict]]) -> list[_LinePlan]:
    unknown_lines = set(lines) - {spec.related_name for spec in kind.lines}
    if unknown_lines:
        raise ValidationFailed(
            fields={
                name: [
                    _("This record has no lines called “%(name)s”. Leave them out.")
                    % {"name": name}
                ]
                for name in unknown_lines
            }
        )
    return [
        plan_lines(spec, obj, lines[spec.related_name])
        for spec in kind.lines
        if spec.related_name in lines
    ]


def _loaded_relations(obj: models.Model) -> list[str]:
    """Foreign keys holding a record read from the database (not just an id): Django's
    existence check would query each of them again, once per field and row, which is most of
    the cost of a 20,000-row import. The database's foreign key still refuses a record
    deleted meanwhile."""
    names = []
    for model_field in obj._meta.concrete_fields:
        if not model_field.many_to_one or model_field.remote_field.limit_choices_to:
            continue
        if not model_field.is_cached(obj):
            continue
        related = model_field.get_cached_value(obj)
        if (
            related is not None
            and not related._state.adding
            and related.pk == getattr(obj, model_field.attname)
        ):
            names.append(model_field.name)
    return names


def validate_record(obj: models.Model, *, unique_known: tuple[str, ...] = ()) -> None:
    """`validate_model(obj)` without the queries whose answer is known: references that are
    loaded records, and the uniqueness of `unique_known` (the fields the record was just
    looked up by, under lock). Field checks, clean() and constraints run as before."""
    errors: dict[str, list] = {}
    skip = _loaded_relations(obj)
    steps = (
        lambda failed: obj.clean_fields(exclude=skip),
        lambda failed: obj.clean(),
        lambda failed: obj.validate_unique(exclude=[*unique_known, *failed]),
        lambda failed: _validate_constraints(obj, failed),
    )
    for step in steps:
        try:
            step(set(errors))
        except DjangoValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        fields = {name: [str(m) for m in messages] for name, messages in errors.items()}
        raise ValidationFailed(fields=fields)


def _validate_constraints(obj: models.Model, exclude: set[str]) -> None:
    """Model.validate_constraints, with simple check constraints (field lookups against
    literal values) evaluated in Python: Django checks each with a query that names every
    field of the row, the slowest step of a bulk import. The database enforces them too."""
    errors: dict[str, list] = {}
    for model_class, constraints in obj.get_constraints():
        for constraint in constraints:
            verdict = _check_in_python(constraint, obj) if not exclude else None
            try:
                if verdict is None:
                    constraint.validate(model_class, obj, exclude=exclude)
                elif verdict is False:
                    raise DjangoValidationError(
                        constraint.get_violation_error_message(),
                        code=constraint.violation_error_code,
                    )
            except DjangoValidationError as exc:
                errors = exc.update_error_dict(errors)
    if errors:
        raise DjangoValidationError(errors)


_LOOKUPS = {
    "exact": lambda a, b: a == b,
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


def _check_in_python(constraint, obj: models.Model) -> bool | None:
    """True (holds) / False (violated) for a CheckConstraint made of `field__lookup=literal`
    terms joined by AND/OR; None when it is anything else (then Django checks it)."""
    if not isinstance(constraint, models.CheckConstraint):
        return None
    try:
        value = _q_value(constraint.condition, obj)
    except _NotSimple:
        return None
    return value is not False  # SQL: a NULL comparison does not violate a check


class _NotSimple(Exception):
    pass


def _q_value(node, obj: models.Model) -> bool | None:
    """Three-valued (SQL) truth of a Q tree over `obj`'s field values."""
    if not isinstance(node, models.Q):
        if not isinstance(node, tuple) or len(node) != 2 or hasattr(node[1], "resolve_expression"):
            raise _NotSimple
        name, _sep, lookup = node[0].partition("__")
        compare = _LOOKUPS.get(lookup or "exact")
        if compare is None or "__" in lookup or name not in _concrete_names(obj):
            raise _NotSimple
        current = getattr(obj, obj._meta.get_field(name).attname)
        return None if current is None or node[1] is None else compare(current, node[1])
    values = [_q_value(child, obj) for child in node.children]
    if node.connector == models.Q.AND:
        result = False if False in values else (None if None in values else True)
    else:
        result = True if True in values else (None if None in values else False)
    return result if result is None or not node.negated else not result


def _concrete_names(obj: models.Model) -> set[str]:
    return {f.name for f in obj._meta.concrete_fields}


def record_save(
    kind: RecordKind,
    *,
    actor,
    obj,
    data: dict,
    lines: dict[str, list[dict]],
    unique_known: tuple[str, ...] = (),
) -> str:
    """Apply `data` and `lines` to `obj` (new or locked), validate, save, audit; call inside a
    transaction after the permission check. Returns "created" | "updated" | "unchanged"
    ("unchanged" writes nothing, not even an audit event). `unique_known`: fields `obj` was
    looked up by under lock, whose uniqueness need not be queried again."""
    created = obj.pk is None
    before = {} if created else record_state(kind, obj)
    changed = apply_changes(obj, _normalised(kind, data), set(kind.fields))
    _check_field_perms(kind, actor, changed)
    if kind.clean:
        kind.clean(obj, changed, created)
    plans = _plans(kind, obj, lines)
    if not created and not changed and not any(p.changes for p in plans):
        return UNCHANGED
    validate_record(obj, unique_known=unique_known)
    if kind.rules:
        kind.rules(obj, {p.spec.related_name: p.final for p in plans})
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationFailed(
            _("Another record with this code was saved meanwhile. Reload and try again."),
            code="duplicate",
        ) from None
    for plan in plans:
        plan.apply(obj)
    if kind.after_save:
        kind.after_save(obj, changed)
    # A new record has no lines but those given: no query for the other sets.
    changes = diff(before, record_state(kind, obj, lines if created else None))
    audit_record(actor=actor, action="create" if created else "update", obj=obj, changes=changes)
    return CREATED if created else UPDATED


def locked(model: type[models.Model], **lookup) -> Any:
    """The row locked for update, or None (a no-op lock on SQLite, which serialises writers)."""
    return model._default_manager.select_for_update().filter(**lookup).first()


def _locked_or_404(kind: RecordKind, **lookup):
    obj = locked(kind.model, **lookup)
    if obj is None:
        raise NotFound()
    return obj


def new_record(kind: RecordKind, data: dict):
    # Required foreign keys cannot be read before they are set; set them at construction.
    required = {
        name: value
        for name, value in data.items()
        if name in kind.fields and kind.model._meta.get_field(name).many_to_one
    }
    return kind.model(**required)


def record_create(kind: RecordKind, *, actor, data: dict, lines: dict[str, list[dict]]):
    require_perm(actor, kind.add_perm)
    with transaction.atomic():
        obj = new_record(kind, data)
        record_save(kind, actor=actor, obj=obj, data=data, lines=lines)
        return obj


def record_update(kind: RecordKind, *, actor, pk: int, data: dict, lines: dict[str, list[dict]]):
    require_perm(actor, kind.change_perm)
    with transaction.atomic():
        obj = _locked_or_404(kind, pk=pk)
        record_save(kind, actor=actor, obj=obj, data=data, lines=lines)
        return obj


def record_upsert(
    kind: RecordKind, *, actor, key: tuple[str, ...], data: dict, lines: dict[str, list[dict]]
) -> tuple[Any, str]:
    """Create or update the record identified by the `key` fields of `data`; write nothing
    (not even an audit row) when nothing differs."""
    data = _normalised(kind, data)
    missing = [name for name in key if data.get(name) in (None, "")]
    if missing:
        raise ValidationFailed(fields={name: [_("This field is required.")] for name in missing})
    return record_upsert_by(
        kind, actor=actor, lookup={k: data[k] for k in key}, data=data, lines=lines
    )


def record_upsert_by(
    kind: RecordKind, *, actor, lookup: dict, data: dict, lines: dict[str, list[dict]]
) -> tuple[Any, str]:
    """`record_upsert` with an explicit lookup (which may hold None, e.g. a global conversion
    has no material)."""
    with transaction.atomic():
        obj = locked(kind.model, **lookup)
        if obj is None:
            require_perm(actor, kind.add_perm)
            obj = new_record(kind, data)
        else:
            require_perm(actor, kind.change_perm)
        # The lookup ran under lock: a clash on its fields can only come from a concurrent
        # insert, which the save's IntegrityError reports.
        known = tuple(lookup) if _single_unique(kind.model, tuple(lookup)) else ()
        return obj, record_save(
            kind, actor=actor, obj=obj, data=data, lines=lines, unique_known=known
        )


@dataclass
class BatchRow:
    """The outcome of one row of `record_upsert_batch`: its record and status, or its error."""

    obj: Any = None
    status: str = ""
    error: DomainError | None = None
    changed: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)


def record_upsert_batch(kind: RecordKind, *, actor, key: str, rows: list[dict]) -> list[BatchRow]:
    """`record_upsert` (without lines) for many rows at once, inside the caller's transaction:
    existing records are locked and read by `key` in chunks, every row is checked exactly as
    `record_save` checks it, then new records are inserted, changed ones updated (only their
    changed fields) and one audit event written per written record, each in a few queries.
    Keys must be unique within `rows` (the import refuses duplicates). A row's error is
    returned in its BatchRow; the other rows are still written (the caller rolls back)."""
    if kind.after_save is not None:
        # Follow-up writes run per saved record; this path would silently skip them.
        raise ValueError(f"{kind.model.__name__} has after_save: use record_upsert per row")
    results = _batch_rows(kind, actor, key, rows, lock=True)
    _batch_write(kind, actor, results)
    return results


def record_check_batch(kind: RecordKind, *, actor, key: str, rows: list[dict]) -> list[BatchRow]:
    """The outcomes `record_upsert_batch` would return, without writing anything (an import's
    dry run): the same checks on the same records, read without locks."""
    return _batch_rows(kind, actor, key, rows, lock=False)


def _batch_rows(kind: RecordKind, actor, key: str, rows: list[dict], *, lock: bool):
    prepared = [_normalised(kind, data) for data in rows]
    codes = {d.get(key) for d in prepared} - {None, ""}
    existing = _locked_by(kind.model, key, codes, lock=lock)
    known = (key,) if _single_unique(kind.model, (key,)) else ()
    allowed = _Allowed(actor)
    results = []
    for data in prepared:
        try:
            if data.get(key) in (None, ""):
                raise ValidationFailed(fields={key: [_("This field is required.")]})
            obj = existing.get(data[key])
            results.append(_batch_row(kind, actor, data, obj, known, allowed))
        except DomainError as exc:
            results.append(BatchRow(status="error", error=exc))
    return results


class _Allowed:
    """require_perm once per permission for the whole batch (the answer cannot change)."""

    def __init__(self, actor) -> None:
        self.actor = actor
        self.seen: dict[str, DomainError | None] = {}

    def require(self, perm: str) -> None:
        if perm not in self.seen:
            try:
                require_perm(self.actor, perm)
                self.seen[perm] = None
            except DomainError as exc:
                self.seen[perm] = exc
        if self.seen[perm] is not None:
            raise self.seen[perm]


def _locked_by(
    model: type[models.Model], key: str, values: set, *, lock: bool = True
) -> dict[Any, models.Model]:
    found = {}
    ordered = sorted(values, key=str)
    manager = model._default_manager
    for start in range(0, len(ordered), LOCK_CHUNK):
        chunk = ordered[start : start + LOCK_CHUNK]
        query = (manager.select_for_update() if lock else manager).filter(**{f"{key}__in": chunk})
        found.update({getattr(obj, key): obj for obj in query})
    return found


def _batch_row(kind: RecordKind, actor, data: dict, obj, known, allowed: _Allowed) -> BatchRow:
    """The checks of `record_upsert_by` + `record_save` for one row; writes nothing."""
    if obj is None:
        allowed.require(kind.add_perm)
        obj = new_record(kind, data)
    else:
        allowed.require(kind.change_perm)
    created = obj.pk is None
    before = {} if created else record_state(kind, obj, sets=())
    changed = apply_changes(obj, data, set(kind.fields))
    _check_field_perms(kind, actor, changed)
    if kind.clean:
        kind.clean(obj, changed, created)
    if not created and not changed:
        return BatchRow(obj=obj, status=UNCHANGED)
    validate_record(obj, unique_known=known)
    if kind.rules:
        kind.rules(obj, {})
    return BatchRow(obj, CREATED if created else UPDATED, changed=changed, before=before)


def _batch_write(kind: RecordKind, actor, results: list[BatchRow]) -> None:
    new = [r.obj for r in results if r.status == CREATED]
    changed = [r for r in results if r.status == UPDATED]
    try:
        with transaction.atomic():
            kind.model._default_manager.bulk_create(new, batch_size=LOCK_CHUNK)
            _bulk_update(kind.model, changed)
    except IntegrityError:
        raise ValidationFailed(
            _("Another record with this code was saved meanwhile. Reload and try again."),
            code="duplicate",
        ) from None
    events = []
    for row in results:
        if row.status in (CREATED, UPDATED):
            # The audit content `record_save` writes for a record without lines.
            changes = diff(row.before, record_state(kind, row.obj, sets=()))
            action = "create" if row.status == CREATED else "update"
            events.append(audit_event(actor=actor, action=action, obj=row.obj, changes=changes))
    AuditEvent.objects.bulk_create(events, batch_size=LOCK_CHUNK)


def _bulk_update(model: type[models.Model], rows: list[BatchRow]) -> None:
    """One UPDATE per set of changed fields (`bulk_update` does not apply auto_now)."""
    stamp = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    now = timezone.now()
    by_fields: dict[tuple, list] = {}
    for row in rows:
        for name in stamp:
            setattr(row.obj, name, now)
        by_fields.setdefault(tuple(sorted(row.changed)), []).append(row.obj)
    for names, objs in by_fields.items():
        model._default_manager.bulk_update(objs, [*names, *stamp], batch_size=LOCK_CHUNK)


def _single_unique(model: type[models.Model], names: tuple[str, ...]) -> bool:
    """Whether `names` is exactly one field-level unique (unique=True) of the model: then
    `validate_unique(exclude=names)` skips only that check."""
    return len(names) == 1 and model._meta.get_field(names[0]).unique


def record_remove(kind: RecordKind, *, actor, pk: int, children: str = "") -> str:
    """Delete the record, or deactivate it when other records refer to it. `children` names
    a line set to delete first (warehouse locations), so only outside references count."""
    require_perm(actor, kind.delete_perm)
    with transaction.atomic():
        obj = _locked_or_404(kind, pk=pk)
        before = record_state(kind, obj)
        label = str(obj)
        try:
            with transaction.atomic():
                if children:
                    for child in getattr(obj, children).all():
                        child.delete()
                obj.delete()
            audit_record(
                actor=actor,
                action="delete",
                object_type=kind.model._meta.label_lower,
                object_id=str(pk),
                object_repr=label,
                changes=diff(before, {}),
            )
            return "deleted"
        except (ProtectedError, RestrictedError, IntegrityError):
            obj.refresh_from_db()
        record_save(kind, actor=actor, obj=obj, data={"active": False}, lines={})
        return "deactivated"

"""The write engine behind partner and facility services: one master record plus its line sets
(contacts, addresses, locations, steps), saved and audited together.

A line set passed to a service replaces the record's lines as a set. Lines are matched to the
existing rows by `id`, else by their key fields (`key`), else by identical content, so an
unchanged set writes nothing; that is what lets an import re-run report "no changes".
Lines missing from the set are removed: deleted, or deactivated when something else still
refers to them (see `delete_or_deactivate`).
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.validation import apply_fields, validate_model

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class LineSet:
    """How one kind of child line is matched, checked and removed."""

    related_name: str
    model: type[models.Model]
    parent_field: str
    fields: tuple[str, ...]
    key: tuple[str, ...] = ()
    # check(parent, final_lines, existing_lines) raises ValidationFailed when a rule is broken.
    check: Callable[[models.Model, list, list], None] | None = None
    # Rewrite the whole set when anything differs (for sets whose unique keys would collide
    # while rows are updated one by one, e.g. step sequences).
    rewrite_all: bool = False
    remove: Callable[[models.Model], None] | None = None


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
    # after_save(obj, changed_field_names) for follow-up writes (e.g. deactivate locations).
    after_save: Callable[[models.Model, list[str]], None] | None = None


@dataclass
class _LinePlan:
    spec: LineSet
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


def line_state(parent: models.Model, spec: LineSet) -> list[dict[str, Any]]:
    if parent.pk is None:
        return []
    return [snapshot(line, _attnames(spec)) for line in getattr(parent, spec.related_name).all()]


def record_state(kind: RecordKind, obj: models.Model) -> dict[str, Any]:
    state = snapshot(obj, [_attname(kind.model, f) for f in kind.fields])
    for spec in kind.lines:
        state[spec.related_name] = line_state(obj, spec)
    return state


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname


def _attnames(spec: LineSet) -> list[str]:
    return [_attname(spec.model, f) for f in spec.fields]


def _values(spec: LineSet, line: models.Model) -> tuple:
    return tuple(getattr(line, name) for name in _attnames(spec))


def _line_error(spec: LineSet, row: int, message: Any) -> ValidationFailed:
    return ValidationFailed(
        _("Line %(row)d of %(lines)s: %(message)s")
        % {"row": row, "lines": spec.model._meta.verbose_name_plural, "message": message},
        fields={spec.related_name: [str(message)]},
        line=row,
    )


def _build_line(spec: LineSet, row: int, data: dict, existing: models.Model | None):
    unknown = set(data) - set(spec.fields) - {"id"}
    if unknown:
        raise _line_error(
            spec, row, _("unknown fields %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    line = existing if existing is not None else spec.model()
    for name, value in clean_strings(data).items():
        if name != "id":
            setattr(line, name, value)
    try:
        validate_model(line, exclude=[spec.parent_field])
    except ValidationFailed as exc:
        problems = "; ".join(
            f"{spec.model._meta.get_field(k).verbose_name}: {' '.join(v)}"
            if k in spec.fields
            else " ".join(v)
            for k, v in exc.details.get("fields", {}).items()
        )
        raise _line_error(spec, row, problems) from None
    return line


def plan_lines(spec: LineSet, parent: models.Model, rows: list[dict]) -> _LinePlan:
    """Work out which lines to save and which to remove; write nothing yet."""
    existing = list(getattr(parent, spec.related_name).all()) if parent.pk else []
    # Rules compare against the lines as they were; matched rows are modified in place below.
    before = [copy.copy(line) for line in existing]
    originals = {line.pk: _values(spec, line) for line in existing}
    unmatched = {line.pk: line for line in existing}
    final: list[models.Model] = []
    for row, data in enumerate(rows, start=1):
        match = _match(spec, data, unmatched, row)
        if match is not None:
            del unmatched[match.pk]
        final.append(_build_line(spec, row, data, match))
    if len({_values(spec, x)[: len(spec.key)] for x in final}) < len(final) and spec.key:
        raise ValidationFailed(
            _("The same %(key)s appears twice in %(lines)s. Each line needs its own.")
            % {
                "key": spec.model._meta.get_field(spec.key[0]).verbose_name,
                "lines": spec.model._meta.verbose_name_plural,
            },
            fields={spec.related_name: ["duplicate"]},
        )
    if spec.check:
        spec.check(parent, final, before)
    changed = [x for x in final if x.pk is None or _values(spec, x) != originals[x.pk]]
    removed = list(unmatched.values())
    if spec.rewrite_all and (changed or removed):
        fresh = [_copy_line(spec, x) for x in final]
        return _LinePlan(spec, save=fresh, remove=existing)
    return _LinePlan(spec, save=changed, remove=removed)


def _copy_line(spec: LineSet, line: models.Model) -> models.Model:
    return spec.model(**{name: getattr(line, name) for name in _attnames(spec)})


def _match(spec: LineSet, data: dict, unmatched: dict, row: int):
    if data.get("id"):
        try:
            return unmatched[int(data["id"])]
        except (KeyError, TypeError, ValueError):
            raise _line_error(
                spec, row, _("this line no longer exists; reload the page.")
            ) from None
    for line in unmatched.values():
        if spec.key and all(
            name in data and getattr(line, name) == data[name] for name in spec.key
        ):
            return line
    if not spec.key:
        for line in unmatched.values():
            values = {k: v for k, v in clean_strings(data).items() if k != "id"}
            if all(getattr(line, k) == v for k, v in values.items()):
                return line
    return None


def _normalised(kind: RecordKind, data: dict) -> dict:
    data = clean_strings(data)
    return kind.normalise(data) if kind.normalise else data


def _check_field_perms(kind: RecordKind, actor, changed: list[str]) -> None:
    for name in changed:
        if name in kind.field_perms:
            require_perm(actor, kind.field_perms[name])


def _save(kind: RecordKind, *, actor, obj, data: dict, lines: dict[str, list[dict]]) -> str:
    created = obj.pk is None
    unknown_lines = set(lines) - {spec.related_name for spec in kind.lines}
    if unknown_lines:
        raise ValidationFailed(fields={name: ["unknown line set"] for name in unknown_lines})
    before = {} if created else record_state(kind, obj)
    changed = apply_fields(obj, _normalised(kind, data), set(kind.fields))
    _check_field_perms(kind, actor, changed)
    if kind.clean:
        kind.clean(obj, changed, created)
    plans = [
        plan_lines(spec, obj, lines[spec.related_name])
        for spec in kind.lines
        if spec.related_name in lines
    ]
    if not created and not changed and not any(p.changes for p in plans):
        return UNCHANGED
    validate_model(obj)
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
    changes = diff(before, record_state(kind, obj))
    audit_record(actor=actor, action="create" if created else "update", obj=obj, changes=changes)
    return CREATED if created else UPDATED


def _locked(kind: RecordKind, **lookup):
    obj = kind.model._default_manager.select_for_update().filter(**lookup).first()
    if obj is None:
        raise NotFound()
    return obj


def _new(kind: RecordKind, data: dict):
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
        obj = _new(kind, data)
        _save(kind, actor=actor, obj=obj, data=data, lines=lines)
        return obj


def record_update(kind: RecordKind, *, actor, pk: int, data: dict, lines: dict[str, list[dict]]):
    require_perm(actor, kind.change_perm)
    with transaction.atomic():
        obj = _locked(kind, pk=pk)
        _save(kind, actor=actor, obj=obj, data=data, lines=lines)
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
    with transaction.atomic():
        lookup = {name: data[name] for name in key}
        obj = kind.model._default_manager.select_for_update().filter(**lookup).first()
        if obj is None:
            require_perm(actor, kind.add_perm)
            obj = _new(kind, data)
        else:
            require_perm(actor, kind.change_perm)
        return obj, _save(kind, actor=actor, obj=obj, data=data, lines=lines)


def record_remove(kind: RecordKind, *, actor, pk: int, children: str = "") -> str:
    """Delete the record, or deactivate it when other records refer to it. `children` names
    a line set to delete first (warehouse locations), so only outside references count."""
    require_perm(actor, kind.delete_perm)
    with transaction.atomic():
        obj = _locked(kind, pk=pk)
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
        _save(kind, actor=actor, obj=obj, data={"active": False}, lines={})
        return "deactivated"

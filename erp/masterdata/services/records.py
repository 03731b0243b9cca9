"""The write steps every master record shares: apply allowlisted fields, validate, save, audit.

Services of units, categories and materials call `record_save` inside their own transaction
after checking permissions, so create/update/upsert behave alike (and report "unchanged"
without writing, which imports rely on)."""

from collections.abc import Callable
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.validation import validate_model


class Lines(Protocol):
    """Child rows saved with their record in the same transaction (e.g. unit conversions)."""

    name: str

    def changed(self, obj: Any) -> bool: ...

    def save(self, obj: Any) -> list[Any]:
        """Write the rows; return [before, after] for the audit event."""
        ...


def record_save(
    *,
    actor,
    obj: models.Model,
    data: dict,
    allowed: set[str],
    check: Callable[[Any], None] | None = None,
    lines: Lines | None = None,
) -> bool:
    """Set `data` on `obj`, validate, save, write its lines and one audit event.

    Returns False and writes nothing when an existing record and its lines would not change."""
    creating = obj.pk is None
    before = {} if creating else _snapshot(obj)
    changed = apply_changes(obj, data, allowed)
    lines_changed = lines is not None and lines.changed(obj)
    if not creating and not changed and not lines_changed:
        return False
    validate_model(obj)
    if check is not None:
        check(obj)
    obj.save()
    changes = diff(before, _snapshot(obj))
    if lines is not None and lines_changed:
        changes[lines.name] = lines.save(obj)
    audit_record(actor=actor, action="create" if creating else "update", obj=obj, changes=changes)
    return True


def apply_changes(obj: models.Model, data: dict, allowed: set[str]) -> list[str]:
    """Set allowlisted fields (mass-assignment guard); return the names whose value changed.

    Foreign keys compare by id, so an unsaved record with no category yet does not raise."""
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
        field = obj._meta.get_field(name)
        if field.is_relation:
            new_id = value.pk if value is not None else None
            if getattr(obj, field.attname) != new_id or obj.pk is None:
                setattr(obj, name, value)
                changed.append(name)
        elif obj.pk is None or getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _snapshot(obj: models.Model) -> dict:
    # Timestamps change on every save and are kept by the audit event itself.
    names = [
        f.attname for f in obj._meta.concrete_fields if f.name not in {"created_at", "updated_at"}
    ]
    return snapshot(obj, names)


def upsert_outcome(created: bool, wrote: bool) -> str:
    if created:
        return "created"
    return "updated" if wrote else "unchanged"


def locked(model: type[models.Model], **lookup) -> Any:
    """The row locked for update (a no-op on SQLite, which serialises writers anyway)."""
    return model._default_manager.select_for_update().filter(**lookup).first()

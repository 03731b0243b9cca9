"""Write audit events. Called by every service that creates, changes or transitions data, inside
the same transaction as the change."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from erp.core.models import AuditEvent

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f]")


def _escape(text: str, *, single_line: bool = False) -> str:
    # Control characters in logged text could forge log lines or confuse terminals; notes and
    # field values may keep tabs and line breaks, one-line fields (the object's name) may not.
    pattern = _CONTROL_OR_NEWLINE if single_line else _CONTROL
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Field values of a model instance, for before/after comparison."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def line_text(code: str, quantity: Any = None, *details: Any, price: Any = None) -> str:
    """One document line as the audit trail shows it, the same in every language:
    "RM-1001 400 × 10.5 (S001-261206-01)". Ids in the trail were raw codes to a reader
    (issue #13: "明细行: 1:400.0000:"), so lines are written with codes, never ids."""
    parts = [str(code)]
    if quantity is not None:
        parts.append(_number(quantity))
    if price is not None:
        parts += ["×", _number(price)]
    shown = [str(d) for d in details if d not in (None, "")]
    return " ".join(parts) + (f" ({', '.join(shown)})" if shown else "")


def _number(value: Any) -> str:
    return f"{Decimal(value).normalize():f}"


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed; an empty text where there was none is no change (the
    trail would show "备注: — → —")."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if _blank_none(before.get(key)) != _blank_none(after.get(key))
    }


def _blank_none(value: Any) -> Any:
    return None if value == "" else value


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    event = audit_event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes,
        note=note,
    )
    event.save()
    return event


def audit_event(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """The unsaved event `audit_record` writes, for batch writers (`bulk_create`)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=_escape(object_repr, single_line=True)[:200],
        changes=_plain(changes or {}),
        note=_escape(note),
    )

"""How an audit event reads to a person: values in the user's language, not as stored.

Events store raw values (`True`, `"raw"`, `"draft"`, `12` for a foreign key) so they stay exact
whatever later renames happen. Pages show them through this module: booleans as 是/否, choices
and states by their labels, foreign keys as the referenced record's name (one query per model
for a page of events), object types, actions and transition notes by their names.
"""

from collections import defaultdict
from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.core.references import document_type_label
from erp.core.states import own_transition_label, state_label, transition_label

# Actions written by modules beside the core create/update/transition/... set.
ACTION_LABELS = {
    "approval_pending": _("Sent for approval"),
    "approval_approved": _("Approved"),
    "approval_rejected": _("Rejected"),
    "approval_returned": _("Returned for changes"),
    "approval_withdrawn": _("Approval withdrawn"),
    "approval_cancelled": _("Approval cancelled"),
    "approval_refused": _("Approval refused"),
    "approval_remind": _("Approval reminder sent"),
    "backup": _("Backup made"),
    "verify": _("Backup checked"),
    "restore": _("Restored"),
    "core.company_create": _("Created"),
    "core.company_update": _("Changed"),
}

# Notes services write as codes.
NOTE_LABELS = {
    "chart_seed": _("standard chart of accounts"),
    "periods_create_year": _("periods of the year created"),
    "erp demo": _("demo data"),
    "count": _("count"),
    "close": _("month-end close"),
    "period_open_next": _("next period opened"),
}

# Changes services record under names that are not model fields.
KEY_LABELS = {
    "lines": _("lines"),
    "steps": _("steps"),
    "conditions": _("conditions"),
    "contacts": _("contacts"),
    "addresses": _("addresses"),
    "materials": _("materials"),
    "categories": _("categories"),
    "locations": _("locations"),
    "moves": _("stock moves"),
    "accounts": _("accounts"),
    "unit": _("unit"),
}


# Values a module stores in its own compact form ("amount gt 5000", "1:role:finance_manager:
# any:24"): the module registers how one such value reads, per (object type, change key).
_VALUE_RENDERERS: dict[tuple[str, str], Callable[[str], str]] = {}


def audit_value_renderer_register(object_type: str, key: str, render: Callable[[str], str]):
    """Show the stored values of `key` in events of `object_type` through `render` (call from
    AppConfig.ready()); a list value is rendered item by item."""
    _VALUE_RENDERERS[(object_type, key)] = render


# Notes a module writes in its own form ("approval request 12: rejected"): each registered
# renderer returns the note in words, or None when the note is not its own.
_NOTE_RENDERERS: list[Callable[[str], str | None]] = []


def audit_note_renderer_register(render: Callable[[str], str | None]) -> None:
    """Show notes (or the part after "transition: ") that `render` recognises through it (call
    from AppConfig.ready())."""
    if render not in _NOTE_RENDERERS:
        _NOTE_RENDERERS.append(render)


def _note_detail(text: str) -> str:
    for render in _NOTE_RENDERERS:
        shown = render(text)
        if shown is not None:
            return shown
    return text


def key_label(key: str) -> str:
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    if key.isdigit():
        return gettext("line %(id)s") % {"id": key}
    return key


def action_label(action: str, object_type: str = "") -> str:
    from erp.core.models import AuditEvent

    choices = dict(AuditEvent.Action.choices)
    if action in choices:
        return str(choices[action])
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    return transition_label(action, object_type)


def object_type_label(object_type: str) -> str:
    label = document_type_label(object_type)
    if label != object_type:
        return label
    model = _model(object_type)
    return str(model._meta.verbose_name) if model else object_type


def note_label(note: str, object_type: str = "") -> str:
    if not note:
        return ""
    # The record's own machine first: a recall case's or production order's "close" is its
    # 关闭, not the period's 期末结账 that NOTE_LABELS gives system notes.
    if (own := own_transition_label(note, object_type)) is not None:
        return own
    if note in NOTE_LABELS:
        return str(NOTE_LABELS[note])
    head, sep, rest = note.partition(":")
    label = transition_label(head.strip(), object_type)
    if label != head.strip():
        return f"{label}：{_note_detail(rest.strip())}" if sep and rest.strip() else label
    if (detail := _note_detail(note)) != note:
        return detail
    first, _space, number = note.partition(" ")
    if "." in first and number:
        typed = object_type_label(first)
        if typed != first:
            return f"{typed} {number}"
    return note


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _fields(model) -> dict[str, models.Field]:
    if model is None:
        return {}
    found = {}
    for f in model._meta.concrete_fields:
        found[f.attname] = f
        found[f.name] = f
    return found


class ValueRenderer:
    """Renders the changes of a batch of events; foreign keys are looked up once per model."""

    def __init__(self, events):
        self._wanted: dict[type, set] = defaultdict(set)
        for event in events:
            fields = _fields(_model(event.object_type))
            for key, pair in _pairs(event):
                field = fields.get(key)
                if field is not None and field.is_relation and field.many_to_one:
                    for value in pair:
                        if value not in (None, ""):
                            self._wanted[field.related_model].add(value)
        self._names: dict[tuple[type, str], str] = {}
        for model, pks in self._wanted.items():
            clean = [int(pk) for pk in pks if str(pk).isdigit()]
            for pk, obj in model._default_manager.in_bulk(clean).items():
                self._names[(model, str(pk))] = str(obj)

    def render(self, field: models.Field | None, key: str, value, object_type: str = ""):
        if value is None or value == "":
            return None
        custom = _VALUE_RENDERERS.get((object_type, key))
        if custom is not None:
            items = value if isinstance(value, list) else [value]
            return "、".join(custom(str(v)) for v in items) or None
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if isinstance(value, list):
            return "、".join(str(self.render(field, key, v) or "—") for v in value) or None
        if field is not None:
            if field.is_relation and field.many_to_one:
                return self._names.get((field.related_model, str(value)), value)
            if field.choices:
                return str(dict(field.flatchoices).get(value, value))
        if key == "state":
            return state_label(str(value), object_type)
        if key in ("doc_type", "object_type", "source_type") and isinstance(value, str):
            return object_type_label(value)
        return value


def _pairs(event):
    changes = event.changes if isinstance(event.changes, dict) else {}
    for key, pair in changes.items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        yield key, (before, after)


def field_of(object_type: str, key: str):
    return _fields(_model(object_type)).get(key)

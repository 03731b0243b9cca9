"""Reads of core data: company, numbering rules and their preview, audit events."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from erp.core.models import AuditEvent, Company, NumberingCounter, NumberingRule
from erp.core.services.numbering import format_number, period_key


def company_get() -> Company | None:
    return Company.objects.filter(pk=1).first()


def numbering_rules_list() -> QuerySet[NumberingRule]:
    return NumberingRule.objects.order_by("doc_type")


def numbering_rule_get(rule_id) -> NumberingRule | None:
    try:
        return NumberingRule.objects.filter(pk=int(rule_id)).first()
    except (TypeError, ValueError):
        return None


def numbering_preview(rule: NumberingRule, on_date: dt.date | None = None) -> str:
    """The number the rule would hand out next, without taking it (reads the counter only; a
    posting may take it first, so show it as a preview, never store it)."""
    on_date = on_date or timezone.localdate()
    last = 0
    if rule.pk:
        last = (
            NumberingCounter.objects.filter(rule=rule, period_key=period_key(rule, on_date))
            .values_list("last_value", flat=True)
            .first()
            or 0
        )
    return format_number(rule, on_date, last + 1)


def audit_events_for(obj) -> list[AuditEvent]:
    """The audit trail of one record, oldest first (a timeline reads top to bottom)."""
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_events_search(f: AuditFilter) -> QuerySet[AuditEvent]:
    """Audit events matching the filter, newest first. Dates are local (Asia/Shanghai) days."""
    q = Q()
    if f.actor_id:
        q &= Q(actor_id=f.actor_id)
    if f.object_type:
        q &= Q(object_type=f.object_type)
    if f.object_id:
        q &= Q(object_id=f.object_id)
    if f.date_from:
        q &= Q(at__gte=_local_midnight(f.date_from))
    if f.date_to:
        q &= Q(at__lt=_local_midnight(f.date_to + dt.timedelta(days=1)))
    return AuditEvent.objects.filter(q).select_related("actor").order_by("-at", "-id")


def audit_object_types() -> list[str]:
    return list(
        AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class AuditChange:
    field: str
    label: str
    before: object
    after: object


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    changes: list[AuditChange]
    action_label: str = ""
    note_label: str = ""
    object_type_label: str = ""


def audit_rows(events) -> list[AuditRow]:
    """Events as a person reads them: each changed field named by its verbose name, values in
    words (是/否, choice and state labels, the referenced record's name), actions, notes and
    object types by their names (erp.core.audit_display)."""
    from erp.core import audit_display

    events = list(events)
    renderer = audit_display.ValueRenderer(events)
    return [
        AuditRow(
            event=e,
            changes=_audit_changes(e, renderer),
            action_label=audit_display.action_label(e.action, e.object_type),
            note_label=audit_display.note_label(e.note, e.object_type),
            object_type_label=audit_display.object_type_label(e.object_type),
        )
        for e in events
    ]


def _audit_changes(event: AuditEvent, renderer) -> list[AuditChange]:
    from erp.core.audit_display import field_of, key_label

    labels = _field_labels(event.object_type)
    changes = event.changes if isinstance(event.changes, dict) else {}
    rows = []
    for field, pair in changes.items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        model_field = field_of(event.object_type, field)
        rows.append(
            AuditChange(
                field,
                labels.get(field) or key_label(field),
                renderer.render(model_field, field, before, event.object_type),
                renderer.render(model_field, field, after, event.object_type),
            )
        )
    return rows


def _field_labels(object_type: str) -> dict[str, str]:
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    labels = {}
    for f in model._meta.concrete_fields:
        labels[f.name] = str(f.verbose_name)
        labels[f.attname] = str(f.verbose_name)
    return labels

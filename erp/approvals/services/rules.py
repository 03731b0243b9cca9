"""Create and change approval rules (the settings page). Running requests keep their copy."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.approvals.contract import rule_field_kinds, subject_for
from erp.approvals.models import ApprovalCondition, ApprovalRule, ApprovalStep
from erp.approvals.services.matching import condition_validate
from erp.approvals.states import AssigneeKind, StepMode
from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.iam.models import Role, User

_RULE_FIELDS = ["doc_type", "name", "priority", "valid_from", "valid_to", "is_active"]


@dataclass(frozen=True)
class ConditionSpec:
    field: str
    operator: str
    value: str


@dataclass(frozen=True)
class StepSpec:
    assignee_kind: str
    role_code: str = ""
    user_id: int | None = None
    mode: str = StepMode.ANY
    name: str = ""
    overdue_hours: int | None = None


def _state(rule: ApprovalRule) -> dict:
    data = snapshot(rule, _RULE_FIELDS)
    data["conditions"] = [f"{c.field} {c.operator} {c.value}" for c in rule.conditions.all()]
    data["steps"] = [
        f"{s.seq}:{s.assignee_kind}:{s.role_code or s.user_id or ''}:{s.mode}:{s.overdue_hours}"
        for s in rule.steps.all()
    ]
    return data


def _check_step(spec: StepSpec) -> None:
    if spec.assignee_kind not in AssigneeKind.values or spec.mode not in StepMode.values:
        raise ValidationFailed(_("Choose the assignee and mode of every step from the lists."))
    if (
        spec.assignee_kind == AssigneeKind.ROLE
        and not Role.objects.filter(code=spec.role_code).exists()
    ):
        raise ValidationFailed(
            _("Step assigned to a role: choose the role (unknown: %(code)s).")
            % {"code": spec.role_code or "-"}
        )
    if (
        spec.assignee_kind == AssigneeKind.USER
        and not User.objects.filter(pk=spec.user_id, is_active=True).exists()
    ):
        raise ValidationFailed(_("Step assigned to a named user: choose an active user."))


def _check(doc_type, name, valid_from, valid_to, conditions, steps) -> None:
    if not doc_type or not name.strip():
        raise ValidationFailed(_("Enter the document type and a name for the rule."))
    if subject_for(doc_type) is None:
        raise ValidationFailed(
            _(
                "Document type %(doc_type)s does not take part in approvals. Choose a document "
                "type from the list."
            )
            % {"doc_type": doc_type},
            fields={"doc_type": [str(_("Choose a document type from the list."))]},
        )
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationFailed(
            _("The rule's end date is before its start date. Correct the dates.")
        )
    kinds = rule_field_kinds(doc_type)
    for c in conditions:
        condition_validate(field=c.field, operator=c.operator, value=c.value, kinds=kinds)
    if not steps:
        raise ValidationFailed(
            _(
                "Add at least one approval step (documents matching no rule are approved "
                "automatically)."
            )
        )
    for s in steps:
        _check_step(s)


def approval_rule_save(
    *,
    actor,
    rule_id: int | None = None,
    doc_type: str,
    name: str,
    priority: int,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    is_active: bool,
    conditions: list[ConditionSpec],
    steps: list[StepSpec],
) -> ApprovalRule:
    """Create a rule (rule_id None) or replace an existing rule's fields, conditions and steps."""
    require_perm(
        actor, "approvals.change_approvalrule" if rule_id else "approvals.add_approvalrule"
    )
    _check(doc_type, name, valid_from, valid_to, conditions, steps)
    with transaction.atomic():
        if rule_id is None:
            rule, before = ApprovalRule(), {}
        else:
            rule = ApprovalRule.objects.select_for_update().filter(pk=rule_id).first()
            if rule is None:
                raise NotFound()
            before = _state(rule)
        rule.doc_type, rule.name, rule.priority = doc_type, name.strip(), priority
        rule.valid_from, rule.valid_to, rule.is_active = valid_from, valid_to, is_active
        rule.save()
        rule.conditions.all().delete()
        rule.steps.all().delete()
        ApprovalCondition.objects.bulk_create(
            ApprovalCondition(rule=rule, field=c.field, operator=c.operator, value=c.value.strip())
            for c in conditions
        )
        ApprovalStep.objects.bulk_create(
            ApprovalStep(
                rule=rule,
                seq=index,
                name=s.name.strip(),
                assignee_kind=s.assignee_kind,
                role_code=s.role_code if s.assignee_kind == AssigneeKind.ROLE else "",
                user_id=s.user_id if s.assignee_kind == AssigneeKind.USER else None,
                mode=s.mode,
                overdue_hours=s.overdue_hours or None,
            )
            for index, s in enumerate(steps, start=1)
        )
        audit_record(
            actor=actor,
            action="create" if not before else "update",
            obj=rule,
            changes=diff(before, _state(rule)),
        )
    return rule

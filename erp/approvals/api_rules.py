"""/api/v1/approval-rules/: list (`doc_type`, `active`), read, create and replace approval
rules through the same service as the settings page (approvals.services.rules). A rule is its
document type, priority, validity, conditions ("amount gt 20000") and ordered steps; running
requests keep the copy they started with."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from erp.approvals import selectors
from erp.approvals.api import router
from erp.approvals.services import rules as rule_services
from erp.approvals.states import AssigneeKind, Operator, StepMode
from erp.core.access import require_perm
from erp.core.api_crud import actor
from erp.core.api_pagination import ErpPagination

TAGS = ["approvals: rules"]


class ConditionIO(Schema):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(max_length=40)
    operator: Operator
    value: str = Field(max_length=200)


class StepIn(Schema):
    model_config = ConfigDict(extra="forbid")

    assignee_kind: AssigneeKind
    role_code: str = Field("", max_length=50)
    user_id: int | None = None
    mode: StepMode = StepMode.ANY
    name: str = Field("", max_length=100)
    overdue_hours: int | None = Field(None, ge=1, le=10000)


class RuleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    doc_type: str = Field(max_length=60)
    name: str = Field(max_length=100)
    priority: int = Field(10, ge=-1000, le=1000)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    is_active: bool = True
    conditions: list[ConditionIO] = []
    steps: list[StepIn]


class ConditionOut(Schema):
    field: str
    operator: str
    value: str
    summary: str


class StepOut(Schema):
    seq: int
    name: str
    assignee_kind: str
    role_code: str
    user_id: int | None
    username: str | None
    mode: str
    overdue_hours: int | None

    @staticmethod
    def resolve_username(obj) -> str | None:
        return obj.user.get_username() if obj.user_id else None


class RuleOut(Schema):
    id: int
    doc_type: str
    name: str
    priority: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_active: bool
    conditions: list[ConditionOut]
    steps: list[StepOut]

    @staticmethod
    def resolve_conditions(obj) -> list:
        return list(obj.conditions.all())

    @staticmethod
    def resolve_steps(obj) -> list:
        return sorted(obj.steps.all(), key=lambda s: s.seq)


def _save(request, payload: RuleIn, rule_id: int | None = None):
    rule = rule_services.approval_rule_save(
        actor=actor(request),
        rule_id=rule_id,
        doc_type=payload.doc_type,
        name=payload.name,
        priority=payload.priority,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        is_active=payload.is_active,
        conditions=[
            rule_services.ConditionSpec(field=c.field, operator=str(c.operator), value=c.value)
            for c in payload.conditions
        ],
        steps=[
            rule_services.StepSpec(
                assignee_kind=str(s.assignee_kind),
                role_code=s.role_code,
                user_id=s.user_id,
                mode=str(s.mode),
                name=s.name,
                overdue_hours=s.overdue_hours,
            )
            for s in payload.steps
        ],
    )
    return selectors.rule_get(rule.pk)


@router.get("/approval-rules/", response=list[RuleOut], tags=TAGS)
@paginate(ErpPagination)
def approval_rules_list(
    request: HttpRequest,
    doc_type: str = Query("", max_length=60),
    active: bool | None = None,
):
    """Rules by document type and priority (the first matching rule wins)."""
    require_perm(actor(request), "approvals.view_approvalrule")
    qs = selectors.rule_list(doc_type).order_by("doc_type", "priority", "pk")
    return qs if active is None else qs.filter(is_active=active)


@router.get("/approval-rules/{rule_id}", response=RuleOut, tags=TAGS)
def approval_rules_get(request: HttpRequest, rule_id: int):
    require_perm(actor(request), "approvals.view_approvalrule")
    return selectors.rule_get(rule_id)


@router.post("/approval-rules/", response={201: RuleOut}, tags=TAGS)
def approval_rules_create(request: HttpRequest, payload: RuleIn):
    return 201, _save(request, payload)


@router.put("/approval-rules/{rule_id}", response=RuleOut, tags=TAGS)
def approval_rules_update(request: HttpRequest, rule_id: int, payload: RuleIn):
    """Replace the rule's fields, conditions and steps."""
    return _save(request, payload, rule_id)

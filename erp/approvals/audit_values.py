"""How an approval rule's audited conditions and steps read (审计日志): the rule service stores
them compactly ("amount gt 20000", "1:role:finance_manager:any:24"); pages show
"金额 > 20000" and "第 1 步：财务经理，任一人审批，24 小时未处理即超期"."""

import re

from django.utils.translation import gettext

from erp.approvals.contract import rule_field_kinds
from erp.approvals.states import AssigneeKind, Operator, RequestState, StepMode

RULE = "approvals.approvalrule"


def condition_text(stored: str) -> str:
    field, _space, rest = stored.partition(" ")
    operator, _space, value = rest.partition(" ")
    known = rule_field_kinds()
    label = known[field][1] if field in known else field
    operators = dict(Operator.choices)
    if operator not in operators:
        return stored
    return f"{label} {operators[operator]} {value}".strip()


def step_text(stored: str) -> str:
    parts = stored.split(":")
    if len(parts) != 5 or not parts[0].isdigit():
        return stored
    seq, kind, who, mode, hours = parts
    text = gettext("step %(seq)s: %(who)s, %(mode)s") % {
        "seq": seq,
        "who": _assignee(kind, who),
        "mode": dict(StepMode.choices).get(mode, mode),
    }
    if hours.isdigit():
        text += gettext(", overdue after %(hours)s hours") % {"hours": hours}
    return text


def _assignee(kind: str, who: str) -> str:
    from erp.iam.models import Role, User

    if kind == AssigneeKind.ROLE:
        role = Role.objects.filter(code=who).first()
        return str(role) if role is not None else who
    if kind == AssigneeKind.USER and who.isdigit():
        user = User.objects.filter(pk=int(who)).first()
        return str(user) if user is not None else who
    return str(dict(AssigneeKind.choices).get(kind, kind))


# How document services name the request that moved them: "approval request 12" or
# "approval request 12: rejected" (e.g. erp/accounting/services/expenses.py).
_REQUEST_NOTE = re.compile(r"^approval request (\d+)(?::\s*(\w+))?$")


def request_note_text(note: str) -> str | None:
    match = _REQUEST_NOTE.match(note)
    if match is None:
        return None
    named = gettext("approval request %(id)s") % {"id": match[1]}
    if not match[2]:
        return named
    return f"{named}（{dict(RequestState.choices).get(match[2], match[2])}）"


def audit_values_register() -> None:
    from erp.core.audit_display import (
        audit_note_renderer_register,
        audit_value_renderer_register,
    )

    audit_value_renderer_register(RULE, "conditions", condition_text)
    audit_value_renderer_register(RULE, "steps", step_text)
    audit_note_renderer_register(request_note_text)

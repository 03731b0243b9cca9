"""Who may decide a step: resolved when the step becomes current, and delegations."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.approvals.models import ApprovalRequestStep, ApprovalStepApprover, Delegation
from erp.approvals.states import AssigneeKind
from erp.core.errors import BusinessRuleError
from erp.iam.models import User


def department_head_of(user) -> User | None:
    """The head of the user's department; for the head themself, the parent department's."""
    department = user.department
    while department is not None:
        head = department.head
        if head is not None and head.pk != user.pk and head.is_active:
            return head
        department = department.parent
    return None


def step_candidates(step: ApprovalRequestStep, requester) -> list[User]:
    if step.assignee_kind == AssigneeKind.ROLE:
        users = list(
            User.objects.filter(is_active=True, groups__role__code=step.role_code).distinct()
        )
    elif step.assignee_kind == AssigneeKind.USER:
        users = [step.user] if step.user is not None and step.user.is_active else []
    else:
        head = department_head_of(requester)
        users = [head] if head is not None else []
    # The requester never approves their own request, even holding the role.
    return [u for u in users if u.pk != requester.pk]


def step_seat_approvers(step: ApprovalRequestStep, requester) -> list[ApprovalStepApprover]:
    users = step_candidates(step, requester)
    if not users:
        raise BusinessRuleError(
            _(
                'Nobody can approve step %(seq)s "%(name)s" of this request (the requester does '
                "not count). Ask the administrator to assign a user to it, then submit again."
            )
            % {"seq": step.seq, "name": step.name or step.get_assignee_kind_display()},
            code="step_without_approver",
        )
    return [ApprovalStepApprover.objects.create(step=step, user=u) for u in users]


def delegators_of(actor, on_date: dt.date) -> list[int]:
    """Ids of the users whose approvals `actor` may decide on `on_date`."""
    return list(
        Delegation.objects.filter(
            Q(to_user=actor) & Q(is_active=True) & Q(start__lte=on_date) & Q(end__gte=on_date)
        ).values_list("from_user_id", flat=True)
    )

"""Overdue steps: remind the approvers who have not decided, and their department heads."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.approvals.models import ApprovalDecision, ApprovalRequestStep
from erp.approvals.services.approvers import department_head_of
from erp.approvals.services.notifications import notify
from erp.approvals.states import DecisionAction, RequestState, StepState
from erp.core.services.audit import audit_record


def _is_due(step: ApprovalRequestStep, now: dt.datetime) -> bool:
    # Remind once per overdue period: after N hours, again N hours after the last reminder.
    since = step.reminded_at or step.activated_at
    return since is not None and now - since >= dt.timedelta(hours=step.overdue_hours)


def approvals_remind_overdue(*, now: dt.datetime | None = None) -> int:
    """Run by the scheduler (erp/approvals/tasks.py). Returns the number of steps reminded."""
    now = now or timezone.now()
    candidates = ApprovalRequestStep.objects.filter(
        state=StepState.ACTIVE,
        request__state=RequestState.PENDING,
        overdue_hours__gt=0,
    ).select_related("request")
    reminded = 0
    for step in candidates:
        if _is_due(step, now):
            _remind(step, now)
            reminded += 1
    return reminded


def _remind(step: ApprovalRequestStep, now: dt.datetime) -> None:
    with transaction.atomic():
        step = (
            ApprovalRequestStep.objects.select_for_update()
            .select_related("request")
            .get(pk=step.pk)
        )
        if step.state != StepState.ACTIVE or not _is_due(step, now):
            return  # decided or reminded by a parallel run meanwhile
        waiting = [s.user for s in step.approvers.filter(approved_at__isnull=True)]
        heads = [department_head_of(u) for u in waiting]
        request = step.request
        notify(
            users=[*waiting, *heads],
            message=_("Overdue: %(doc)s has waited more than %(hours)s hours for approval."),
            params={"doc": request.doc_repr, "hours": step.overdue_hours},
            url=reverse("approvals:request_detail", args=[request.pk]),
        )
        step.reminded_at = now
        step.save(update_fields=["reminded_at"])
        ApprovalDecision.objects.create(
            request=request, step_seq=step.seq, action=DecisionAction.REMIND
        )
        audit_record(actor=None, action="approval_remind", obj=request, note=f"step {step.seq}")

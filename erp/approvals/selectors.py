"""Reads for the inbox, the request page, the document history and the settings pages."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from erp.approvals.contract import subject_for, subject_of
from erp.approvals.models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRule,
    ApprovalStepApprover,
    Delegation,
    Notification,
)
from erp.approvals.services.approvers import delegators_of
from erp.approvals.states import RequestState, StepState
from erp.core.access import has_perm
from erp.core.errors import NotFound


def _seat_owner_ids(user) -> list[int]:
    return [user.pk, *delegators_of(user, timezone.localdate())]


def _seat_owners(user) -> Q:
    """Approver rows of the user or of someone they stand in for today, as one condition (a
    subquery, so the inbox badge on every page costs one query)."""
    today = timezone.localdate()
    standing_in_for = Delegation.objects.filter(
        to_user=user, is_active=True, start__lte=today, end__gte=today
    ).values("from_user_id")
    return Q(user_id=user.pk) | Q(user_id__in=standing_in_for)


def inbox_for(user) -> QuerySet[ApprovalRequest]:
    """Pending requests whose current step waits for the user (or someone they stand in for
    today), never the user's own."""
    seats = ApprovalStepApprover.objects.filter(
        _seat_owners(user),
        approved_at__isnull=True,
        step__state=StepState.ACTIVE,
    ).values("step__request_id")
    return (
        ApprovalRequest.objects.filter(state=RequestState.PENDING, pk__in=seats)
        .exclude(requester=user)
        .select_related("requester")
        .order_by("created_at", "id")
    )


def pending_count(user) -> int:
    return inbox_for(user).count()


def submitted_by(user) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(requester=user).order_by("-created_at", "-id")


def request_for(user, request_id: int) -> ApprovalRequest:
    """The request if the user may see it (requester, an approver of any step, a delegate, or
    holder of approvals.view_approvalrequest); one uniform NotFound otherwise."""
    request = (
        ApprovalRequest.objects.select_related("requester", "rule").filter(pk=request_id).first()
    )
    if request is None:
        raise NotFound()
    if request.requester_id == user.pk or has_perm(user, "approvals.view_approvalrequest"):
        return request
    if ApprovalStepApprover.objects.filter(
        step__request=request, user_id__in=_seat_owner_ids(user)
    ).exists():
        return request
    raise NotFound()


def can_decide(user, request: ApprovalRequest) -> bool:
    if request.state != RequestState.PENDING or request.requester_id == user.pk:
        return False
    return ApprovalStepApprover.objects.filter(
        step__request=request,
        step__state=StepState.ACTIVE,
        approved_at__isnull=True,
        user_id__in=_seat_owner_ids(user),
    ).exists()


def can_withdraw(user, request: ApprovalRequest) -> bool:
    return (
        request.state == RequestState.PENDING
        and request.requester_id == user.pk
        and not request.decisions.filter(action__in=["approve", "reject", "return"]).exists()
    )


def request_document(request: ApprovalRequest) -> dict:
    """Summary, lines and link of the document, through its registered subject."""
    subject = subject_for(request.doc_type)
    doc = subject.model.objects.filter(pk=request.object_id).first() if subject else None
    if doc is None:
        return {"label": request.doc_type, "summary": [], "headers": [], "rows": [], "url": ""}
    headers, rows = subject.lines(doc)
    return {
        "label": subject.label,
        "summary": subject.summary(doc),
        "headers": headers,
        "rows": rows,
        "url": subject.url(doc),
    }


def request_steps(request: ApprovalRequest) -> list:
    return list(request.steps.prefetch_related("approvers__user").select_related("user"))


def request_history(request: ApprovalRequest) -> QuerySet[ApprovalDecision]:
    return request.decisions.select_related("actor", "on_behalf_of")


def history_for_document(doc) -> QuerySet[ApprovalDecision]:
    """Every approval event of a document, across its requests (for document pages)."""
    subject = subject_of(doc)
    return (
        ApprovalDecision.objects.filter(
            request__doc_type=subject.doc_type, request__object_id=doc.pk
        )
        .select_related("actor", "on_behalf_of", "request")
        .order_by("at", "id")
    )


def latest_request_for_document(doc) -> ApprovalRequest | None:
    subject = subject_of(doc)
    return (
        ApprovalRequest.objects.filter(doc_type=subject.doc_type, object_id=doc.pk)
        .order_by("-created_at", "-id")
        .first()
    )


def rule_list(doc_type: str = "") -> QuerySet[ApprovalRule]:
    qs = ApprovalRule.objects.prefetch_related("conditions", "steps__user")
    return qs.filter(doc_type=doc_type) if doc_type else qs


def rule_get(rule_id: int) -> ApprovalRule:
    rule = rule_list().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound()
    return rule


def delegations_for(user) -> QuerySet[Delegation]:
    return Delegation.objects.filter(Q(from_user=user) | Q(to_user=user)).select_related(
        "from_user", "to_user"
    )


def notifications_for(user, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def unread_notification_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()

"""Submit, decide, withdraw and supersede approval requests; the check confirm/post calls.

Lock order, everywhere: the document row first, then the request row. A decision changes the
document's approval status, so it bumps the document's version: an editor holding the old
version gets 409, and an approval racing an edit gets 409 when the edit wins.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.approvals.contract import ApprovalSubject, subject_for, subject_of
from erp.approvals.errors import ApprovalRequired, NotOnStep, SelfApprovalRefused
from erp.approvals.models import ApprovalDecision, ApprovalRequest, ApprovalRequestStep
from erp.approvals.services.approvers import delegators_of, step_seat_approvers
from erp.approvals.services.matching import rule_select
from erp.approvals.services.notifications import notify
from erp.approvals.states import DecisionAction, RequestState, StepMode, StepState
from erp.core.errors import (
    BusinessRuleError,
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from erp.core.services.audit import audit_record

DECISIONS = {
    "approve": DecisionAction.APPROVE,
    "reject": DecisionAction.REJECT,
    "return": DecisionAction.RETURN,
}
_OPEN = (RequestState.PENDING, RequestState.APPROVED)


# --- helpers -------------------------------------------------------------------------------


def _lock_doc(subject: ApprovalSubject, pk):
    doc = subject.model.objects.select_for_update().filter(pk=pk).first()
    if doc is None:
        raise NotFound()
    return doc


def _version(subject: ApprovalSubject, doc) -> int:
    return getattr(doc, subject.version_field)


def _bump(subject: ApprovalSubject, doc) -> int:
    """Bump the locked document's version (a queryset update: no save() side effects)."""
    field = subject.version_field
    subject.model.objects.filter(pk=doc.pk).update(**{field: F(field) + 1})
    setattr(doc, field, _version(subject, doc) + 1)
    return _version(subject, doc)


def _record(request, action, *, actor=None, step=None, on_behalf_of=None, comment=""):
    return ApprovalDecision.objects.create(
        request=request,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        step_seq=step.seq if step is not None else None,
        on_behalf_of=on_behalf_of,
        comment=comment,
    )


def _audit(actor, request, before: str, note: str = "") -> None:
    audit_record(
        actor=actor,
        action=f"approval_{request.state}",
        obj=request,
        changes={"state": [before, request.state], "doc_version": [None, request.doc_version]},
        note=note,
    )


def _finish(request, state: str) -> None:
    request.state = state
    request.finished_at = timezone.now()
    request.steps.filter(state__in=[StepState.ACTIVE, StepState.WAITING]).update(
        state=StepState.CLOSED
    )


def _doc_url(request) -> str:
    from django.urls import reverse

    return reverse("approvals:request_detail", args=[request.pk])


def _activate(request, step: ApprovalRequestStep) -> None:
    step.state = StepState.ACTIVE
    step.activated_at = timezone.now()
    step.save(update_fields=["state", "activated_at"])
    seats = step_seat_approvers(step, request.requester)
    notify(
        users=[s.user for s in seats],
        message=_("Please approve %(doc)s (requested by %(who)s)."),
        params={"doc": request.doc_repr, "who": str(request.requester)},
        url=_doc_url(request),
    )


def _copy_steps(request, rule) -> list[ApprovalRequestStep]:
    # A copy, not a reference: editing the rule later never changes a running request.
    return [
        ApprovalRequestStep.objects.create(
            request=request,
            seq=index,
            name=s.name,
            assignee_kind=s.assignee_kind,
            role_code=s.role_code,
            user=s.user,
            mode=s.mode,
            overdue_hours=s.overdue_hours,
            state=StepState.WAITING,
        )
        for index, s in enumerate(rule.steps.order_by("seq", "id"), start=1)
    ]


# --- submit --------------------------------------------------------------------------------


def approval_submit(*, actor, doc) -> ApprovalRequest:
    """Submit `doc` (its current version) for approval. The caller, the document's own submit
    service, has checked the actor's permission to submit. With no matching rule the request is
    approved at once."""
    subject = subject_of(doc)
    with transaction.atomic():
        locked = _lock_doc(subject, doc.pk)
        pending = ApprovalRequest.objects.filter(
            doc_type=subject.doc_type, object_id=locked.pk, state=RequestState.PENDING
        )
        if pending.exists():
            raise Conflict(
                _("%(doc)s is already waiting for approval. Withdraw that request first.")
                % {"doc": str(locked)},
                code="already_pending",
            )
        fields = subject.rule_fields(locked)
        rule = rule_select(doc_type=subject.doc_type, fields=fields, on_date=timezone.localdate())
        request = ApprovalRequest.objects.create(
            doc_type=subject.doc_type,
            object_id=locked.pk,
            doc_version=_bump(subject, locked),
            doc_repr=str(locked)[:200],
            requester=subject.requester(locked),
            rule=rule,
            rule_name=rule.name if rule else "",
            rule_fields={k: v if isinstance(v, bool | None) else str(v) for k, v in fields.items()},
            state=RequestState.PENDING,
        )
        _record(request, DecisionAction.SUBMIT, actor=actor)
        steps = _copy_steps(request, rule) if rule is not None else []
        if steps:
            _activate(request, steps[0])
        else:
            _finish(request, RequestState.APPROVED)
            request.save(update_fields=["state", "finished_at"])
            _record(request, DecisionAction.AUTO_APPROVE)
        _audit(actor, request, "", note=request.rule_name)
    setattr(doc, subject.version_field, request.doc_version)
    return request


# --- decide --------------------------------------------------------------------------------


def _refuse(actor, request, error) -> None:
    # Logged in its own transaction so the refusal stays recorded although the call fails.
    with transaction.atomic():
        audit_record(actor=actor, action="approval_refused", obj=request, note=f"{error.code}")
    raise error


def _request_get(request_id: int) -> ApprovalRequest:
    request = ApprovalRequest.objects.select_related("requester").filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    return request


def _subject(request) -> ApprovalSubject:
    subject = subject_for(request.doc_type)
    if subject is None:
        raise BusinessRuleError(
            _("Documents of type %(type)s are not installed. Ask the administrator.")
            % {"type": request.doc_type},
            code="subject_missing",
        )
    return subject


def _lock_for_change(request_id: int):
    """Lock document then request (the fixed order), check both are still as the caller saw."""
    request = _request_get(request_id)
    subject = _subject(request)
    doc = _lock_doc(subject, request.object_id)
    request = (
        ApprovalRequest.objects.select_for_update().select_related("requester").get(pk=request.pk)
    )
    if request.state != RequestState.PENDING:
        raise InvalidTransition(
            _("This approval request is already %(state)s; nothing was changed. Reload the page.")
            % {"state": request.get_state_display()},
            code="request_closed",
            state=request.state,
        )
    if _version(subject, doc) != request.doc_version:
        raise Conflict(
            _("%(doc)s was edited after it was submitted. Reload it: it needs a new approval.")
            % {"doc": request.doc_repr},
            code="document_changed",
        )
    return subject, doc, request


def _seat_for(actor, step: ApprovalRequestStep):
    """The actor's own open seat on the step, else one delegated to them for today."""
    seats = list(step.approvers.filter(approved_at__isnull=True).select_related("user"))
    own = next((s for s in seats if s.user_id == actor.pk), None)
    if own is not None:
        return own, None
    delegators = set(delegators_of(actor, timezone.localdate()))
    delegated = next((s for s in seats if s.user_id in delegators), None)
    if delegated is None:
        raise NotOnStep()
    return delegated, delegated.user


def approval_decide(*, actor, request_id: int, action: str, comment: str = "") -> ApprovalRequest:
    """Approve, reject or return the current step of a request. Reject and return need a
    comment saying why. Only the step's approvers (or their delegates today) may decide, and
    never the requester."""
    if action not in DECISIONS:
        raise ValidationFailed(fields={"action": [_("Choose approve, reject or return.")]})
    comment = comment.strip()
    if action != "approve" and not comment:
        raise ValidationFailed(
            _("Write a comment saying why, so the requester knows what to change."),
            fields={"comment": [_("A comment is required to reject or return.")]},
        )
    request = _request_get(request_id)
    if actor is None or not actor.is_active:
        raise NotOnStep()
    if request.requester_id == actor.pk:
        _refuse(actor, request, SelfApprovalRefused())
    try:
        return _decide_locked(actor, request_id, action, comment)
    except NotOnStep as error:
        _refuse(actor, request, error)
        raise  # not reached: _refuse raises


def _decide_locked(actor, request_id: int, action: str, comment: str) -> ApprovalRequest:
    with transaction.atomic():
        subject, doc, request = _lock_for_change(request_id)
        step = request.steps.select_for_update().get(state=StepState.ACTIVE)
        seat, on_behalf_of = _seat_for(actor, step)
        before = request.state
        _record(
            request,
            DECISIONS[action],
            actor=actor,
            step=step,
            on_behalf_of=on_behalf_of,
            comment=comment,
        )
        if action == "approve":
            _approve(request, step, seat)
        else:
            _finish(request, RequestState.REJECTED if action == "reject" else RequestState.RETURNED)
            _tell_requester(request, comment)
        request.doc_version = _bump(subject, doc)
        request.save(update_fields=["state", "finished_at", "doc_version", "updated_at"])
        _audit(actor, request, before, note=comment)
        _tell_subject(subject, doc, request)
    return request


def _approve(request, step, seat) -> None:
    seat.approved_at = timezone.now()
    seat.save(update_fields=["approved_at"])
    open_seats = step.approvers.filter(approved_at__isnull=True).exists()
    if step.mode == StepMode.ALL and open_seats:
        return
    step.state = StepState.DONE
    step.save(update_fields=["state"])
    following = request.steps.filter(state=StepState.WAITING).order_by("seq").first()
    if following is not None:
        _activate(request, following)
        return
    _finish(request, RequestState.APPROVED)
    _tell_requester(request, "")


def _tell_subject(subject: ApprovalSubject, doc, request) -> None:
    if subject.on_decided is not None and request.state != RequestState.PENDING:
        subject.on_decided(doc, request)


def _tell_requester(request, comment: str) -> None:
    messages = {
        RequestState.APPROVED: _("%(doc)s was approved."),
        RequestState.REJECTED: _("%(doc)s was rejected: %(comment)s"),
        RequestState.RETURNED: _("%(doc)s was returned for changes: %(comment)s"),
    }
    notify(
        users=[request.requester],
        message=messages[request.state],
        params={"doc": request.doc_repr, "comment": comment},
        url=_doc_url(request),
    )


# --- withdraw, edits, the confirm check ----------------------------------------------------


def approval_withdraw(*, actor, request_id: int) -> ApprovalRequest:
    """The requester takes the request back, only before anyone decided on it."""
    request = _request_get(request_id)
    if actor is None or request.requester_id != actor.pk:
        raise NotFound()
    with transaction.atomic():
        subject, doc, request = _lock_for_change(request_id)
        if request.decisions.filter(action__in=list(DECISIONS.values())).exists():
            raise InvalidTransition(
                _(
                    "An approver has already decided on this request, so it can no longer be "
                    "withdrawn. Ask the approver to return it instead."
                ),
                code="already_decided",
            )
        _finish(request, RequestState.WITHDRAWN)
        _record(request, DecisionAction.WITHDRAW, actor=actor)
        request.doc_version = _bump(subject, doc)
        request.save(update_fields=["state", "finished_at", "doc_version", "updated_at"])
        _audit(actor, request, RequestState.PENDING)
        _tell_subject(subject, doc, request)
    return request


def approval_document_edited(*, actor, doc) -> int:
    """Called by the document's edit service after it bumped the version (row locked, same
    transaction): pending or approved requests for an older version no longer count."""
    subject = subject_of(doc)
    stale = (
        ApprovalRequest.objects.select_for_update()
        .filter(doc_type=subject.doc_type, object_id=doc.pk, state__in=_OPEN)
        .exclude(doc_version=_version(subject, doc))
    )
    count = 0
    for request in stale:
        before = request.state
        _finish(request, RequestState.SUPERSEDED)
        request.save(update_fields=["state", "finished_at", "updated_at"])
        _record(request, DecisionAction.SUPERSEDE, actor=actor)
        _audit(actor, request, before)
        count += 1
    return count


def approval_latest(doc) -> ApprovalRequest | None:
    subject = subject_of(doc)
    return (
        ApprovalRequest.objects.filter(doc_type=subject.doc_type, object_id=doc.pk)
        .order_by("-created_at", "-id")
        .first()
    )


def approval_require_approved(doc) -> ApprovalRequest:
    """Refuse (409, naming the approval state) unless the document's current version is
    approved. The caller's confirm/post service holds the document row locked."""
    subject = subject_of(doc)
    request = approval_latest(doc)
    label = str(doc)
    if request is None:
        raise ApprovalRequired(
            _("%(doc)s has not been submitted for approval. Submit it first.") % {"doc": label},
            approval_state="none",
        )
    if request.state == RequestState.APPROVED and request.doc_version == _version(subject, doc):
        return request
    if request.state == RequestState.PENDING:
        step = request.steps.filter(state=StepState.ACTIVE).first()
        message = _(
            "%(doc)s is waiting for approval (step %(seq)s %(name)s). It can be confirmed once "
            "it is approved."
        ) % {"doc": label, "seq": step.seq if step else "-", "name": step.name if step else ""}
    elif request.state in (RequestState.APPROVED, RequestState.SUPERSEDED):
        message = _("%(doc)s was changed after its approval. Submit it for approval again.") % {
            "doc": label
        }
    else:
        message = _(
            "The approval request of %(doc)s was %(state)s. Change the document if needed and "
            "submit it again."
        ) % {"doc": label, "state": request.get_state_display()}
    raise ApprovalRequired(message, approval_state=request.state, request_id=request.pk)

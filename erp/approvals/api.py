"""/api/v1/approval-requests/: list, detail, decide, withdraw — enough for a WeCom/DingTalk
bridge to be added without touching the engine."""

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from erp.approvals import selectors
from erp.approvals.models import ApprovalRequest
from erp.approvals.services import requests as request_services
from erp.core.access import require_perm
from erp.core.api_crud import actor as _actor
from erp.core.api_pagination import ErpPagination
from erp.core.errors import ValidationFailed

router = Router(tags=["approvals"])


class StepOut(Schema):
    seq: int
    name: str
    assignee_kind: str
    mode: str
    state: str
    approvers: list[str]

    @staticmethod
    def resolve_approvers(obj) -> list[str]:
        return [a.user.username for a in obj.approvers.all()]


class DecisionOut(Schema):
    action: str
    step_seq: int | None
    actor: str | None
    on_behalf_of: str | None
    comment: str
    at: datetime

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.username if obj.actor else None

    @staticmethod
    def resolve_on_behalf_of(obj) -> str | None:
        return obj.on_behalf_of.username if obj.on_behalf_of else None


class RequestOut(Schema):
    id: int
    doc_type: str
    object_id: int
    doc_version: int
    document: str = Field(alias="doc_repr")
    requester: str
    state: str
    rule_name: str
    rule_fields: dict
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_requester(obj) -> str:
        return obj.requester.username


class RequestDetailOut(RequestOut):
    steps: list[StepOut]
    history: list[DecisionOut]
    summary: list[list[str]]

    @staticmethod
    def resolve_steps(obj) -> list:
        return selectors.request_steps(obj)

    @staticmethod
    def resolve_history(obj) -> list:
        return list(selectors.request_history(obj))

    @staticmethod
    def resolve_summary(obj) -> list[list[str]]:
        return [[str(k), str(v)] for k, v in selectors.request_document(obj)["summary"]]


class DecideIn(Schema):
    """Only a comment; anything else (state, approved_by, ...) is a 400."""

    model_config = ConfigDict(extra="forbid")
    comment: str = Field(default="", max_length=2000)


@router.get("/approval-requests/", response=list[RequestOut])
@paginate(ErpPagination)
def approval_requests_list(request: HttpRequest, mine: str = "pending"):
    """mine=pending: waiting for me (default); mine=submitted: my own; mine=all: every
    request (needs approvals.view_approvalrequest)."""
    actor = _actor(request)
    if mine == "pending":
        return selectors.inbox_for(actor)
    if mine == "submitted":
        return selectors.submitted_by(actor).select_related("requester")
    if mine == "all":
        require_perm(actor, "approvals.view_approvalrequest")
        return ApprovalRequest.objects.select_related("requester").order_by("-created_at", "-id")
    raise ValidationFailed(
        fields={"mine": [_("Use mine=pending, mine=submitted or mine=all.")]}, code="invalid_filter"
    )


@router.get("/approval-requests/{request_id}", response=RequestDetailOut)
def approval_requests_get(request: HttpRequest, request_id: int):
    return selectors.request_for(_actor(request), request_id)


def _decide(request: HttpRequest, request_id: int, action: str, payload: DecideIn):
    actor = _actor(request)
    selectors.request_for(actor, request_id)  # uniform 404 for requests one cannot see
    return request_services.approval_decide(
        actor=actor, request_id=request_id, action=action, comment=payload.comment
    )


@router.post("/approval-requests/{request_id}/approve", response=RequestOut)
def approval_requests_approve(request: HttpRequest, request_id: int, payload: DecideIn):
    return _decide(request, request_id, "approve", payload)


@router.post("/approval-requests/{request_id}/reject", response=RequestOut)
def approval_requests_reject(request: HttpRequest, request_id: int, payload: DecideIn):
    return _decide(request, request_id, "reject", payload)


@router.post("/approval-requests/{request_id}/return", response=RequestOut)
def approval_requests_return(request: HttpRequest, request_id: int, payload: DecideIn):
    return _decide(request, request_id, "return", payload)


@router.post("/approval-requests/{request_id}/withdraw", response=RequestOut)
def approval_requests_withdraw(request: HttpRequest, request_id: int):
    return request_services.approval_withdraw(actor=_actor(request), request_id=request_id)


from erp.approvals import api_rules  # noqa: E402, F401  (approval rules on this router)

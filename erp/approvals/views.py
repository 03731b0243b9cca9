"""Inbox (phone-first), request page with two-tap decisions, rules and delegation pages."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from erp.approvals import forms, selectors
from erp.approvals.contract import doc_type_label
from erp.approvals.models import ApprovalRequest
from erp.approvals.services import delegations as delegation_services
from erp.approvals.services import requests as request_services
from erp.approvals.services.notifications import notification_mark_read
from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save
from erp.core.access import has_perm
from erp.core.errors import DomainError, ValidationFailed

PAGE_SIZE = 25
DONE_MESSAGES = {
    "approve": _("Approved."),
    "reject": _("Rejected."),
    "return": _("Returned for changes."),
}


def perm_required(perm: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                raise HttpForbidden
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _rows(requests) -> list[tuple[ApprovalRequest, str]]:
    return [(r, doc_type_label(r.doc_type)) for r in requests]


def inbox(request):
    rows = _rows(selectors.inbox_for(request.user)[:200])
    return render(request, "approvals/inbox.html", {"rows": rows, "tab": "inbox"})


def mine(request):
    page = Paginator(selectors.submitted_by(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "approvals/inbox.html", {"rows": _rows(page), "page": page, "tab": "mine"}
    )


@perm_required("approvals.view_approvalrequest")
def request_list(request):
    state = request.GET.get("state", "")
    qs = ApprovalRequest.objects.select_related("requester").order_by("-created_at", "-id")
    if state:
        qs = qs.filter(state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"rows": _rows(page), "page": page, "tab": "all", "state": state}
    return render(request, "approvals/inbox.html", context)


def request_detail(request, request_id: int):
    approval = selectors.request_for(request.user, request_id)
    context = {
        "approval": approval,
        "doc_type_label": doc_type_label(approval.doc_type),
        "document": selectors.request_document(approval),
        "steps": selectors.request_steps(approval),
        "history": selectors.request_history(approval),
        "can_decide": selectors.can_decide(request.user, approval),
        "can_withdraw": selectors.can_withdraw(request.user, approval),
        "is_requester": approval.requester_id == request.user.pk,
    }
    return render(request, "approvals/request_detail.html", context)


@require_POST
def request_decide(request, request_id: int):
    approval = selectors.request_for(request.user, request_id)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Choose approve, reject or return."))
    action = form.cleaned_data["action"]
    try:
        request_services.approval_decide(
            actor=request.user,
            request_id=approval.pk,
            action=action,
            comment=form.cleaned_data["comment"],
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("approvals:request_detail", request_id=approval.pk)
    messages.success(request, DONE_MESSAGES[action])
    # Back to the inbox: the next request is one tap away.
    return redirect("approvals:inbox")


@require_POST
def request_withdraw(request, request_id: int):
    approval = selectors.request_for(request.user, request_id)
    request_services.approval_withdraw(actor=request.user, request_id=approval.pk)
    messages.success(request, _("The request was withdrawn."))
    return redirect("approvals:request_detail", request_id=approval.pk)


# --- rules ---------------------------------------------------------------------------------


@perm_required("approvals.change_approvalrule")
def rule_list(request):
    rules = [(r, doc_type_label(r.doc_type)) for r in selectors.rule_list()]
    return render(request, "approvals/rule_list.html", {"rules": rules})


def _rule_initial(rule) -> tuple[dict, list[dict], list[dict]]:
    head = {
        "doc_type": rule.doc_type,
        "name": rule.name,
        "priority": rule.priority,
        "valid_from": rule.valid_from,
        "valid_to": rule.valid_to,
        "is_active": rule.is_active,
    }
    conditions = [
        {"field": c.field, "operator": c.operator, "value": c.value} for c in rule.conditions.all()
    ]
    steps = [
        {
            "name": s.name,
            "assignee_kind": s.assignee_kind,
            "role_code": s.role_code,
            "user": s.user,
            "mode": s.mode,
            "overdue_hours": s.overdue_hours,
        }
        for s in rule.steps.all()
    ]
    return head, conditions, steps


def _specs(conditions, steps) -> tuple[list[ConditionSpec], list[StepSpec]]:
    condition_specs = [
        ConditionSpec(d["field"], d["operator"], d["value"])
        for d in conditions.cleaned_data
        if d and d.get("field")
    ]
    step_specs = [
        StepSpec(
            assignee_kind=d["assignee_kind"],
            role_code=d.get("role_code") or "",
            user_id=d["user"].pk if d.get("user") else None,
            mode=d.get("mode") or "any",
            name=d.get("name") or "",
            overdue_hours=d.get("overdue_hours"),
        )
        for d in steps.cleaned_data
        if d and d.get("assignee_kind")
    ]
    return condition_specs, step_specs


@perm_required("approvals.change_approvalrule")
@require_http_methods(["GET", "POST"])
def rule_edit(request, rule_id: int | None = None):
    rule = selectors.rule_get(rule_id) if rule_id else None
    head, conditions, steps = _rule_initial(rule) if rule else ({}, [], [])
    data = request.POST if request.method == "POST" else None
    form = forms.RuleForm(data, initial=head)
    condition_set = forms.ConditionFormSet(data, initial=conditions, prefix="c")
    step_set = forms.StepFormSet(data, initial=steps, prefix="s")
    error = None
    if data is not None and form.is_valid() and condition_set.is_valid() and step_set.is_valid():
        condition_specs, step_specs = _specs(condition_set, step_set)
        try:
            saved = approval_rule_save(
                actor=request.user,
                rule_id=rule_id,
                conditions=condition_specs,
                steps=step_specs,
                **form.cleaned_data,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _('Rule "%(name)s" saved.') % {"name": saved.name})
            return redirect("approvals:rule_list")
    context = {
        "rule": rule,
        "form": form,
        "condition_set": condition_set,
        "step_set": step_set,
        "error": error,
    }
    return render(request, "approvals/rule_form.html", context)


# --- delegations, notifications -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def delegations(request):
    form = forms.DelegationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegation_services.delegation_create(
                actor=request.user,
                from_user_id=request.user.pk,
                to_user_id=form.cleaned_data["to_user"].pk,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            for name, errors in (exc.details.get("fields") or {}).items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, str(error))
        else:
            messages.success(request, _("Delegation saved."))
            return redirect("approvals:delegations")
    context = {"form": form, "delegations": selectors.delegations_for(request.user)}
    return render(request, "approvals/delegations.html", context)


@require_POST
def delegation_end(request, delegation_id: int):
    delegation_services.delegation_end(actor=request.user, delegation_id=delegation_id)
    messages.success(request, _("Delegation ended."))
    return redirect("approvals:delegations")


@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        notification_mark_read(actor=request.user)
        return redirect("approvals:notifications")
    context = {"notifications": selectors.notifications_for(request.user)}
    return render(request, "approvals/notifications.html", context)

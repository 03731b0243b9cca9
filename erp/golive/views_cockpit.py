"""The go-live cockpit (上线驾驶舱): the checklist, the go-live date and the cut-over lock.
Writes go through erp.golive.services (cutover, checklist)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from erp.core.access import has_perm, require_perm
from erp.core.errors import DomainError
from erp.golive import selectors
from erp.golive.forms_setup import GoLiveDateForm, ReasonForm
from erp.golive.services import checklist, cutover

VIEW_PERM = "golive.view_cutover"


def cockpit(request):
    require_perm(request.user, VIEW_PERM)
    state = cutover.cutover_get()
    context = {
        "phases": selectors.cockpit(request.user),
        "cutover": state,
        "tie_out": cutover.tie_out_status(state.go_live_date),
        "date_form": GoLiveDateForm(initial={"go_live_date": state.go_live_date}),
        "reason_form": ReasonForm(),
        "can_lock": has_perm(request.user, "golive.lock_cutover"),
        "can_approve": has_perm(request.user, "golive.approve_unlock_cutover"),
        "can_mark": has_perm(request.user, "golive.confirm_checklistmark"),
    }
    return render(request, "golive/cockpit.html", context)


def _run(request, action) -> None:
    try:
        action()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Done."))


@require_POST
def go_live_date(request):
    form = GoLiveDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the go-live date as YYYY-MM-DD, the first of a month."))
    else:
        _run(
            request,
            lambda: cutover.go_live_date_set(
                actor=request.user, go_live=form.cleaned_data["go_live_date"]
            ),
        )
    return redirect("golive:cockpit")


@require_POST
def lock(request):
    _run(request, lambda: cutover.cutover_lock(actor=request.user))
    return redirect("golive:cockpit")


@require_POST
def unlock_request(request):
    reason = request.POST.get("reason", "")
    _run(request, lambda: cutover.cutover_unlock_request(actor=request.user, reason=reason))
    return redirect("golive:cockpit")


@require_POST
def unlock_approve(request):
    _run(request, lambda: cutover.cutover_unlock_approve(actor=request.user))
    return redirect("golive:cockpit")


@require_POST
def mark(request, code: str):
    _run(request, lambda: checklist.checklist_mark(actor=request.user, code=code))
    return redirect("golive:cockpit")

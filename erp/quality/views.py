"""The inspector's results page (phone first: one card per characteristic, big inputs,
instant pass/fail against the limits); mounted as the inspection lot's kit "edit" page."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import DomainError, NotFound
from erp.core.record_views import style_form
from erp.quality.forms import PeriodForm, RetainSampleForm, RetestDateForm, RetestForm
from erp.quality.models import InspectionLot, InspectionLotState
from erp.quality.selectors import (
    limits_shown,
    quality_yield,
    retain_samples_due,
    retain_samples_kept,
    retests_due,
)
from erp.quality.services.inspections import (
    inspection_lot_plan_apply,
    inspection_lot_retest,
    inspection_results_record,
)
from erp.quality.services.retain import (
    lot_retest_set,
    retain_sample_create,
    retain_sample_discard,
)


def _inspection(pk) -> InspectionLot:
    found = InspectionLot.objects.select_related("material", "lot", "plan").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def results_entry(request, pk):
    require_perm(request.user, "quality.change_inspectionlot")
    inspection = _inspection(pk)
    posted = None
    status = 200
    if request.method == "POST":
        entries = [
            {
                "line_no": r.line_no,
                "value": request.POST.get(f"value-{r.line_no}", ""),
                "comment": request.POST.get(f"comment-{r.line_no}", ""),
            }
            for r in inspection.lines.all()
        ]
        version = request.POST.get("version", "")
        try:
            inspection_results_record(
                actor=request.user,
                doc_id=inspection.pk,
                results=entries,
                note=request.POST.get("note", inspection.note),
                expected_version=int(version) if version.isdigit() else None,
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
            posted, status = request.POST, exc.status
        else:
            messages.success(request, _("Results saved."))
            return redirect("quality:inspectionlot_detail", pk=inspection.pk)
    rows = []
    for r in inspection.lines.all():
        value = r.value if r.value is not None else ""
        if r.kind == "pass_fail":
            value = {True: "pass", False: "fail", None: ""}[r.passed]
        if posted is not None:
            value = posted.get(f"value-{r.line_no}", "")
        comment = posted.get(f"comment-{r.line_no}", "") if posted is not None else r.comment
        rows.append({"result": r, "value": value, "comment": comment, "limits": limits_shown(r)})
    context = {
        "doc": inspection,
        "rows": rows,
        "editable": inspection.state == InspectionLotState.OPEN,
        "note": posted.get("note", "") if posted is not None else inspection.note,
    }
    return render(request, "quality/results_entry.html", context, status=status)


def plan_apply(request, pk):
    """POST from the detail page: an inspection opened before its plan takes the plan now."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = request.POST.get("version", "")
    try:
        inspection_lot_plan_apply(
            actor=request.user,
            doc_id=pk,
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The inspection plan was applied."))
    return redirect("quality:inspectionlot_detail", pk=pk)


def quality_report(request):
    """质量统计: first-pass yield, rejection rate, decision lead time and NCRs per material."""
    require_perm(request.user, "quality.view_inspectionlot")
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    date_from, date_to = today - timedelta(days=90), today
    if form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
    else:
        form = PeriodForm(initial={"date_from": date_from, "date_to": date_to})
    rows = quality_yield(date_from=date_from, date_to=date_to)
    context = {"form": form, "rows": rows, "date_from": date_from, "date_to": date_to}
    return render(request, "quality/report.html", context)


def retest_request(request):
    """复检: pick a stored lot and say why; the lot waits in quarantine for the new result."""
    require_perm(request.user, "quality.add_inspectionlot")
    form = RetestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspection_lot_retest(
                actor=request.user,
                lot_id=form.cleaned_data["lot"].pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_error(None, str(exc.message))
            status = exc.status
        else:
            messages.success(
                request, _("Re-inspection %(number)s opened.") % {"number": inspection.number}
            )
            return redirect("quality:inspectionlot_detail", pk=inspection.pk)
    elif request.method == "POST":
        status = 400
    style_form(form)
    return render(request, "quality/retest.html", {"form": form}, status=status)


def due_list(request):
    """到期清单: retests due within 30 days (overdue first) and retain samples to discard;
    the forms register a retain sample and set a retest date by hand."""
    require_perm(request.user, "quality.view_inspectionlot")
    forms = {"sample": RetainSampleForm(prefix="sample"), "retest": RetestDateForm(prefix="retest")}
    status = 200
    if request.method == "POST":
        done, status = _due_post(request, forms)
        if done:
            return redirect("quality:due")
    for form in forms.values():
        style_form(form)
    today = timezone.localdate()
    context = {
        "retests": retests_due(today=today),
        "discard": retain_samples_due(today=today),
        "kept": retain_samples_kept(),
        "sample_form": forms["sample"],
        "retest_form": forms["retest"],
        "today": today,
    }
    return render(request, "quality/due.html", context, status=status)


def _due_post(request, forms: dict) -> tuple[bool, int]:
    """One of the page's three POSTs; (done, status). A refused one shows on its form."""
    action = request.POST.get("action", "")
    form = None
    try:
        if action == "discard":
            retain_sample_discard(actor=request.user, sample_id=request.POST.get("sample_id"))
            messages.success(request, _("The retain sample was marked discarded."))
            return True, 200
        key = {"sample": "sample", "retest": "retest"}.get(action)
        if key is None:
            return False, 400
        form = forms[key] = type(forms[key])(request.POST, prefix=key)
        if not form.is_valid():
            return False, 400
        data = form.cleaned_data
        if key == "sample":
            retain_sample_create(
                actor=request.user,
                lot_id=data["lot"].pk,
                quantity=data["quantity"],
                unit=data["unit"],
                location=data["location"],
                keep_until=data["keep_until"],
            )
            messages.success(request, _("Retain sample recorded."))
        else:
            lot_retest_set(
                actor=request.user,
                lot_id=data["lot"].pk,
                retest_on=data["retest_on"],
                blocks=data["blocks"],
            )
            messages.success(request, _("Retest date set."))
        return True, 200
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        if form is None:
            messages.error(request, str(exc.message))
        else:
            form.add_error(None, str(exc.message))
        return False, exc.status

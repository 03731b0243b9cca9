"""Expense claim pages: my claims and all claims (lists), new/edit with htmx lines, detail with
approval history and vouchers (单据联查), submit/post/pay, print."""

from decimal import Decimal

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from erp.accounting.builders.expenses import tax_of
from erp.accounting.models import (
    ExpenseCategory,
    ExpenseClaim,
    ExpenseClaimState,
    InvoiceType,
    Voucher,
)
from erp.accounting.services import expenses as svc
from erp.approvals.selectors import history_for_document, latest_request_for_document
from erp.core.access import has_perm, require_perm
from erp.core.errors import DomainError, NotFound, PermissionDenied
from erp.core.list_views import ListPage
from erp.core.listing import Column, ListConfig
from erp.core.printing import pdf_response
from erp.core.record_views import style_form
from erp.core.selectors import audit_events_for, audit_rows
from erp.iam.models import Department, User

PREFIX = "lines"
_SELECT = {"class": "form-select form-select-sm"}
_DATE = {"class": "form-control form-control-sm", "type": "date"}


# The rate choice is the invoice type too: "0" = 无专票 (no input VAT), a rate = 专票 at it.
def _rate_label(rate) -> str:
    return _("Special invoice (专票) %(rate)s%%") % {"rate": f"{rate * 100:.0f}"}


_rate_label_lazy = lazy(_rate_label, str)  # translated when the form renders, not at import
RATE_CHOICES = [("0", _("None (no 专票)"))] + [
    (str(r), _rate_label_lazy(r)) for r in svc.TAX_RATES if r
]


# --- lists ----------------------------------------------------------------------------------


class ClaimFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ExpenseClaimState.choices, widget=forms.Select(attrs=_SELECT)
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("From"), widget=forms.DateInput(attrs=_DATE)
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("To"), widget=forms.DateInput(attrs=_DATE)
    )

    class Meta:
        model = ExpenseClaim
        fields = ["state", "date_from", "date_to"]


def _claims_config(*, mine: bool) -> ListConfig:
    return ListConfig(
        model=ExpenseClaim,
        permission="accounting.add_expenseclaim" if mine else "accounting.view_expenseclaim",
        title=_("My expense claims") if mine else _("Expense claims"),
        columns=[
            Column("reference", _("Number"), sort="number", link=True),
            Column("date", _("Date"), sort="date", kind="date"),
            Column("employee", _("Employee"), sort="employee__full_name"),
            Column("department.name", _("Department"), sort="department__code"),
            Column("purpose", _("Purpose")),
            Column("total", _("Amount incl. tax"), sort="total", kind="amount", total=True),
            Column("tax_total", _("Input VAT"), kind="amount", total=True),
            Column("attachments", _("Attachments"), kind="num"),
            Column("state", _("State"), sort="state", kind="state"),
            Column("voucher.number", _("Voucher"), export_only=True),
        ],
        search_fields=("number", "purpose", "employee__full_name", "employee__username"),
        filterset_class=ClaimFilter,
        default_sort="-date",
        select_related=("employee", "department", "voucher"),
        detail_url_name="accounting:expenseclaim_detail",
        create_url_name="accounting:expenseclaim_create",
        create_permission="accounting.add_expenseclaim",
        export_name="expense-claims",
        search_placeholder=_("Number, purpose or employee"),
        queryset_hook=(lambda user, qs: qs.filter(employee=user)) if mine else None,
    )


CLAIMS = _claims_config(mine=False)
MY_CLAIMS = _claims_config(mine=True)
claim_list = ListPage.as_view(config=CLAIMS)
my_claim_list = ListPage.as_view(config=MY_CLAIMS)


# --- forms ----------------------------------------------------------------------------------


class ClaimForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 上海客户拜访差旅")}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text=_("Empty: yourself."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, may_choose_employee: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_choose_employee:
            del self.fields["employee"]


class ClaimLineForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Expense category"),
        queryset=ExpenseCategory.objects.filter(active=True).order_by("code"),
    )
    amount = forms.DecimalField(
        label=_("Amount incl. tax"), max_digits=18, decimal_places=2, min_value=0
    )
    tax_rate = forms.ChoiceField(label=_("VAT rate (专票)"), choices=RATE_CHOICES, required=False)
    tax_amount = forms.DecimalField(
        label=_("Input VAT"),
        max_digits=18,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty: computed from the amount and rate (recomputed when either changes)."),
    )
    attachments = forms.IntegerField(
        label=_("Attachments"), min_value=0, max_value=999, initial=1, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def as_row(self) -> dict:
        d = self.cleaned_data
        return {
            "category_id": d["category"].pk,
            "amount": d["amount"],
            "tax_rate": d.get("tax_rate") or "0",
            "invoice_type": InvoiceType.SPECIAL
            if (d.get("tax_rate") or "0") != "0"
            else InvoiceType.NONE,
            "tax_amount": d.get("tax_amount"),
            "attachments": d.get("attachments") or 0,
            "note": d.get("note") or "",
        }


LineFormSet = forms.formset_factory(ClaimLineForm, extra=0, can_delete=True, max_num=svc.MAX_LINES)


# --- pages ----------------------------------------------------------------------------------


def _claim_get(user, pk) -> ExpenseClaim:
    claim = (
        ExpenseClaim.objects.select_related(
            "employee", "department", "created_by", "payment_account"
        )
        .filter(pk=pk)
        .first()
    )
    if claim is None or not svc.may_view(user, claim):
        raise NotFound()
    return claim


@login_required
def claim_form(request, pk=None):
    claim = _claim_get(request.user, pk) if pk else None
    if claim is None:
        require_perm(request.user, "accounting.add_expenseclaim")
    elif not svc.may_edit(request.user, claim):
        raise PermissionDenied()
    choose = has_perm(request.user, "accounting.change_expenseclaim")
    if request.method != "POST":
        form = ClaimForm(initial=_initial(request.user, claim), may_choose_employee=choose)
        formset = LineFormSet(prefix=PREFIX, initial=_lines_initial(claim))
        return _render_form(request, claim, form, formset)
    form = ClaimForm(request.POST, may_choose_employee=choose)
    formset = LineFormSet(request.POST, prefix=PREFIX)
    if not (form.is_valid() and formset.is_valid()):
        return _render_form(request, claim, form, formset, status=400)
    rows = [f.as_row() for f in formset.forms if f.cleaned_data and not f.cleaned_data["DELETE"]]
    d = form.cleaned_data
    values = {
        "date": d["date"],
        "purpose": d["purpose"],
        "department_id": d["department"].pk,
        "note": d["note"],
        "lines": rows,
    }
    if d.get("employee"):
        values["employee_id"] = d["employee"].pk
    try:
        if claim is None:
            claim = svc.expense_claim_create(actor=request.user, **values)
        else:
            claim = svc.expense_claim_update(actor=request.user, claim_id=claim.pk, **values)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        form.add_error(None, str(exc.message))
        return _render_form(request, claim, form, formset, status=exc.status)
    messages.success(request, _("Saved."))
    return redirect("accounting:expenseclaim_detail", pk=claim.pk)


def _initial(user, claim) -> dict:
    if claim is None:
        return {"date": timezone.localdate(), "department": user.department_id}
    return {
        "date": claim.date,
        "purpose": claim.purpose,
        "department": claim.department_id,
        "employee": claim.employee_id,
        "note": claim.note,
    }


def _lines_initial(claim) -> list[dict]:
    if claim is None:
        return [{"tax_rate": "0", "attachments": 1}]
    return [
        {
            "category": x.category_id,
            "amount": x.amount,
            "tax_rate": str(x.tax_rate.normalize()) if x.tax_rate else "0",
            "tax_amount": _entered_vat(x),
            "attachments": x.attachments,
            "note": x.note,
        }
        for x in claim.lines.select_related("category").order_by("line_no")
    ]


def _entered_vat(line) -> Decimal | None:
    """The VAT to show in the edit form: empty when it was computed from amount and rate (so a
    changed amount recomputes it), the stored figure only when it was typed from the invoice."""
    if not line.category.input_vat_deductible or line.tax_amount == tax_of(
        line.amount, line.tax_rate
    ):
        return None
    return line.tax_amount


def _render_form(request, claim, form, formset, status=200):
    for f in [form, *formset.forms]:
        style_form(f)
    lines = {"title": _("Lines"), "row_url_name": "accounting:expenseclaim_row"}
    headers = [(f.label, f.required) for n, f in formset.form().fields.items() if n != "DELETE"]
    list_url = reverse("accounting:my_expenseclaim_list")
    context = {
        "doc": claim,
        "list_url": list_url,
        "form": form,
        "form_sections": [(_("Claim"), [(f, f.name in ("purpose", "note")) for f in form])],
        "line_formsets": [(lines, formset, headers)],
        "max_lines": svc.MAX_LINES,
        "non_form_errors": formset.non_form_errors(),
        "cancel_url": reverse("accounting:expenseclaim_detail", args=[claim.pk])
        if claim
        else list_url,
    }
    return render(request, "accounting/expenses/form.html", context, status=status)


@login_required
def claim_line_row(request):
    require_perm(request.user, "accounting.add_expenseclaim")
    try:
        index = int(request.GET.get("index", ""))
    except ValueError:
        index = -1
    if not 0 <= index < svc.MAX_LINES:
        return HttpResponse(_("Too many lines."), status=400)
    formset = LineFormSet(prefix=PREFIX)
    form = formset.form(
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        initial={"tax_rate": "0", "attachments": 1},
    )
    style_form(form)
    return render(request, "core/_lines_row.html", {"line_form": form})


def _actions(user, claim) -> list:
    actions = [
        t
        for t in svc.CLAIM_STATES.allowed_for(user, claim.state)
        if t.name not in svc.ENGINE_TRANSITIONS
    ]
    if not svc.may_edit(user, claim):
        actions = [t for t in actions if t.name != "submit"]
    return actions


@login_required
def claim_detail(request, pk):
    claim = _claim_get(request.user, pk)
    context = {
        "doc": claim,
        "lines": claim.lines.select_related("category__account").order_by("line_no"),
        "actions": _actions(request.user, claim),
        "can_edit": claim.state in ("draft", "submitted", "approved")
        and svc.may_edit(request.user, claim),
        "approval_history": history_for_document(claim),
        "approval_request": latest_request_for_document(claim),
        "vouchers": Voucher.objects.filter(source_type=svc.DOC_TYPE, source_id=str(claim.pk))
        .select_related("period")
        .order_by("pk"),
        "can_see_vouchers": has_perm(request.user, "accounting.view_voucher"),
        "payment_accounts": svc.payment_accounts() if claim.state == "posted" else [],
        "audit_rows": audit_rows(audit_events_for(claim)),
        "today": timezone.localdate(),
    }
    return render(request, "accounting/expenses/detail.html", context)


@login_required
@require_POST
def claim_action(request, pk, action):
    try:
        if action == "submit":
            claim = svc.expense_claim_submit(actor=request.user, claim_id=pk)
        elif action == "post":
            claim = svc.expense_claim_post(actor=request.user, claim_id=pk)
        elif action == "pay":
            claim = svc.expense_claim_pay(
                actor=request.user,
                claim_id=pk,
                payment_account_code=request.POST.get("payment_account", ""),
            )
        else:
            raise NotFound()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(doc)s: %(state)s.") % {"doc": claim, "state": claim.get_state_display()},
        )
    return redirect("accounting:expenseclaim_detail", pk=pk)


@login_required
def claim_print(request, pk):
    claim = _claim_get(request.user, pk)
    context = {
        "doc": claim,
        "lines": claim.lines.select_related("category").order_by("line_no"),
        "approval_history": history_for_document(claim),
    }
    return pdf_response(
        request,
        template_name="accounting/expenses/print.html",
        context=context,
        filename=f"{claim._meta.verbose_name}-{claim.reference}.pdf",
    )

"""Set-up pages of accounting (issue #12): the posting rules (document event × material
category × warehouse → debit/credit accounts), each with a preview voucher of ¥1,000.00 so
finance sees what a document will post before it does, editable by finance; and the expense
categories (code, name, expense account, VAT deductibility)."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from erp.accounting.forms_setup import ExpenseCategoryForm, PostingRuleForm
from erp.accounting.models import Account, ExpenseCategory, PostingRule
from erp.accounting.services import expense_categories as category_services
from erp.accounting.services import posting_rules as rule_services
from erp.core.access import has_perm, require_perm
from erp.core.errors import DomainError, NotFound
from erp.core.record_views import apply_domain_error

PREVIEW_AMOUNT = Decimal("1000.00")
ZERO = Decimal("0")


@dataclass
class RuleRow:
    rule: PostingRule
    lines: list[tuple[str, str, Decimal, Decimal]]  # (code, name, debit, credit)


def _preview(debit: Account | None, credit: Account | None) -> list:
    """The voucher a document of ¥1,000.00 would post with these accounts."""
    lines = []
    if debit is not None:
        lines.append((debit.code, debit.name, PREVIEW_AMOUNT, ZERO))
    if credit is not None:
        lines.append((credit.code, credit.name, ZERO, PREVIEW_AMOUNT))
    return lines


def posting_rules(request):
    require_perm(request.user, "accounting.view_postingrule")
    event = request.GET.get("event", "")
    rules = PostingRule.objects.select_related("debit_account", "credit_account").order_by(
        "event", "category_code", "warehouse_code"
    )
    if event:
        rules = rules.filter(event=event)
    rows = [RuleRow(rule, _preview(rule.debit_account, rule.credit_account)) for rule in rules]
    events = sorted(
        {(r.event, r.get_event_display()) for r in PostingRule.objects.all()}, key=lambda e: e[0]
    )
    context = {
        "rows": rows,
        "events": events,
        "event": event,
        "amount": PREVIEW_AMOUNT,
        "can_add": has_perm(request.user, "accounting.add_postingrule"),
        "can_change": has_perm(request.user, "accounting.change_postingrule"),
    }
    return render(request, "accounting/setup/posting_rules.html", context)


def _rule_or_404(rule_id) -> PostingRule:
    rule = (
        PostingRule.objects.select_related("debit_account", "credit_account")
        .filter(pk=rule_id)
        .first()
    )
    if rule is None:
        raise NotFound()
    return rule


@require_http_methods(["GET", "POST"])
def posting_rule_form(request, pk: int | None = None):
    """New rule (event, scope, accounts) or a rule's accounts; shows the preview voucher."""
    rule = _rule_or_404(pk) if pk is not None else None
    require_perm(
        request.user, "accounting.change_postingrule" if rule else "accounting.add_postingrule"
    )
    initial = {}
    if rule is not None:
        initial = {
            "event": rule.event,
            "category_code": rule.category_code,
            "warehouse_code": rule.warehouse_code,
            "debit_account": rule.debit_account.code,
            "credit_account": rule.credit_account.code,
        }
    else:
        initial = {"event": request.GET.get("event", "")}
    form = PostingRuleForm(request.POST or None, initial=initial, editing=rule is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if rule is None:
                rule_services.posting_rule_create(actor=request.user, **data)
            else:
                rule_services.posting_rule_update(
                    actor=request.user,
                    rule_id=rule.pk,
                    debit_account=data["debit_account"],
                    credit_account=data["credit_account"],
                )
        except DomainError as exc:
            apply_domain_error(exc, form)
        else:
            messages.success(
                request, _("Posting rule saved. It applies to documents posted from now on.")
            )
            return redirect("accounting:posting_rules")
    preview_only = bool(request.htmx) and "preview" in request.GET
    values = request.GET if preview_only else (form.data if form.is_bound else initial)
    accounts = {
        a.code: a
        for a in Account.objects.filter(
            code__in=[values.get("debit_account", ""), values.get("credit_account", "")]
        )
    }
    context = {
        "form": form,
        "rule": rule,
        "amount": PREVIEW_AMOUNT,
        "preview": _preview(
            accounts.get(values.get("debit_account", "")),
            accounts.get(values.get("credit_account", "")),
        ),
        "can_delete": rule is not None
        and (rule.category_code or rule.warehouse_code)
        and has_perm(request.user, "accounting.delete_postingrule"),
    }
    if preview_only:  # the account selects changed: only the preview voucher is redrawn
        return render(request, "accounting/setup/_rule_preview.html", context)
    return render(request, "accounting/setup/posting_rule_form.html", context)


@require_POST
def posting_rule_delete(request, pk: int):
    try:
        rule_services.posting_rule_delete(actor=request.user, rule_id=pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("accounting:posting_rule_edit", pk=pk)
    messages.success(request, _("Posting rule deleted."))
    return redirect("accounting:posting_rules")


# --- expense categories ----------------------------------------------------------------------


def expense_categories(request):
    require_perm(request.user, "accounting.view_expensecategory")
    context = {
        "categories": ExpenseCategory.objects.select_related("account").order_by("code"),
        "can_add": has_perm(request.user, "accounting.add_expensecategory"),
    }
    return render(request, "accounting/setup/expense_categories.html", context)


@require_http_methods(["GET", "POST"])
def expense_category_form(request, pk: int | None = None):
    category = None
    if pk is not None:
        category = ExpenseCategory.objects.select_related("account").filter(pk=pk).first()
        if category is None:
            raise NotFound()
    require_perm(request.user, "accounting.view_expensecategory")
    perm = "accounting.change_expensecategory" if category else "accounting.add_expensecategory"
    can_save = has_perm(request.user, perm)
    if request.method == "POST":
        require_perm(request.user, perm)
    initial = {"active": True, "input_vat_deductible": True}
    if category is not None:
        initial = {
            "code": category.code,
            "name": category.name,
            "account": category.account.code,
            "input_vat_deductible": category.input_vat_deductible,
            "active": category.active,
        }
    form = ExpenseCategoryForm(request.POST or None, initial=initial, editing=category is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if category is None:
                category_services.expense_category_create(
                    actor=request.user,
                    code=data["code"],
                    name=data["name"],
                    account_code=data["account"],
                    input_vat_deductible=data["input_vat_deductible"],
                    active=data["active"],
                )
            else:
                category_services.expense_category_edit(
                    actor=request.user,
                    category_id=category.pk,
                    name=data["name"],
                    account_code=data["account"],
                    input_vat_deductible=data["input_vat_deductible"],
                    active=data["active"],
                )
        except DomainError as exc:
            apply_domain_error(exc, form)
        else:
            messages.success(
                request, _("Expense category %(name)s saved.") % {"name": data["name"]}
            )
            return redirect("accounting:expense_categories")
    context = {"form": form, "category": category, "readonly": not can_save}
    return render(request, "accounting/setup/expense_category_form.html", context)

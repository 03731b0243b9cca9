"""Expense claim lists: all claims (the document kit's list page, erp/accounting/kit_expenses.py)
and "my claims" (its own page). Form, detail, actions, print and REST come from the kit."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.accounting.models import ExpenseClaim, ExpenseClaimState
from erp.core.list_views import ListPage
from erp.core.listing import Column, ListConfig

_SELECT = {"class": "form-select form-select-sm"}
_DATE = {"class": "form-control form-control-sm", "type": "date"}


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
my_claim_list = ListPage.as_view(config=MY_CLAIMS)

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.accounting.models import Account, Period, Voucher, VoucherWord
from erp.accounting.states import VoucherState
from erp.core.listing import Column, ListConfig
from erp.core.references import refs_attach

_SELECT = {"class": "form-select form-select-sm"}


class VoucherFilter(django_filters.FilterSet):
    period = django_filters.ModelChoiceFilter(
        label=_("Period"),
        queryset=Period.objects.order_by("-year", "-month"),
        widget=forms.Select(attrs=_SELECT),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=VoucherState.choices,
        widget=forms.Select(attrs=_SELECT),
    )
    word = django_filters.ChoiceFilter(
        label=_("Voucher word"),
        choices=VoucherWord.choices,
        widget=forms.Select(attrs=_SELECT),
    )
    # ?unreviewed=true: vouchers without 审核 (the month-end checklist links here).
    unreviewed = django_filters.BooleanFilter(
        label=_("Not reviewed"),
        field_name="reviewed_by",
        lookup_expr="isnull",
        widget=forms.Select(
            attrs=_SELECT, choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    # ?unposted=true: drafts and reviewed vouchers (the home page's 未过账凭证 tile).
    unposted = django_filters.BooleanFilter(
        label=_("Not posted"),
        method="filter_unposted",
        widget=forms.Select(
            attrs=_SELECT, choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    class Meta:
        model = Voucher
        fields = ["period", "state", "word", "unreviewed", "unposted"]

    def filter_unposted(self, queryset, name, value):
        if value is None:
            return queryset
        posted = Q(state=VoucherState.POSTED)
        return queryset.exclude(posted) if value else queryset.filter(posted)


class AccountFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        label=pgettext_lazy("account", "Category"),
        choices=Account._meta.get_field("category").choices,
        widget=forms.Select(attrs=_SELECT),
    )

    class Meta:
        model = Account
        fields = ["category"]


VOUCHERS = ListConfig(
    model=Voucher,
    permission="accounting.view_voucher",
    title=_("Vouchers"),
    columns=[
        Column("number", pgettext_lazy("voucher", "Number"), sort="number", link=True),
        Column("date", _("Date"), sort="date", kind="date"),
        Column("word", _("Voucher word")),
        Column("note", _("Note")),
        Column("total", _("Amount"), sort="total", kind="amount", total=True),
        Column("attachments", _("Attachments"), kind="num"),
        Column("created_by.full_name", _("Entered by")),
        Column("state", _("State"), sort="state", kind="state", choices=VoucherState),
        Column("source_ref", _("Source document")),
    ],
    rows_hook=refs_attach,  # source_ref: 类型名 + number + link, one query per document type
    search_fields=("number", "note", "source_number"),
    filterset_class=VoucherFilter,
    default_sort="-date",
    select_related=("period", "created_by"),
    detail_url_name="accounting:voucher_detail",
    create_url_name="accounting:voucher_create",
    create_permission="accounting.add_voucher",
    export_name="vouchers",
    search_placeholder=_("Number, note or source document"),
)

ACCOUNTS = ListConfig(
    model=Account,
    permission="accounting.view_account",
    title=_("Chart of accounts"),
    columns=[
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("category", pgettext_lazy("account", "Category"), sort="category"),
        Column("direction", _("Balance direction")),
        Column("level", _("Level"), kind="num"),
        Column("is_leaf", _("Leaf account"), kind="bool"),
        Column("aux_customer", _("By customer"), kind="bool"),
        Column("aux_supplier", _("By supplier"), kind="bool"),
        Column("aux_department", _("By department"), kind="bool"),
        Column("aux_employee", _("By employee"), kind="bool"),
        Column("aux_material", _("By material"), kind="bool"),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name"),
    filterset_class=AccountFilter,
    default_sort="code",
    export_name="chart-of-accounts",
)

"""List pages (generic ListPage configs) for stock balances and lots with expiry."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.listing import Column, ListConfig
from erp.inventory import selectors_reports
from erp.inventory.models import Lot, StockBalance
from erp.inventory.states import LotStatus
from erp.masterdata.models import Location, MaterialCategory, Warehouse

SELECT = {"class": "form-select form-select-sm"}
NUMBER = {"class": "form-control form-control-sm", "min": "0", "max": "3650"}


def _model_choice(label, queryset):
    return django_filters.ModelChoiceFilter(
        label=label, queryset=queryset, widget=forms.Select(attrs=SELECT)
    )


class BalanceFilter(django_filters.FilterSet):
    warehouse = _model_choice(_("Warehouse"), Warehouse.objects.order_by("code"))
    location = _model_choice(
        _("Location"), Location.objects.select_related("warehouse").order_by("code")
    )
    category = _model_choice(_("Category"), MaterialCategory.objects.order_by("code"))
    lot_status = django_filters.ChoiceFilter(
        label=_("Lot status"),
        choices=LotStatus.choices,
        field_name="lot__status",
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = StockBalance
        fields: list[str] = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if data.get("warehouse"):
            queryset = queryset.filter(location__warehouse=data["warehouse"])
        if data.get("location"):
            queryset = queryset.filter(location=data["location"])
        if data.get("category"):
            queryset = queryset.filter(material__category=data["category"])
        if data.get("lot_status"):
            queryset = queryset.filter(lot__status=data["lot_status"])
        return queryset


def _balances_in_stock(user, qs):
    return qs.filter(on_hand__gt=0)


class BalanceListConfig(ListConfig):
    """Balances link to the lot page (balances of non-batch materials link nowhere)."""

    def detail_url(self, obj):
        if not obj.lot_id:
            return None
        return reverse("inventory:lot_trace", kwargs={"pk": obj.lot_id})


BALANCES = BalanceListConfig(
    model=StockBalance,
    permission="inventory.view_stockbalance",
    title=_("Stock on hand"),
    columns=[
        Column("material.code", _("Material code"), sort="material__code"),
        Column("material.name", _("Material name"), sort="material__name"),
        Column("material.specification", _("Specification")),
        Column("location.warehouse.name", _("Warehouse"), sort="location__warehouse__code"),
        Column("location.code", _("Location"), sort="location__code"),
        Column("lot.number", _("Lot"), sort="lot__number", link=True),
        Column("lot.status", _("Lot status"), kind="state"),
        Column("lot.expiry_date", _("Expiry date"), sort="lot__expiry_date", kind="date"),
        Column("on_hand", _("On hand"), sort="on_hand", kind="qty", total=True),
        Column("reserved", _("Reserved"), sort="reserved", kind="qty", total=True),
        Column("material.base_unit.code", _("Unit")),
        Column("value", _("Stock value"), sort="value", kind="amount", total=True),
    ],
    search_fields=("material__code", "material__name", "lot__number"),
    filterset_class=BalanceFilter,
    default_sort="material__code",
    select_related=("material__base_unit", "location__warehouse", "lot"),
    queryset_hook=_balances_in_stock,
    export_name="stock-on-hand",
    search_placeholder=_("Material code, name or lot"),
)


class ExpiringLotFilter(django_filters.FilterSet):
    within_days = django_filters.NumberFilter(
        label=_("Expiring within (days)"),
        method="filter_within",
        widget=forms.NumberInput(attrs=NUMBER),
    )
    status = django_filters.ChoiceFilter(
        label=_("Lot status"), choices=LotStatus.choices, widget=forms.Select(attrs=SELECT)
    )
    expired = django_filters.ChoiceFilter(
        label=_("Expired"),
        choices=[("yes", _("Expired only")), ("no", _("Not yet expired"))],
        method="filter_expired",
        widget=forms.Select(attrs=SELECT),
    )
    category = _model_choice(_("Category"), MaterialCategory.objects.order_by("code"))

    class Meta:
        model = Lot
        fields = ["status"]

    def filter_within(self, queryset, name, value):
        if value is None:
            return queryset
        horizon = timezone.localdate() + timedelta(days=int(value))
        return queryset.filter(expiry_date__lte=horizon)

    def filter_expired(self, queryset, name, value):
        today = timezone.localdate()
        if value == "yes":
            return queryset.filter(expiry_date__lt=today)
        if value == "no":
            return queryset.filter(Q(expiry_date__gte=today) | Q(expiry_date__isnull=True))
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("category"):
            queryset = queryset.filter(material__category=self.form.cleaned_data["category"])
        return queryset


def _lots_in_stock(user, qs):
    # Only lots with an expiry date: the others never expire.
    return selectors_reports.lots_with_stock().filter(expiry_date__isnull=False)


class DaysToExpiry(Column):
    def value(self, obj):
        return selectors_reports.days_to_expiry(obj)


class LotStock(Column):
    """A lot's stock (annotations on_hand / stock_value). The column is named after the
    balance field so the list total sums balances: a total over the annotation's own name
    trips Django's aggregate-over-annotation SQL."""

    def value(self, obj):
        return getattr(obj, "on_hand" if self.name.endswith("on_hand") else "stock_value")


LOTS_EXPIRING = ListConfig(
    model=Lot,
    permission="inventory.view_lot",
    title=_("Expiring and expired lots"),
    columns=[
        Column("number", _("Lot"), sort="number", link=True),
        Column("material.code", _("Material code"), sort="material__code"),
        Column("material.name", _("Material name")),
        Column("status", _("Lot status"), kind="state"),
        Column("production_date", _("Production date"), kind="date"),
        Column("expiry_date", _("Expiry date"), sort="expiry_date", kind="date"),
        DaysToExpiry("days_to_expiry", _("Days to expiry"), kind="num"),
        LotStock("balances.on_hand", _("On hand"), sort="on_hand", kind="qty", total=True),
        LotStock("balances.value", _("Stock value"), sort="stock_value", kind="amount", total=True),
    ],
    search_fields=("number", "material__code", "material__name", "supplier_lot"),
    filterset_class=ExpiringLotFilter,
    default_sort="expiry_date",
    queryset_hook=_lots_in_stock,
    detail_url_name="inventory:lot_trace",
    export_name="expiring-lots",
    search_placeholder=_("Lot, material code or name"),
)

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.masterdata.models import Material, MaterialCategory, Unit

# --- materials, units, categories ----------------------------------------------------------

SELECT = {"class": "form-select form-select-sm"}
YES_NO = [("true", _("Yes")), ("false", _("No"))]


def _yes_no(label):
    return django_filters.BooleanFilter(
        label=label, widget=forms.Select(attrs=SELECT, choices=[("", "---------"), *YES_NO])
    )


class MaterialFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=MaterialCategory.objects.order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    inventory_type = django_filters.ChoiceFilter(
        label=_("Inventory type"),
        choices=Material.InventoryType.choices,
        widget=forms.Select(attrs=SELECT),
    )
    procurement = django_filters.ChoiceFilter(
        label=_("Procurement"),
        choices=Material.Procurement.choices,
        widget=forms.Select(attrs=SELECT),
    )
    active = _yes_no(_("Active"))
    batch_managed = _yes_no(_("Batch managed"))

    class Meta:
        model = Material
        fields = ["category", "inventory_type", "procurement", "active", "batch_managed"]


class UnitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Unit.Kind.choices, widget=forms.Select(attrs=SELECT)
    )
    active = _yes_no(_("Active"))

    class Meta:
        model = Unit
        fields = ["kind", "active"]


class CategoryFilter(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(
        label=_("Parent category"),
        queryset=MaterialCategory.objects.filter(children__isnull=False)
        .distinct()
        .order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    active = _yes_no(_("Active"))

    class Meta:
        model = MaterialCategory
        fields = ["parent", "active"]


# --- customers, suppliers, warehouses, locations, work centres (partners) -------------------

from django.contrib.auth import get_user_model  # noqa: E402

from erp.masterdata.models import (  # noqa: E402
    Customer,
    Location,
    PaymentTerm,
    Supplier,
    Warehouse,
)


class CustomerFilter(django_filters.FilterSet):
    active = _yes_no(_("Active"))
    payment_term = django_filters.ModelChoiceFilter(
        label=_("Payment term"),
        queryset=PaymentTerm.objects.order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    salesperson = django_filters.ModelChoiceFilter(
        label=_("Salesperson"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = Customer
        fields = ["active", "payment_term", "salesperson"]


class SupplierFilter(django_filters.FilterSet):
    active = _yes_no(_("Active"))
    approval_status = django_filters.ChoiceFilter(
        label=_("Approved-supplier status"),
        choices=Supplier.Approval.choices,
        widget=forms.Select(attrs=SELECT),
    )
    payment_term = django_filters.ModelChoiceFilter(
        label=_("Payment term"),
        queryset=PaymentTerm.objects.order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = Supplier
        fields = ["active", "approval_status", "payment_term"]


class ActiveFilter(django_filters.FilterSet):
    active = _yes_no(_("Active"))


class LocationFilter(django_filters.FilterSet):
    warehouse = django_filters.ModelChoiceFilter(
        label=_("Warehouse"),
        queryset=Warehouse.objects.order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    type = django_filters.ChoiceFilter(
        label=_("Location type"), choices=Location.Type.choices, widget=forms.Select(attrs=SELECT)
    )
    active = _yes_no(_("Active"))

    class Meta:
        model = Location
        fields = ["warehouse", "type", "active"]

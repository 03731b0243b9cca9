import django_filters
from django.utils.translation import gettext_lazy as _

from erp.masterdata.models import Material, MaterialCategory


class MaterialFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=MaterialCategory.objects.all()
    )
    inventory_type = django_filters.ChoiceFilter(
        label=_("Inventory type"), choices=Material.InventoryType.choices
    )
    procurement = django_filters.ChoiceFilter(
        label=_("Procurement"), choices=Material.Procurement.choices
    )
    active = django_filters.BooleanFilter(label=_("Active"))
    batch_managed = django_filters.BooleanFilter(label=_("Batch managed"))

    class Meta:
        model = Material
        fields = ["category", "inventory_type", "procurement", "active", "batch_managed"]

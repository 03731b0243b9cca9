from django.db.models import Q

from erp.masterdata.forms.pickers import use_pickers
from erp.masterdata.forms.units import ParseOnlyModelForm
from erp.masterdata.models import Location, Material, MaterialCategory, Warehouse
from erp.masterdata.selectors import units_for_picker

MATERIAL_FORM_FIELDS = [
    "code", "name", "specification", "category", "inventory_type", "procurement",
    "base_unit", "purchase_unit", "sales_unit", "batch_managed", "shelf_life_days",
    "qc_required", "vat_rate", "reorder_point", "safety_stock", "min_order_qty", "order_multiple",
    "lead_time_days", "default_warehouse", "default_location", "standard_cost", "density",
    "hazard_class", "storage_conditions",
]  # fmt: skip


def _active_or(model, current):
    condition = Q(active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return model.objects.filter(condition)


class MaterialForm(ParseOnlyModelForm):
    class Meta:
        model = Material
        fields = MATERIAL_FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        obj = self.instance
        fields = self.fields
        for name in ("base_unit", "purchase_unit", "sales_unit"):
            current = getattr(obj, name) if getattr(obj, f"{name}_id", None) else None
            fields[name].queryset = units_for_picker(current)
        fields["category"].queryset = _active_or(
            MaterialCategory, obj.category if obj.category_id else None
        ).order_by("code")
        fields["default_warehouse"].queryset = _active_or(
            Warehouse, obj.default_warehouse if obj.default_warehouse_id else None
        ).order_by("code")
        fields["default_location"].queryset = (
            _active_or(Location, obj.default_location if obj.default_location_id else None)
            .select_related("warehouse")
            .order_by("warehouse__code", "code")
        )
        use_pickers(
            self,
            base_unit="unit",
            purchase_unit="unit",
            sales_unit="unit",
            default_warehouse="warehouse",
            default_location="location",
        )

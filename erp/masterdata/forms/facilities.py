"""Forms of warehouses, locations, work centres and production lines (parse only; the services
in erp.masterdata.services.facilities validate and apply the rules)."""

from django import forms
from django.contrib.auth import get_user_model

from erp.masterdata.forms.pickers import use_pickers
from erp.masterdata.forms.units import ParseOnlyModelForm
from erp.masterdata.models import (
    Location,
    ProductionLine,
    ProductionLineStep,
    Warehouse,
    WorkCenter,
)
from erp.masterdata.selectors_partners import warehouses_for_picker, work_centers_for_picker


class WarehouseForm(ParseOnlyModelForm):
    class Meta:
        model = Warehouse
        fields = ["code", "name", "address", "manager"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["manager"].queryset = users


class LocationForm(ParseOnlyModelForm):
    class Meta:
        model = Location
        fields = ["warehouse", "code", "name", "type", "capacity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.warehouse if self.instance.warehouse_id else None
        self.fields["warehouse"].queryset = warehouses_for_picker(current)
        use_pickers(self, warehouse="warehouse")


class WorkCenterForm(ParseOnlyModelForm):
    class Meta:
        model = WorkCenter
        fields = ["code", "name", "capacity_hours_per_day", "labour_rate", "overhead_rate"]


class ProductionLineForm(ParseOnlyModelForm):
    class Meta:
        model = ProductionLine
        fields = ["code", "name"]


class LocationLineForm(ParseOnlyModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Location
        fields = ["code", "name", "type", "capacity", "active"]


class StepLineForm(ParseOnlyModelForm):
    class Meta:
        model = ProductionLineStep
        fields = ["sequence", "work_center"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_center"].queryset = work_centers_for_picker()


LocationFormSet = forms.formset_factory(LocationLineForm, extra=0, can_delete=True)
StepFormSet = forms.formset_factory(StepLineForm, extra=0, can_delete=True)

from django import forms

from erp.masterdata.forms.pickers import use_pickers
from erp.masterdata.models import Unit, UnitConversion
from erp.masterdata.selectors import units_for_picker


class ParseOnlyModelForm(forms.ModelForm):
    """A ModelForm that parses and checks input only: the service validates the model and
    the business rules, so page, API and imports report the same errors."""

    def _post_clean(self):
        pass


class UnitForm(ParseOnlyModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "decimal_places"]


class ConversionLineForm(ParseOnlyModelForm):
    """One line of the inline conversion grid (1 from_unit = factor × to_unit)."""

    class Meta:
        model = UnitConversion
        fields = ["from_unit", "to_unit", "factor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("from_unit", "to_unit"):
            self.fields[name].queryset = units_for_picker(getattr(self.instance, name, None))
            self.fields[name].label_from_instance = lambda u: f"{u.code} {u.name}"
        use_pickers(self, from_unit="unit", to_unit="unit")


ConversionFormSet = forms.formset_factory(ConversionLineForm, extra=0, can_delete=True)

"""The type-ahead picker widget (htmx autocomplete on code, name and specification) used for
material, customer, supplier, unit, warehouse and location fields in forms and lines.

The field stays a ModelChoiceField (its queryset validates the posted id); the widget only
replaces the <select> that would list every record, which is unusable with 50,000
materials."""

from django import forms
from django.urls import reverse

from erp.masterdata.selectors_pickers import PICKERS, picker_option


class Picker(forms.Widget):
    template_name = "masterdata/pickers/widget.html"

    def __init__(self, kind: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["option"] = picker_option(self.kind, value) if value else None
        context["widget"]["url"] = reverse("masterdata:picker", args=[self.kind])
        context["widget"]["placeholder"] = PICKERS[self.kind].placeholder
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None


def use_pickers(form: forms.BaseForm, **kinds: str) -> None:
    """Swap the named fields' widgets for pickers: use_pickers(form, material="material")."""
    for name, kind in kinds.items():
        form.fields[name].widget = Picker(kind)

"""Header and line forms of kit documents. Forms check input shape only; services decide.

A document's forms subclass these and declare their fields; a choice of a record (a
ModelChoiceField, or a picker) travels to the service as `<name>_id`, everything else under
its own name, so `as_header()` / `as_line()` give exactly what the create/update services and
the API take."""

from django import forms
from django.utils import timezone


def _payload(form: forms.Form) -> dict:
    data = {}
    for name, field in form.fields.items():
        if name == "DELETE" or name not in form.cleaned_data:
            continue
        value = form.cleaned_data[name]
        if isinstance(field, forms.ModelChoiceField) and not isinstance(
            field, forms.ModelMultipleChoiceField
        ):
            data[f"{name}_id"] = value.pk if value is not None else None
        else:
            data[name] = value
    return data


def _initial(form_class: type[forms.Form], obj) -> dict:
    initial = {}
    for name in form_class.base_fields:
        if name == "DELETE":
            continue
        attname = f"{name}_id" if hasattr(obj, f"{name}_id") else name
        if hasattr(obj, attname):
            value = getattr(obj, attname)
            initial[name] = list(value.all()) if hasattr(value, "all") else value
    return initial


class KitHeaderForm(forms.Form):
    """`user` is who fills the form in (a field may depend on their permissions)."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_new(cls, user) -> dict:
        """Initial values of a new draft."""
        return {"date": timezone.localdate()}

    def as_header(self) -> dict:
        return _payload(self)

    @classmethod
    def initial_from(cls, doc) -> dict:
        return _initial(cls, doc)


class KitLineForm(forms.Form):
    def as_line(self) -> dict:
        return _payload(self)

    @classmethod
    def initial_from(cls, line) -> dict:
        return _initial(cls, line)


def line_formset_class(line_form: type[forms.Form], max_lines: int):
    return forms.formset_factory(line_form, extra=0, can_delete=True, max_num=max_lines)

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.approvals.contract import doc_type_choices, rule_field_kinds
from erp.approvals.states import AssigneeKind, Operator, StepMode
from erp.iam.models import Role, User


def _bootstrap(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        widget = field.widget
        css = (
            "form-check-input"
            if isinstance(widget, forms.CheckboxInput)
            else ("form-select" if isinstance(widget, forms.Select) else "form-control")
        )
        widget.attrs.setdefault("class", css)
    return form


class RuleForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"))
    name = forms.CharField(label=_("Name"), max_length=100)
    priority = forms.IntegerField(
        label=_("Priority"), initial=10, help_text=_("The highest matching priority wins.")
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = doc_type_choices()
        _bootstrap(self)


class ConditionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), required=False)
    operator = forms.ChoiceField(label=_("Operator"), choices=Operator.choices, required=False)
    value = forms.CharField(
        label=pgettext_lazy("approval rule", "Value"),
        max_length=200,
        required=False,
        help_text=_("For “is one of”, separate codes with commas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "—")] + [
            (k, str(label)) for k, (_kind, label) in rule_field_kinds().items()
        ]
        _bootstrap(self)


class StepForm(forms.Form):
    name = forms.CharField(label=_("Step name"), max_length=100, required=False)
    assignee_kind = forms.ChoiceField(
        label=_("Assignee"), choices=[("", "—"), *AssigneeKind.choices], required=False
    )
    role_code = forms.ChoiceField(label=_("Role"), required=False)
    user = forms.ModelChoiceField(
        label=_("User"), queryset=User.objects.filter(is_active=True), required=False
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=StepMode.choices, initial=StepMode.ANY)
    overdue_hours = forms.IntegerField(
        label=_("Overdue after (hours)"), min_value=1, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role_code"].choices = [("", "—")] + [
            (r.code, str(r)) for r in Role.objects.all()
        ]
        _bootstrap(self)


ConditionFormSet = formset_factory(ConditionForm, extra=2)
StepFormSet = formset_factory(StepForm, extra=1)


class DecideForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", ""), ("reject", ""), ("return", "")])
    comment = forms.CharField(required=False, max_length=2000)


class DelegationForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("Delegate"), queryset=User.objects.filter(is_active=True)
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bootstrap(self)

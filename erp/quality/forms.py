"""Forms of the quality pages. They check input shape only; the services decide."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.core.doc_kit.forms import KitHeaderForm, KitLineForm
from erp.iam.models import User
from erp.inventory.models import Lot
from erp.masterdata.forms.pickers import Picker
from erp.masterdata.models import Customer, Material, MaterialCategory
from erp.quality.models import (
    CharacteristicKind,
    Disposition,
    InspectionLevel,
    InspectionLot,
    InspectionLotState,
    InspectionType,
    NcrState,
    PlanState,
    SamplingScheme,
)

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}
DATE = {"class": "form-control form-control-sm", "type": "date"}
DECIMAL = {**INPUT, "inputmode": "decimal", "class": INPUT["class"] + " text-end"}


class MaterialChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


# --- inspection plan ---------------------------------------------------------------------------


class PlanHeaderForm(KitHeaderForm):
    name = forms.CharField(label=_("Plan name"), max_length=100, widget=forms.TextInput(INPUT))
    inspection_type = forms.ChoiceField(
        label=_("Inspection type"), choices=InspectionType.choices, widget=forms.Select(SELECT)
    )
    material = MaterialChoice(
        label=_("Material"),
        required=False,
        queryset=Material.objects.filter(active=True).order_by("code"),
        widget=Picker("material"),
    )
    category = forms.ModelChoiceField(
        label=_("Material category"),
        required=False,
        queryset=MaterialCategory.objects.filter(active=True).order_by("code"),
        widget=forms.Select(SELECT),
        help_text=_("Either a material or a category: a category plan covers its materials."),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        required=False,
        queryset=Customer.objects.filter(active=True).order_by("code"),
        widget=Picker("customer"),
        help_text=_("Only for a customer's specification: checked before picking, on their COA."),
    )
    date = forms.DateField(label=_("Valid from"), widget=forms.DateInput(DATE))
    sampling = forms.CharField(
        label=_("Sampling"),
        required=False,
        max_length=200,
        widget=forms.TextInput({**INPUT, "placeholder": _("e.g. 3 drums per lot")}),
    )
    sampling_scheme = forms.ChoiceField(
        label=_("Sampling scheme"),
        required=False,
        choices=SamplingScheme.choices,
        widget=forms.Select(SELECT),
    )
    sample_size = forms.IntegerField(
        label=_("Sample size"),
        required=False,
        widget=forms.NumberInput(INPUT),
        help_text=_("For a fixed sample size."),
    )
    aql = forms.DecimalField(
        label=_("AQL"),
        required=False,
        max_digits=8,
        decimal_places=3,
        widget=forms.TextInput({**DECIMAL, "placeholder": "1.0"}),
        help_text=_("For GB/T 2828.1: an AQL of its table, e.g. 0.65, 1.0, 2.5."),
    )
    inspection_level = forms.ChoiceField(
        label=_("Inspection level"),
        choices=InspectionLevel.choices,
        initial=InspectionLevel.II,
        widget=forms.Select(SELECT),
    )
    retest_interval_days = forms.IntegerField(
        label=_("Retest interval (days)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(INPUT),
        help_text=_("A released lot is re-inspected this many days after the decision."),
    )
    retest_blocks_lot = forms.BooleanField(
        label=_("Retest blocks the lot"),
        required=False,
        initial=True,
        help_text=_("While re-inspected, the lot waits in quarantine."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput(INPUT))


class CharacteristicForm(KitLineForm):
    name = forms.CharField(label=_("Characteristic"), max_length=60, widget=forms.TextInput(INPUT))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=CharacteristicKind.choices, widget=forms.Select(SELECT)
    )
    unit = forms.CharField(
        label=_("Unit"), required=False, max_length=20, widget=forms.TextInput(INPUT)
    )
    method = forms.CharField(
        label=_("Method"), required=False, max_length=100, widget=forms.TextInput(INPUT)
    )
    lower_limit = forms.DecimalField(
        label=_("Lower limit"),
        required=False,
        max_digits=20,
        decimal_places=6,
        widget=forms.TextInput(DECIMAL),
    )
    upper_limit = forms.DecimalField(
        label=_("Upper limit"),
        required=False,
        max_digits=20,
        decimal_places=6,
        widget=forms.TextInput(DECIMAL),
    )
    lot_attribute = forms.CharField(
        label=_("Lot attribute"), required=False, max_length=60, widget=forms.TextInput(INPUT)
    )
    hide_on_coa = forms.BooleanField(label=_("Hidden on COA"), required=False)


# --- inspection lot: results and decision ---------------------------------------------------


class ReasonForm(forms.Form):
    """The reason asked next to the reject button."""

    reason = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.TextInput(
            {**INPUT, "placeholder": _("Reason"), "aria-label": _("Reason"), "required": True}
        ),
    )


class SignedForm(forms.Form):
    """A release is signed: the decider re-enters the login password (电子签名)."""

    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(
            {
                **INPUT,
                "placeholder": _("Password (signature)"),
                "aria-label": _("Password (signature)"),
                "autocomplete": "current-password",
            }
        ),
    )


class SignedReasonForm(SignedForm, ReasonForm):
    pass


class PartialMixin(forms.Form):
    """部分放行: the quantity rejected into a child lot; empty releases the whole lot."""

    rejected_quantity = forms.DecimalField(
        required=False,
        max_digits=18,
        decimal_places=4,
        widget=forms.TextInput(
            {
                **DECIMAL,
                "placeholder": _("Rejected quantity (partial release)"),
                "aria-label": _("Rejected quantity (partial release)"),
            }
        ),
    )


class ReleaseForm(SignedForm, PartialMixin):
    """Release: signed; with a rejected quantity it is a partial release, which needs why."""

    reason = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.TextInput({**INPUT, "placeholder": _("Reason"), "aria-label": _("Reason")}),
    )


class ConditionalForm(SignedReasonForm, PartialMixin):
    pass


# --- nonconformance report ---------------------------------------------------------------------


class InspectionLotChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} · {obj.material.code} · {obj.lot.number} ({obj.get_state_display()})"


class NcrHeaderForm(KitHeaderForm):
    inspection_lot = InspectionLotChoice(
        label=_("Inspection lot"),
        queryset=InspectionLot.objects.filter(
            state__in=(InspectionLotState.REJECTED, InspectionLotState.CONDITIONAL)
        )
        .select_related("material", "lot")
        .order_by("-pk"),
        widget=forms.Select(SELECT),
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(DATE))
    description = forms.CharField(
        label=_("Nonconformance"), max_length=300, widget=forms.TextInput(INPUT)
    )
    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=Disposition.choices, widget=forms.Select(SELECT)
    )
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, max_length=300, widget=forms.TextInput(INPUT)
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput(INPUT))


class ActionForm(KitLineForm):
    action = forms.CharField(
        label=_("Corrective action"), max_length=200, widget=forms.TextInput(INPUT)
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        widget=forms.Select(SELECT),
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(DATE))
    done = forms.BooleanField(label=_("Done"), required=False)


# --- list filters ------------------------------------------------------------------------------


def state_filter(states, *, with_type: bool = False):
    """FilterSet class of a quality list: state (and inspection type)."""

    class StateFilter(django_filters.FilterSet):
        state = django_filters.ChoiceFilter(
            label=_("State"), choices=states.choices, widget=forms.Select(SELECT)
        )
        if with_type:
            inspection_type = django_filters.ChoiceFilter(
                label=_("Inspection type"),
                choices=InspectionType.choices,
                widget=forms.Select(SELECT),
            )

        class Meta:
            fields = ["state", *(["inspection_type"] if with_type else [])]

    return StateFilter


PLAN_FILTER = state_filter(PlanState, with_type=True)
INSPECTION_FILTER = state_filter(InspectionLotState, with_type=True)
NCR_FILTER = state_filter(NcrState)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(DATE))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(DATE))


class StockedLotChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return (
            f"{obj.material.code} {obj.material.name} · {obj.number} ({obj.get_status_display()})"
        )


class RetestForm(forms.Form):
    lot = StockedLotChoice(
        label=_("Lot"),
        queryset=Lot.objects.filter(balances__on_hand__gt=0)
        .distinct()
        .select_related("material")
        .order_by("material__code", "number"),
        widget=Picker("lot"),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput({**INPUT, "placeholder": _("e.g. retest date reached")}),
    )


class RetainSampleForm(forms.Form):
    """留样 registered on the due page: lot, quantity and unit, where kept, until when."""

    lot = StockedLotChoice(
        label=_("Lot"),
        queryset=Lot.objects.select_related("material").order_by("material__code", "number"),
        widget=Picker("lot"),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=18, decimal_places=4, widget=forms.TextInput(DECIMAL)
    )
    unit = forms.CharField(label=_("Unit"), max_length=20, widget=forms.TextInput(INPUT))
    location = forms.CharField(
        label=_("Storage place"),
        max_length=100,
        widget=forms.TextInput({**INPUT, "placeholder": _("e.g. retain cabinet A-3")}),
    )
    keep_until = forms.DateField(label=_("Keep until"), widget=forms.DateInput(DATE))


class RetestDateForm(forms.Form):
    """A lot's retest date set by hand (e.g. the supplier's retest date on its COA)."""

    lot = StockedLotChoice(
        label=_("Lot"),
        queryset=Lot.objects.filter(balances__on_hand__gt=0)
        .distinct()
        .select_related("material")
        .order_by("material__code", "number"),
        widget=Picker("lot"),
    )
    retest_on = forms.DateField(label=_("Retest date"), widget=forms.DateInput(DATE))
    blocks = forms.BooleanField(label=_("Retest blocks the lot"), required=False, initial=True)

"""Forms of the production pages. Forms only check input shape; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.core.doc_kit.forms import KitHeaderForm, KitLineForm
from erp.masterdata.forms.pickers import Picker
from erp.masterdata.models import Location, Material, Warehouse, WorkCenter
from erp.production.models import Formula, LineMode
from erp.production.states import FormulaState

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}
NUMBER = {"class": "form-control form-control-sm", "inputmode": "decimal"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


def _materials():
    return Material.objects.filter(active=True).order_by("code")


class FormulaHeaderForm(KitHeaderForm):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=_materials(), widget=Picker("material")
    )
    batch_size = forms.DecimalField(
        label=_("Batch size"),
        max_digits=18,
        decimal_places=4,
        widget=forms.TextInput(attrs={**NUMBER, "data-formula-batch": "1"}),
    )
    yield_pct = forms.DecimalField(
        label=_("Expected yield %"),
        max_digits=9,
        decimal_places=4,
        initial=100,
        widget=forms.TextInput(attrs=NUMBER),
    )
    date = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs=DATE))
    valid_to = forms.DateField(
        label=_("Effective to"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=INPUT)
    )


class FormulaLineForm(KitLineForm):
    material = forms.ModelChoiceField(
        label=_("Component"), queryset=_materials(), widget=Picker("material")
    )
    mode = forms.ChoiceField(
        label=_("Line mode"),
        choices=LineMode.choices,
        initial=LineMode.PERCENTAGE,
        widget=forms.Select(attrs=SELECT),
    )
    percentage = forms.DecimalField(
        label=_("Percentage"),
        required=False,
        max_digits=9,
        decimal_places=4,
        widget=forms.TextInput(attrs=NUMBER),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        max_digits=18,
        decimal_places=4,
        widget=forms.TextInput(attrs=NUMBER),
        help_text=_("Per base batch (absolute), per batch (fixed) or per unit of output"),
    )
    loss_pct = forms.DecimalField(
        label=_("Loss %"),
        required=False,
        max_digits=9,
        decimal_places=4,
        widget=forms.TextInput(attrs=NUMBER),
    )
    potency_attribute = forms.CharField(
        label=_("Potency attribute"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs=INPUT),
        help_text=_("Lot attribute, e.g. assay"),
    )
    potency_target = forms.DecimalField(
        label=_("Potency target"),
        required=False,
        max_digits=9,
        decimal_places=4,
        widget=forms.TextInput(attrs=NUMBER),
    )
    compensates = forms.BooleanField(label=_("Compensating line"), required=False)
    substitute = forms.ModelChoiceField(
        label=_("Substitute"), required=False, queryset=_materials(), widget=Picker("material")
    )
    substitute_ratio = forms.DecimalField(
        label=_("Substitute ratio"),
        required=False,
        max_digits=12,
        decimal_places=6,
        widget=forms.TextInput(attrs=NUMBER),
    )


class FormulaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.product.code} {obj.product.name} V{obj.formula_version} ({obj.number})"


class OrderHeaderForm(KitHeaderForm):
    formula = FormulaChoice(
        label=_("Formula"),
        queryset=Formula.objects.filter(state=FormulaState.RELEASED)
        .select_related("product")
        .order_by("product__code", "-formula_version"),
        widget=forms.Select(attrs=SELECT),
    )
    quantity = forms.DecimalField(
        label=_("Planned quantity"),
        max_digits=18,
        decimal_places=4,
        widget=forms.TextInput(attrs=NUMBER),
    )
    date = forms.DateField(label=_("Planned date"), widget=forms.DateInput(attrs=DATE))
    issue_warehouse = forms.ModelChoiceField(
        label=_("Issue warehouse"),
        queryset=Warehouse.objects.filter(active=True).order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    output_location = forms.ModelChoiceField(
        label=_("Output location"),
        queryset=Location.objects.filter(active=True)
        .select_related("warehouse")
        .order_by("warehouse__code", "code"),
        widget=forms.Select(attrs=SELECT),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=INPUT)
    )


class OutputForm(forms.Form):
    """The quantity actually made, shown next to the "report output" button."""

    output_quantity = forms.DecimalField(
        label=_("Output quantity"),
        max_digits=18,
        decimal_places=4,
        min_value=0,
        widget=forms.TextInput(
            attrs={**NUMBER, "placeholder": _("Output quantity"), "required": True}
        ),
    )


class ReturnForm(forms.Form):
    move_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.DecimalField(max_digits=18, decimal_places=4, min_value=0)


def state_filter(states):
    """FilterSet of a production list: state and date range."""
    import django_filters

    class StateFilter(django_filters.FilterSet):
        state = django_filters.ChoiceFilter(
            label=_("State"), choices=states.choices, widget=forms.Select(attrs=SELECT)
        )
        date_from = django_filters.DateFilter(
            field_name="date",
            lookup_expr="gte",
            label=_("From"),
            widget=forms.DateInput(attrs=DATE),
        )
        date_to = django_filters.DateFilter(
            field_name="date", lookup_expr="lte", label=_("To"), widget=forms.DateInput(attrs=DATE)
        )

        class Meta:
            fields = ["state", "date_from", "date_to"]

    return StateFilter


class RoutingHeaderForm(KitHeaderForm):
    formula = FormulaChoice(
        label=_("Formula"),
        queryset=Formula.objects.exclude(state=FormulaState.CANCELLED)
        .select_related("product")
        .order_by("product__code", "-formula_version"),
        widget=forms.Select(attrs=SELECT),
    )
    date = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=INPUT)
    )


class RoutingLineForm(KitLineForm):
    name = forms.CharField(
        label=_("Operation"), max_length=100, widget=forms.TextInput(attrs=INPUT)
    )
    work_center = forms.ModelChoiceField(
        label=_("Work centre"),
        queryset=WorkCenter.objects.filter(active=True).order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    setup_hours = forms.DecimalField(
        label=_("Setup hours"),
        required=False,
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs=NUMBER),
    )
    run_hours = forms.DecimalField(
        label=_("Run hours per batch"),
        max_digits=9,
        decimal_places=2,
        widget=forms.TextInput(attrs=NUMBER),
    )
    instructions = forms.CharField(
        label=_("Instructions"), required=False, max_length=500, widget=forms.TextInput(attrs=INPUT)
    )

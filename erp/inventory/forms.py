"""Forms of the inventory document pages. Forms only check input shape; services decide."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.core.doc_kit.forms import KitHeaderForm, KitLineForm
from erp.inventory.models import Lot
from erp.inventory.states import IssueReason, LotStatus
from erp.masterdata.forms.pickers import Picker
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


def _materials():
    return Material.objects.filter(active=True).order_by("code")


def _locations():
    return (
        Location.objects.filter(active=True)
        .select_related("warehouse")
        .order_by("warehouse__code", "code")
    )


class LocationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.warehouse.code}/{obj.code} {obj.name}"


class MaterialChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name} {obj.specification}".strip()


class LotChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        expiry = f" ({obj.expiry_date:%Y-%m-%d})" if obj.expiry_date else ""
        return f"{obj.material.code} · {obj.number}{expiry} {obj.get_status_display()}"


# --- headers -----------------------------------------------------------------------------


class DocumentHeaderForm(KitHeaderForm):
    date = forms.DateField(label=_("Posting date"), widget=forms.DateInput(attrs=DATE))
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(active=True).order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.TextInput(attrs=INPUT), max_length=500
    )


class IssueHeaderForm(DocumentHeaderForm):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=IssueReason.choices, widget=forms.Select(attrs=SELECT)
    )


class TransferHeaderForm(DocumentHeaderForm):
    to_warehouse = forms.ModelChoiceField(
        label=_("To warehouse"),
        required=False,
        queryset=Warehouse.objects.filter(active=True).order_by("code"),
        widget=forms.Select(attrs=SELECT),
        help_text=_("Leave empty for a move between bins of the same warehouse."),
    )


class ScrapHeaderForm(DocumentHeaderForm):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput(attrs=INPUT))


HEADER_FORMS = {
    "otherreceipt": DocumentHeaderForm,
    "otherissue": IssueHeaderForm,
    "transfer": TransferHeaderForm,
    "scrap": ScrapHeaderForm,
}


# --- lines -------------------------------------------------------------------------------


class LineForm(KitLineForm):
    # The type-ahead picker: a select listing 50,000 materials is unusable.
    material = MaterialChoice(label=_("Material"), queryset=_materials(), widget=Picker("material"))
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=18,
        decimal_places=4,
        min_value=0,
        widget=forms.TextInput(
            attrs={**INPUT, "inputmode": "decimal", "class": INPUT["class"] + " text-end"}
        ),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=Unit.objects.filter(active=True).order_by("code"),
        widget=forms.Select(attrs=SELECT),
        help_text=_("Empty: the material's base unit."),
    )


def _lot_field(required: bool = False):
    # A type-ahead picker, never a <select> of every lot (thousands in a year).
    return LotChoice(
        label=_("Lot"),
        required=required,
        queryset=Lot.objects.select_related("material"),
        widget=Picker("lot"),
    )


def _location_field(label):
    return LocationChoice(label=label, queryset=_locations(), widget=forms.Select(attrs=SELECT))


class ReceiptLineForm(LineForm):
    location = _location_field(_("Location"))
    lot_number = forms.CharField(
        label=_("Lot number"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={**INPUT, "placeholder": _("empty: numbered")}),
    )
    supplier_lot = forms.CharField(
        label=_("Supplier lot"), required=False, max_length=60, widget=forms.TextInput(attrs=INPUT)
    )
    production_date = forms.DateField(
        label=_("Production date"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    expiry_date = forms.DateField(
        label=_("Expiry date"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    unit_cost = forms.DecimalField(
        label=_("Unit cost"),
        max_digits=18,
        decimal_places=6,
        min_value=0,
        initial=0,
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "decimal"}),
    )


class IssueLineForm(LineForm):
    location = _location_field(_("Location"))
    lot = _lot_field()


class TransferLineForm(LineForm):
    from_location = _location_field(_("From location"))
    to_location = _location_field(_("To location"))
    lot = _lot_field()


LINE_FORMS = {
    "otherreceipt": ReceiptLineForm,
    "otherissue": IssueLineForm,
    "transfer": TransferLineForm,
    "scrap": IssueLineForm,
}


# --- stock count -------------------------------------------------------------------------


class StockCountForm(KitHeaderForm):
    date = forms.DateField(label=_("Count date"), widget=forms.DateInput(attrs=DATE))
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(active=True).order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"),
        required=False,
        queryset=_locations(),
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 5}),
        help_text=_("Empty: every location of the warehouse."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Material categories"),
        required=False,
        queryset=MaterialCategory.objects.order_by("code"),
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 5}),
        help_text=_("Empty: every material."),
    )
    blind = forms.BooleanField(
        label=_("Blind count (hide book quantities from counters)"), required=False
    )
    tolerance_percent = forms.DecimalField(
        label=_("Tolerance (%)"),
        max_digits=6,
        decimal_places=2,
        min_value=0,
        max_value=100,
        initial=0,
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "decimal"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput(attrs=INPUT))

    def as_header(self) -> dict:
        d = self.cleaned_data
        return {
            "date": d["date"],
            "warehouse_id": d["warehouse"].pk,
            "location_ids": [loc.pk for loc in d["locations"]],
            "category_ids": [c.pk for c in d["categories"]],
            "blind": d["blind"],
            "tolerance_percent": d["tolerance_percent"],
            "note": d["note"],
        }


class LotStatusForm(forms.Form):
    lot = _lot_field(required=True)
    status = forms.ChoiceField(
        label=_("New status"), choices=LotStatus.choices, widget=forms.Select(attrs=SELECT)
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.TextInput(attrs={**INPUT, "placeholder": _("e.g. inspection QC-2026-031")}),
    )


# --- list filters ------------------------------------------------------------------------


def document_filter(states):
    """FilterSet class for a document list: state, date range, warehouse."""

    class DocumentFilter(django_filters.FilterSet):
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
        warehouse = django_filters.ModelChoiceFilter(
            label=_("Warehouse"),
            queryset=Warehouse.objects.order_by("code"),
            widget=forms.Select(attrs=SELECT),
        )

        class Meta:
            fields = ["state", "date_from", "date_to", "warehouse"]

    return DocumentFilter


class FoundStockForm(forms.Form):
    """Stock on the shelf that the count's snapshot does not list (phone entry page)."""

    material = MaterialChoice(
        label=_("Material"), queryset=_materials(), widget=forms.Select(attrs=SELECT)
    )
    location = LocationChoice(
        label=_("Location"), queryset=_locations(), widget=forms.Select(attrs=SELECT)
    )
    lot_number = forms.CharField(
        label=_("Lot number"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"}),
        help_text=_("As on the label; required for batch-managed materials."),
    )
    quantity = forms.DecimalField(
        label=_("Counted quantity"),
        min_value=0,
        max_digits=18,
        decimal_places=4,
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            scope = list(count.locations.all())
            self.fields["location"].queryset = (
                _locations().filter(pk__in=[loc.pk for loc in scope])
                if scope
                else _locations().filter(warehouse_id=count.warehouse_id)
            )
            categories = list(count.categories.all())
            if categories:
                self.fields["material"].queryset = _materials().filter(category__in=categories)

    def as_line(self) -> dict:
        d = self.cleaned_data
        return {
            "material_id": d["material"].pk,
            "location_id": d["location"].pk,
            "lot_number": d["lot_number"].strip(),
            "counted_quantity": d["quantity"],
        }

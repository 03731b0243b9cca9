"""Forms of the purchasing document pages. Forms only check input shape; services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.doc_kit.forms import KitHeaderForm, KitLineForm
from erp.masterdata.forms.pickers import Picker
from erp.masterdata.models import Location, Material, Supplier, Warehouse
from erp.masterdata.vat import VatRate
from erp.purchasing.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine
from erp.purchasing.states import OrderState, ReceiptState

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}
NUMBER = {"class": "form-control form-control-sm text-end", "inputmode": "decimal"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE))


def _note():
    return forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=INPUT)
    )


def _supplier():
    return forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.all(), widget=Picker("supplier")
    )


def _warehouse(required=True, label=None):
    return forms.ModelChoiceField(
        label=label or _("Warehouse"),
        required=required,
        queryset=Warehouse.objects.filter(active=True).order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )


def _quantity():
    return forms.DecimalField(
        label=_("Quantity"),
        max_digits=18,
        decimal_places=4,
        min_value=0,
        widget=forms.TextInput(attrs=NUMBER),
    )


def _vat_rate():
    return forms.ChoiceField(
        label=_("VAT rate"),
        required=False,
        choices=[("", _("Material's rate")), *VatRate.choices],
        widget=forms.Select(attrs=SELECT),
    )


class MaterialChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class OrderLineChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        open_label = _("open quantity")
        return (
            f"{obj.document.number} #{obj.line_no} {obj.material.code} {obj.material.name} "
            f"({open_label} {obj.open_quantity.normalize():f})"
        )


class ReceiptLineChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        lot = obj.lot.number if obj.lot_id else ""
        qty = f"{obj.quantity.normalize():f}"
        return f"{obj.document.number} #{obj.line_no} {obj.material.code} {lot} × {qty}"


class LocationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.warehouse.code}/{obj.code} {obj.name}"


# --- order ----------------------------------------------------------------------------------


class OrderHeaderForm(KitHeaderForm):
    date = _date(_("Order date"))
    supplier = _supplier()
    warehouse = _warehouse(required=False, label=_("Receiving warehouse"))
    note = _note()


class OrderLineForm(KitLineForm):
    material = MaterialChoice(
        label=_("Material"),
        queryset=Material.objects.filter(active=True).order_by("code"),
        widget=Picker("material"),
    )
    quantity = _quantity()
    price = forms.DecimalField(
        label=_("Unit price"),
        required=False,
        max_digits=18,
        decimal_places=4,
        min_value=0,
        widget=forms.TextInput(
            attrs={**NUMBER, "placeholder": _("empty: price list or last price")}
        ),
    )
    price_includes_tax = forms.TypedChoiceField(
        label=_("Price basis"),
        choices=[(True, _("Incl. tax")), (False, _("Excl. tax"))],
        coerce=lambda v: v in (True, "True"),
        initial=True,
        widget=forms.Select(attrs=SELECT),
    )
    vat_rate = _vat_rate()
    expected_date = _date(_("Expected date"), required=False)


class PriceHeaderForm(KitHeaderForm):
    supplier = _supplier()
    material = MaterialChoice(
        label=_("Material"),
        queryset=Material.objects.filter(active=True).order_by("code"),
        widget=Picker("material"),
    )
    date = _date(_("Valid from"))
    valid_to = _date(_("Valid to"), required=False)
    price_includes_tax = forms.TypedChoiceField(
        label=_("Price basis"),
        choices=[(True, _("Incl. tax")), (False, _("Excl. tax"))],
        coerce=lambda v: v in (True, "True"),
        initial=True,
        widget=forms.Select(attrs=SELECT),
    )
    note = _note()


class PriceBreakForm(KitLineForm):
    min_quantity = forms.DecimalField(
        label=_("From quantity"),
        max_digits=18,
        decimal_places=4,
        min_value=0,
        widget=forms.TextInput(attrs=NUMBER),
    )
    price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=18,
        decimal_places=4,
        min_value=0,
        widget=forms.TextInput(attrs=NUMBER),
    )


class HistoryFilterForm(forms.Form):
    """The price history page's choice of supplier and material (either may stay empty)."""

    supplier = forms.ModelChoiceField(
        label=_("Supplier"),
        required=False,
        queryset=Supplier.objects.all(),
        widget=Picker("supplier"),
    )
    material = MaterialChoice(
        label=_("Material"),
        required=False,
        queryset=Material.objects.all(),
        widget=Picker("material"),
    )


class PerformanceForm(forms.Form):
    """The supplier performance period (receipt and invoice dates, both days included)."""

    date_from = _date(_("From"), required=False)
    date_to = _date(_("To"), required=False)

    def period(self):
        """(from, to): the form's dates, else 1 January of this year to today."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        date_from = data.get("date_from") or today.replace(month=1, day=1)
        date_to = data.get("date_to") or today
        return (date_from, date_to) if date_from <= date_to else (date_to, date_from)


# --- goods receipt --------------------------------------------------------------------------


class ReceiptHeaderForm(KitHeaderForm):
    date = _date(_("Receipt date"))
    supplier = _supplier()
    warehouse = _warehouse()
    order = forms.ModelChoiceField(
        label=_("Purchase order"),
        required=False,
        queryset=PurchaseOrder.objects.filter(state=OrderState.APPROVED).order_by("-date", "-pk"),
        widget=forms.Select(attrs=SELECT),
    )
    note = _note()


class ReceiptLineForm(KitLineForm):
    order_line = OrderLineChoice(
        label=_("Order line"),
        queryset=PurchaseOrderLine.objects.filter(document__state=OrderState.APPROVED)
        .select_related("document", "material")
        .order_by("-document_id", "line_no"),
        widget=forms.Select(attrs=SELECT),
    )
    location = LocationChoice(
        label=_("Location"),
        required=False,
        queryset=Location.objects.filter(active=True)
        .select_related("warehouse")
        .order_by("warehouse__code", "code"),
        widget=forms.Select(attrs=SELECT),
    )
    quantity = _quantity()
    supplier_lot = forms.CharField(
        label=_("Supplier lot"), required=False, max_length=60, widget=forms.TextInput(attrs=INPUT)
    )
    production_date = _date(_("Production date"), required=False)
    expiry_date = _date(_("Expiry date"), required=False)


# --- invoice and return ---------------------------------------------------------------------


def _receipt_lines():
    return (
        GoodsReceiptLine.objects.filter(document__state=ReceiptState.POSTED)
        .select_related("document", "material", "lot")
        .order_by("-document_id", "line_no")
    )


class InvoiceHeaderForm(KitHeaderForm):
    date = _date(_("Invoice date"))
    supplier = _supplier()
    invoice_no = forms.CharField(
        label=_("VAT invoice number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs=INPUT),
    )
    note = _note()


class InvoiceLineForm(KitLineForm):
    receipt_line = ReceiptLineChoice(
        label=_("Receipt line"), queryset=_receipt_lines(), widget=forms.Select(attrs=SELECT)
    )
    quantity = _quantity()
    price = forms.DecimalField(
        label=_("Unit price excl. tax"),
        max_digits=18,
        decimal_places=4,
        min_value=0,
        widget=forms.TextInput(attrs=NUMBER),
    )
    vat_rate = _vat_rate()


class ReturnHeaderForm(KitHeaderForm):
    date = _date(_("Return date"))
    supplier = _supplier()
    receipt = forms.ModelChoiceField(
        label=_("Goods receipt"),
        required=False,
        queryset=GoodsReceipt.objects.filter(state=ReceiptState.POSTED).order_by("-date", "-pk"),
        widget=forms.Select(attrs=SELECT),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT)
    )
    note = _note()


class ReturnLineForm(KitLineForm):
    receipt_line = ReceiptLineChoice(
        label=_("Receipt line"), queryset=_receipt_lines(), widget=forms.Select(attrs=SELECT)
    )
    quantity = _quantity()


def document_filter(states):
    """FilterSet class of a purchasing list: state, date range, supplier."""
    import django_filters

    class PurchasingFilter(django_filters.FilterSet):
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

    return PurchasingFilter


class RequisitionHeaderForm(KitHeaderForm):
    date = _date(_("Date"))
    note = _note()


class RequisitionLineForm(KitLineForm):
    material = MaterialChoice(
        label=_("Material"),
        queryset=Material.objects.filter(active=True).order_by("code"),
        widget=Picker("material"),
    )
    quantity = _quantity()
    needed_date = _date(_("Needed by"), required=False)
    supplier = forms.ModelChoiceField(
        label=_("Suggested supplier"),
        required=False,
        queryset=Supplier.objects.all(),
        widget=Picker("supplier"),
    )
    note = _note()

"""Forms of the sales document pages: shape only, the services decide."""

import datetime as dt

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from erp.core.doc_kit.forms import KitHeaderForm, KitLineForm
from erp.inventory.models import Lot
from erp.masterdata.forms.pickers import Picker
from erp.masterdata.models import Customer, Location, Material, Warehouse
from erp.masterdata.vat import VatRate
from erp.sales.models import (
    DeliveryNote,
    DeliveryNoteLine,
    FapiaoType,
    QuotationState,
    SalesDocState,
    SalesOrder,
    SalesOrderLine,
    SalesOrderState,
    SalesQuotation,
)

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}
NUMBER = {**INPUT, "inputmode": "decimal", "class": INPUT["class"] + " text-end"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE))


def _note():
    return forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.TextInput(attrs=INPUT)
    )


def _decimal(label, places=4, required=True, initial=None):
    return forms.DecimalField(
        label=label,
        max_digits=18,
        decimal_places=places,
        required=required,
        initial=initial,
        widget=forms.TextInput(attrs=NUMBER),
    )


class DocChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} {obj.customer.name}"


# --- sales order ----------------------------------------------------------------------------------


class OrderHeaderForm(KitHeaderForm):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.filter(active=True).order_by("code"),
        widget=Picker("customer"),
    )
    date = _date(_("Order date"))
    price_includes_tax = forms.BooleanField(
        label=_("Prices include VAT"), required=False, initial=True
    )
    customer_reference = forms.CharField(
        label=_("Customer PO number"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs=INPUT),
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={**INPUT, "placeholder": _("empty: the customer's default")}),
    )
    note = _note()

    @classmethod
    def initial_new(cls, user) -> dict:
        return {**super().initial_new(user), "price_includes_tax": True}


class OrderLineForm(KitLineForm):
    material = forms.ModelChoiceField(
        label=_("Material"),
        queryset=Material.objects.filter(active=True).order_by("code"),
        widget=Picker("material"),
    )
    quantity = _decimal(_("Quantity"))
    unit_price = _decimal(_("Unit price"))
    vat_rate = forms.ChoiceField(
        label=_("VAT rate"),
        required=False,
        choices=[("", _("Material's rate")), *VatRate.choices],
        widget=forms.Select(attrs=SELECT),
    )
    discount_pct = _decimal(_("Discount %"), places=2, required=False, initial=0)
    requested_date = _date(_("Requested date"), required=False)
    min_remaining_days = forms.IntegerField(
        label=_("Min. shelf life left (days)"),
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs=NUMBER),
    )


class OrderFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=SalesOrderState.choices, widget=forms.Select(attrs=SELECT)
    )
    customer = django_filters.ModelChoiceFilter(
        label=_("Customer"),
        queryset=Customer.objects.order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = SalesOrder
        fields = ["state", "customer"]


# --- sales quotation ------------------------------------------------------------------------------


class QuotationHeaderForm(KitHeaderForm):
    customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.filter(active=True).order_by("code"),
        widget=Picker("customer"),
    )
    date = _date(_("Quotation date"))
    valid_until = _date(_("Valid until"))
    price_includes_tax = forms.BooleanField(
        label=_("Prices include VAT"), required=False, initial=True
    )
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=INPUT),
    )
    note = _note()

    @classmethod
    def initial_new(cls, user) -> dict:
        """Prices hold for 30 days unless the salesperson says otherwise."""
        initial = super().initial_new(user)
        return {
            **initial,
            "price_includes_tax": True,
            "valid_until": initial["date"] + dt.timedelta(days=30),
        }


class QuotationLineForm(KitLineForm):
    material = OrderLineForm.base_fields["material"]
    quantity = _decimal(_("Quantity"))
    unit_price = _decimal(_("Unit price"))
    vat_rate = OrderLineForm.base_fields["vat_rate"]
    discount_pct = _decimal(_("Discount %"), places=2, required=False, initial=0)


class QuotationFilter(OrderFilter):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=QuotationState.choices, widget=forms.Select(attrs=SELECT)
    )

    class Meta:
        model = SalesQuotation
        fields = ["state", "customer"]


def _reason_form(label):
    """A required reason typed next to a transition's button (close short, mark lost)."""
    field = forms.CharField(
        required=True,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm w-auto",
                "placeholder": label,
                "aria-label": label,
            }
        ),
    )
    return type("ReasonForm", (forms.Form,), {"reason": field})


LoseForm = _reason_form(_("Lost reason"))
CloseForm = _reason_form(_("Close reason"))


def doc_filter(model):
    class DocFilter(django_filters.FilterSet):
        state = django_filters.ChoiceFilter(
            label=_("State"), choices=SalesDocState.choices, widget=forms.Select(attrs=SELECT)
        )
        customer = django_filters.ModelChoiceFilter(
            label=_("Customer"),
            queryset=Customer.objects.order_by("code"),
            widget=forms.Select(attrs=SELECT),
        )

        class Meta:
            fields = ["state", "customer"]

    DocFilter.Meta.model = model
    return DocFilter


# --- delivery note --------------------------------------------------------------------------------


class DeliveryHeaderForm(KitHeaderForm):
    order = DocChoice(
        label=_("Sales order"),
        queryset=SalesOrder.objects.filter(state=SalesOrderState.APPROVED)
        .select_related("customer")
        .order_by("-date", "-pk"),
        widget=forms.Select(attrs=SELECT),
    )
    warehouse = forms.ModelChoiceField(
        label=_("Warehouse"),
        queryset=Warehouse.objects.filter(active=True).order_by("code"),
        widget=forms.Select(attrs=SELECT),
    )
    date = _date(_("Delivery date"))
    delivery_address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={**INPUT, "placeholder": _("empty: the order's address")}),
    )
    note = _note()


class OrderLineChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        left = (obj.quantity - obj.delivered_qty).normalize()
        return f"{obj.document.reference} #{obj.line_no} {obj.material.code} ({left:f})"


class DeliveryLineForm(KitLineForm):
    order_line = OrderLineChoice(
        label=_("Order line"),
        queryset=SalesOrderLine.objects.filter(document__state=SalesOrderState.APPROVED)
        .select_related("document", "material")
        .order_by("-document_id", "line_no"),
        widget=forms.Select(attrs=SELECT),
    )
    quantity = _decimal(_("Quantity"))
    lot = forms.ModelChoiceField(
        label=_("Lot (empty: FEFO)"),
        required=False,
        queryset=Lot.objects.filter(status="released").order_by("material_id", "expiry_date"),
        widget=Picker("lot"),
    )


# --- invoice and return -------------------------------------------------------------------------


class DeliveryChoice(DocChoice):
    pass


def _posted_deliveries():
    return (
        DeliveryNote.objects.filter(state=SalesDocState.POSTED)
        .select_related("customer")
        .order_by("-date", "-pk")
    )


class DeliveryLineChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.document.reference} #{obj.line_no} {obj.material.code} ({obj.quantity:f})"


def _delivery_lines():
    return (
        DeliveryNoteLine.objects.filter(document__state=SalesDocState.POSTED)
        .select_related("document", "material")
        .order_by("-document_id", "line_no")
    )


class InvoiceHeaderForm(KitHeaderForm):
    delivery = DeliveryChoice(
        label=_("Delivery note"), queryset=_posted_deliveries(), widget=forms.Select(attrs=SELECT)
    )
    date = _date(_("Invoice date"))
    fapiao_type = forms.ChoiceField(
        label=_("Fapiao type"), choices=FapiaoType.choices, widget=forms.Select(attrs=SELECT)
    )
    fapiao_number = forms.CharField(
        label=_("Fapiao number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={**INPUT, "inputmode": "numeric"}),
    )
    fapiao_date = _date(_("Fapiao date"), required=False)
    note = _note()


class InvoiceLineForm(KitLineForm):
    delivery_line = DeliveryLineChoice(
        label=_("Delivery line"), queryset=_delivery_lines(), widget=forms.Select(attrs=SELECT)
    )
    quantity = _decimal(_("Quantity"))


class ReturnHeaderForm(KitHeaderForm):
    delivery = DeliveryChoice(
        label=_("Delivery note"), queryset=_posted_deliveries(), widget=forms.Select(attrs=SELECT)
    )
    location = forms.ModelChoiceField(
        label=_("Receiving location"),
        required=False,
        queryset=Location.objects.filter(active=True).order_by("warehouse_id", "code"),
        widget=forms.Select(attrs=SELECT),
    )
    date = _date(_("Return date"))
    reason = forms.CharField(
        label=_("Return reason"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
    )
    note = _note()


class ReturnLineForm(KitLineForm):
    delivery_line = DeliveryLineChoice(
        label=_("Delivery line"), queryset=_delivery_lines(), widget=forms.Select(attrs=SELECT)
    )
    quantity = _decimal(_("Quantity"))


class FapiaoForm(forms.Form):
    """The fapiao number and date, shown next to the "register fapiao" button."""

    fapiao_number = forms.CharField(
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm w-auto",
                "size": 20,
                "inputmode": "numeric",
                "placeholder": _("Fapiao number"),
                "aria-label": _("Fapiao number"),
            }
        ),
    )
    fapiao_date = forms.DateField(
        required=False,
        widget=forms.DateInput(
            attrs={**DATE, "class": DATE["class"] + " w-auto", "aria-label": _("Fapiao date")}
        ),
    )

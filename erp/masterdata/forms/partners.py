"""Forms of customers, suppliers and payment terms: they parse input only; the services in
erp.masterdata.services.partners validate and apply the rules."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from erp.masterdata.forms.pickers import use_pickers
from erp.masterdata.forms.units import ParseOnlyModelForm
from erp.masterdata.models import (
    Customer,
    CustomerAddress,
    CustomerContact,
    Material,
    PaymentTerm,
    Supplier,
    SupplierMaterial,
)
from erp.masterdata.selectors_partners import payment_terms_for_picker

INVOICE_FIELDS = ["invoice_title", "invoice_address", "invoice_phone", "bank_name", "bank_account"]


class _PartnerForm(ParseOnlyModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.payment_term if self.instance.pk else None
        self.fields["payment_term"].queryset = payment_terms_for_picker(current)
        self.fields["uscc"].help_text = _("18 characters, as on the business licence.")


class CustomerForm(_PartnerForm):
    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "uscc",
            "payment_term",
            "credit_limit",
            "salesperson",
            *INVOICE_FIELDS,
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["salesperson"].queryset = users


class SupplierForm(_PartnerForm):
    class Meta:
        model = Supplier
        fields = ["code", "name", "uscc", "payment_term", "approval_status", *INVOICE_FIELDS]


class PaymentTermForm(ParseOnlyModelForm):
    class Meta:
        model = PaymentTerm
        fields = ["code", "name", "days"]


class _LineForm(ParseOnlyModelForm):
    """A line keeps its row id so an edited line updates in place."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ContactLineForm(_LineForm):
    class Meta:
        model = CustomerContact
        fields = ["name", "position", "phone", "email", "is_primary"]


class AddressLineForm(_LineForm):
    class Meta:
        model = CustomerAddress
        fields = ["label", "address", "contact_name", "phone", "is_default"]


class SuppliedMaterialLineForm(_LineForm):
    class Meta:
        model = SupplierMaterial
        fields = ["material", "supplier_code", "lead_time_days", "is_preferred"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any material validates here, so a line whose material was deactivated later can
        # still be saved; the picker offers active ones and the service refuses adding an
        # inactive one.
        self.fields["material"].queryset = Material.objects.all()
        use_pickers(self, material="material")


ContactFormSet = forms.formset_factory(ContactLineForm, extra=0, can_delete=True)
AddressFormSet = forms.formset_factory(AddressLineForm, extra=0, can_delete=True)
SuppliedMaterialFormSet = forms.formset_factory(SuppliedMaterialLineForm, extra=0, can_delete=True)

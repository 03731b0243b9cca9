"""Forms of core pages. Forms only check input; saving goes through services."""

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from erp.core.validators import validate_logo, validate_uscc


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        validators=[validate_uscc],
        help_text=_("18 characters, as printed on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"),
        choices=list(MONTHS.items()),
        coerce=int,
        initial=1,
    )
    system_vouchers_need_review = forms.BooleanField(
        label=_("System vouchers need review before the month is closed"),
        required=False,
        help_text=_(
            "Vouchers posted by stock documents, receipts and expense claims post directly and "
            "show 审核 empty until reviewed. Tick to block the month-end close while any of "
            "them is unreviewed."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        validators=[validate_logo],
        help_text=_("PNG or JPEG, at most 1 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    def clean_uscc(self) -> str:
        return self.cleaned_data["uscc"].strip().upper()

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

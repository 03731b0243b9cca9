"""Forms of the set-up wizard and the go-live cockpit (plain forms: only what a page sets)."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.validators import validate_logo, validate_uscc

STANDARDS = [
    ("enterprise", _("企业会计准则 (Accounting Standards for Business Enterprises)")),
    ("small", _("小企业会计准则 (Accounting Standards for Small Business Enterprises)")),
]


def next_month() -> str:
    today = timezone.localdate()
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first.strftime("%Y-%m")


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month input); cleans to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})

    def clean(self, value):
        text = super().clean(value)
        try:
            return dt.datetime.strptime(text.strip(), "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-10.")) from None


class SetupForm(forms.Form):
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        validators=[validate_uscc],
        help_text=_("18 characters, as on the business licence."),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        validators=[validate_logo],
        help_text=_("PNG or JPEG, at most 1 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    standard = forms.ChoiceField(
        label=_("Accounting standard"),
        choices=STANDARDS,
        initial="enterprise",
        widget=forms.RadioSelect,
        help_text=_(
            "Seeds the chart of accounts with its 辅助核算 (customer, supplier, department, "
            "employee) and the default posting rules. It cannot be changed later."
        ),
    )
    first_period = MonthField(
        label=_("Go-live month (first period)"),
        initial=next_month,
        help_text=_(
            "The first month whose business is kept in the ERP. The periods of its year are "
            "opened; opening balances are dated the last day of the month before."
        ),
    )
    admin_username = forms.CharField(label=_("Administrator user name"), max_length=150)
    admin_full_name = forms.CharField(label=_("Full name"), max_length=100, required=False)
    admin_password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    admin_password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def setup_data(self):
        """The cleaned form as the set-up service takes it (page and API alike)."""
        from erp.golive.services.setup import SetupData

        d = self.cleaned_data
        return SetupData(
            company_name=d["company_name"],
            uscc=d["uscc"].strip().upper(),
            address=d["address"],
            phone=d["phone"],
            standard=d["standard"],
            first_period=d["first_period"],
            admin_username=d["admin_username"],
            admin_full_name=d["admin_full_name"],
            admin_password=d["admin_password"],
            logo=d.get("logo"),
        )

    def clean(self):
        data = super().clean()
        if data.get("admin_password") != data.get("admin_password2"):
            self.add_error(
                "admin_password2", _("The two passwords differ. Type the same password twice.")
            )
        return data


class GoLiveDateForm(forms.Form):
    go_live_date = forms.DateField(
        label=_("Go-live date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The first day of a month. Opening balances are dated the day before."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea)

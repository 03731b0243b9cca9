"""Expense claim forms (document kit): header, line, and the payment account of "pay".
Forms check shape only; services/expenses.py decides."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from erp.accounting.builders.expenses import tax_of
from erp.accounting.models import ExpenseCategory, InvoiceType
from erp.accounting.services import expenses as svc
from erp.core.access import has_perm
from erp.core.doc_kit.forms import KitHeaderForm, KitLineForm
from erp.iam.models import Department, User


# The rate choice is the invoice type too: "0" = 无专票 (no input VAT), a rate = 专票 at it.
def _rate_label(rate) -> str:
    return _("Special invoice (专票) %(rate)s%%") % {"rate": f"{rate * 100:.0f}"}


_rate_label_lazy = lazy(_rate_label, str)  # translated when the form renders, not at import
RATE_CHOICES = [("0", _("None (no 专票)"))] + [
    (str(r), _rate_label_lazy(r)) for r in svc.TAX_RATES if r
]


class ClaimHeaderForm(KitHeaderForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 上海客户拜访差旅")}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True)
    )
    employee = forms.ModelChoiceField(
        label=_("Employee"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        help_text=_("Empty: yourself."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only finance files claims for others (the service refuses it too).
        if not has_perm(self.user, "accounting.change_expenseclaim"):
            del self.fields["employee"]

    @classmethod
    def initial_new(cls, user) -> dict:
        return {"date": timezone.localdate(), "department": user.department_id}


class ClaimLineForm(KitLineForm):
    category = forms.ModelChoiceField(
        label=_("Expense category"),
        queryset=ExpenseCategory.objects.filter(active=True).order_by("code"),
    )
    amount = forms.DecimalField(
        label=_("Amount incl. tax"), max_digits=18, decimal_places=2, min_value=0
    )
    tax_rate = forms.ChoiceField(
        label=_("VAT rate (专票)"), choices=RATE_CHOICES, required=False, initial="0"
    )
    tax_amount = forms.DecimalField(
        label=_("Input VAT"),
        max_digits=18,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Empty: computed from the amount and rate (recomputed when either changes)."),
    )
    attachments = forms.IntegerField(
        label=_("Attachments"), min_value=0, max_value=999, initial=1, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def as_line(self) -> dict:
        d = self.cleaned_data
        rate = d.get("tax_rate") or "0"
        return {
            "category_id": d["category"].pk,
            "amount": d["amount"],
            "tax_rate": rate,
            "invoice_type": InvoiceType.SPECIAL if rate != "0" else InvoiceType.NONE,
            "tax_amount": d.get("tax_amount"),
            "attachments": d.get("attachments") or 0,
            "note": d.get("note") or "",
        }

    @classmethod
    def initial_from(cls, line) -> dict:
        return {
            "category": line.category_id,
            "amount": line.amount,
            "tax_rate": str(line.tax_rate.normalize()) if line.tax_rate else "0",
            "tax_amount": _entered_vat(line),
            "attachments": line.attachments,
            "note": line.note,
        }


def _entered_vat(line) -> Decimal | None:
    """The VAT to show in the edit form: empty when it was computed from amount and rate (so a
    changed amount recomputes it), the stored figure only when it was typed from the invoice."""
    if not line.category.input_vat_deductible or line.tax_amount == tax_of(
        line.amount, line.tax_rate
    ):
        return None
    return line.tax_amount


class PayForm(forms.Form):
    """The account the cashier pays from, shown next to the "pay" button."""

    payment_account = forms.CharField(
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto", "required": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["payment_account"].widget
        widget.attrs["aria-label"] = _("Paid from")
        widget.choices = [("", _("Pay from… (cash or bank account)"))] + [
            (a.code, f"{a.code} {a.name}") for a in svc.payment_accounts()
        ]

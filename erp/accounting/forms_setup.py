"""Forms of the finance set-up pages: expense categories and posting rules. Accounts travel
as codes (what finance reads); the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.accounting.models import Account
from erp.accounting.services.expense_categories import expense_accounts
from erp.core.posting_events import posting_event_choices


def _account_choices(queryset) -> list[tuple[str, str]]:
    return [("", "---------")] + [
        (a.code, f"{a.code} {a.name}") for a in queryset.order_by("code").only("code", "name")
    ]


def _styled(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"
    return form


class ExpenseCategoryForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20, help_text=_("Letters and digits, e.g. TRAVEL.")
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    account = forms.ChoiceField(label=_("Expense account"))
    input_vat_deductible = forms.BooleanField(
        label=_("Input VAT deductible"),
        required=False,
        help_text=_(
            "Off for 业务招待费, 职工福利 and other purchases whose VAT may not be deducted: "
            "their VAT stays in the expense."
        ),
    )
    active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = _account_choices(expense_accounts())
        if editing:
            self.fields["code"].disabled = True
        _styled(self)


class PostingRuleForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"))
    category_code = forms.ChoiceField(label=_("Material category"), required=False)
    warehouse_code = forms.ChoiceField(label=_("Warehouse"), required=False)
    debit_account = forms.ChoiceField(label=_("Debit account"))
    credit_account = forms.ChoiceField(label=_("Credit account"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        from erp.masterdata.models import MaterialCategory, Warehouse

        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "---------")] + [
            (code, str(label)) for code, label in posting_event_choices()
        ]
        self.fields["category_code"].choices = [("", _("Any category"))] + [
            (c.code, f"{c.code} {c.name}") for c in MaterialCategory.objects.order_by("code")
        ]
        self.fields["warehouse_code"].choices = [("", _("Any warehouse"))] + [
            (w.code, f"{w.code} {w.name}") for w in Warehouse.objects.order_by("code")
        ]
        leaves = Account.objects.filter(is_leaf=True, active=True)
        self.fields["debit_account"].choices = _account_choices(leaves)
        self.fields["credit_account"].choices = _account_choices(leaves)
        if editing:
            for name in ("event", "category_code", "warehouse_code"):
                self.fields[name].disabled = True
        _styled(self)

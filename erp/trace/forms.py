"""Forms of traceability: opening a recall case or a drill, and closing it."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.inventory.models import Lot
from erp.masterdata.forms.pickers import Picker
from erp.masterdata.models import Material
from erp.trace.models import NoticeChannel, RecallKind, RecallLevel, RecallScope, RecallState

SELECT = {"class": "form-select form-select-sm"}


class RecallOpenForm(forms.Form):
    lot = forms.ModelChoiceField(
        Lot.objects.select_related("material"),
        label=_("Lot"),
        widget=Picker("lot"),
        required=False,
        help_text=_("Or leave the lot empty and give a material and a window of dates."),
    )
    material = forms.ModelChoiceField(
        Material.objects.all(), label=_("Material"), widget=Picker("material"), required=False
    )
    window_from = forms.DateField(
        label=_("Received or made from"), required=False, widget=forms.DateInput({"type": "date"})
    )
    window_to = forms.DateField(
        label=_("Received or made to"), required=False, widget=forms.DateInput({"type": "date"})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=RecallKind.choices)
    level = forms.TypedChoiceField(
        label=_("Recall level"), choices=RecallLevel.choices, coerce=int, initial=2
    )
    scope = forms.ChoiceField(label=pgettext_lazy("recall", "Scope"), choices=RecallScope.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For example the customer complaint: 客户投诉 KS-2026-031 桶内结块."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class RecallCloseForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"),
        required=False,
        max_length=2000,
        widget=forms.TextInput({"placeholder": _("Conclusion (required for a recall)")}),
    )


class LotSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Lot, supplier lot or delivery note number"),
        max_length=60,
        widget=forms.TextInput(
            {"placeholder": _("Lot, supplier lot or delivery note number"), "autofocus": True}
        ),
    )


class RecallNoticeForm(forms.Form):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int)
    channel = forms.ChoiceField(label=_("Channel"), choices=NoticeChannel.choices)
    contact = forms.CharField(label=_("Contact"), max_length=100, required=False)
    note = forms.CharField(
        label=_("What was agreed"),
        max_length=300,
        required=False,
        widget=forms.TextInput({"placeholder": _("e.g. 客户已隔离 12 桶，待退回")}),
    )

    def __init__(self, *args, customers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [(c.id, f"{c.code} {c.name}") for c in customers]


class RecallFilter(django_filters.FilterSet):
    """The recall case list's filters: state and kind (召回 / 模拟召回)."""

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=RecallState.choices, widget=forms.Select(SELECT)
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=RecallKind.choices, widget=forms.Select(SELECT)
    )

    class Meta:
        fields = ["state", "kind"]

"""Forms of the print template pages: shape only, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erp.printing.models import Orientation, Paper, PrintAsset, PrintTemplateVersion
from erp.printing.selectors import printable_kits


class VersionForm(forms.ModelForm):
    class Meta:
        model = PrintTemplateVersion
        fields = ("body", "paper", "orientation", "margins", "copies", "note")
        widgets = {
            "body": forms.Textarea(
                attrs={
                    "rows": 24,
                    "spellcheck": "false",
                    "class": "erp-code-input",
                    "wrap": "off",
                    "data-code-editor": "",
                    "translate": "no",
                }
            ),
            "copies": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "margins": _("Top right bottom left, in mm: 20 12 16 12."),
            "copies": _("One caption a line, one copy each: 存根联, 客户联, 回单联."),
        }


class NewTemplateForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"))
    name = forms.CharField(label=_("Template name"), max_length=100)
    layout = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            ("standard", _("Standard layout (A4)")),
            ("triple", _("3-part continuous paper (241 × 93.1 mm)")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [(k.label, k.verbose_name) for k in printable_kits()]

    def settings(self) -> dict:
        if self.cleaned_data["layout"] == "triple":
            return {"paper": Paper.TRIPLE, "margins": "6 8 6 8", "copies": "存根联\n客户联\n回单联"}
        return {"paper": Paper.A4, "orientation": Orientation.PORTRAIT}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Template file"))


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Seal or logo"), choices=PrintAsset.Kind.choices)
    image = forms.FileField(label=_("Image"), help_text=_("PNG or JPEG, at most 512 KB"))

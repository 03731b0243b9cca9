from django import forms
from django.utils.translation import gettext_lazy as _

from erp.ops.models import ScheduleSettings
from erp.ops.services.schedule import EDITABLE


class ScheduleForm(forms.ModelForm):
    """Parses the inputs; schedule_settings_update decides what is valid and writes."""

    class Meta:
        model = ScheduleSettings
        fields = EDITABLE
        widgets = {"backup_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {
            # the template adds the example path as code
            "offsite_dir": _(
                "A mounted share or second disk (empty: no off-site copy), for example:"
            ),
            "admin_email": _("Failed or overdue backups and check problems are mailed here."),
            "overdue_hours": _("Administrators see a red banner when no backup is younger."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"
            if name.startswith("keep_") or name in ("offsite_day", "overdue_hours"):
                field.widget.attrs["inputmode"] = "numeric"

"""The reports module reads every other module and writes only its own rows: saved report
definitions of the report builder (自定义报表). Its permissions also gate the analyses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedReport(models.Model):
    """A report builder definition: dataset, columns, filters, group-by and sums, kept as a
    spec the builder validates against the dataset registry on every run (a field that left the
    registry makes the saved report refuse to run, never reach SQL)."""

    name = models.CharField(_("name"), max_length=100)
    dataset = models.CharField(_("dataset"), max_length=60)
    spec = models.JSONField(_("definition"), default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    shared = models.BooleanField(_("shared with colleagues"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("saved report")
        verbose_name_plural = _("saved reports")
        ordering = ["name", "pk"]
        permissions = [
            ("view_management", _("Can view management reports and the dashboard")),
            ("view_dailyreport", _("Can view the daily operations report")),
            ("share_savedreport", _("Can share saved reports")),
        ]
        indexes = [models.Index(fields=["owner", "name"], name="savedreport_owner")]

    def __str__(self) -> str:
        return self.name

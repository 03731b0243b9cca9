from django.db import models
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    """The one company this instance keeps books for (single row, pk=1)."""

    name = models.CharField(_("company name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    logo = models.ImageField(_("logo"), upload_to="company/", blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="CNY", editable=False)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1
    )
    # Vouchers posted by source documents (stock, receipts, claims) post directly, as Chinese
    # practice allows; they show 审核 empty until reviewed. True = the month cannot be closed
    # while any of them is unreviewed (accounting month-end checklist).
    system_vouchers_need_review = models.BooleanField(
        _("system vouchers need review before the month is closed"), default=False
    )
    is_demo = models.BooleanField(_("demo company"), default=False)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("company")

    def __str__(self) -> str:
        return self.name

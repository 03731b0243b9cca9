from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.accounting.states import PeriodState


class Period(models.Model):
    """An accounting month (会计期间). Closing it locks every module's postings dated in it."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    state = models.CharField(
        _("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("accounting period")
        verbose_name_plural = _("accounting periods")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="accounting_period_unique"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="accounting_period_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def is_open(self) -> bool:
        return self.state == PeriodState.OPEN


class AccountPeriodBalance(models.Model):
    """Debit and credit movements of one leaf account in one period, kept beside the ledger by
    the posting gate (same transaction), so the trial balance never scans voucher lines. The
    integrity check `period_balances` rebuilds them from the lines and compares."""

    account = models.ForeignKey(
        "accounting.Account", on_delete=models.PROTECT, related_name="period_balances"
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="balances")
    debit = models.DecimalField(_("debit"), max_digits=18, decimal_places=2, default=0)
    credit = models.DecimalField(_("credit"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("account period balance")
        verbose_name_plural = _("account period balances")
        constraints = [
            models.UniqueConstraint(fields=["period", "account"], name="accounting_balance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.account_id}"

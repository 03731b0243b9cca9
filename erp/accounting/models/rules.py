from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.posting_events import posting_event_choices


class PostingEvent(models.TextChoices):
    """Accounting's own events (registered in AccountingConfig.ready()); PostingRule.event
    takes any event of the open registry erp/core/posting_events.py."""

    STOCK_RECEIPT = "stock_receipt", _("Stock receipt")
    STOCK_ISSUE = "stock_issue", _("Stock issue")
    STOCK_ISSUE_RD = "stock_issue_rd", _("R&D issue")
    STOCK_TRANSFER = "stock_transfer", _("Transfer between valuation groups")
    SCRAP = "scrap", _("Scrap")
    COUNT_GAIN = "count_gain", _("Count surplus")
    COUNT_LOSS = "count_loss", _("Count shortage")
    OPENING_STOCK = "opening_stock", _("Opening stock")


class PostingRule(models.Model):
    """Which accounts a document event posts to (configurable data). The most specific rule
    wins: material category and warehouse both matching, then one of them, then the default
    (both blank)."""

    event = models.CharField(_("event"), max_length=30, choices=posting_event_choices)
    category_code = models.CharField(_("material category"), max_length=40, blank=True)
    warehouse_code = models.CharField(_("warehouse"), max_length=40, blank=True)
    debit_account = models.ForeignKey(
        "accounting.Account",
        verbose_name=_("debit account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    credit_account = models.ForeignKey(
        "accounting.Account",
        verbose_name=_("credit account"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("posting rule")
        verbose_name_plural = _("posting rules")
        ordering = ["event", "category_code", "warehouse_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "category_code", "warehouse_code"],
                name="accounting_posting_rule_unique",
            )
        ]

    def __str__(self) -> str:
        scope = f"{self.category_code or '*'}/{self.warehouse_code or '*'}"
        return f"{self.get_event_display()} {scope}"

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberingRule(models.Model):
    """编码规则: how legal document numbers look, per document type."""

    class DatePart(models.TextChoices):
        NONE = "", _("None")
        YEAR = "YYYY", "YYYY"
        MONTH = "YYYYMM", "YYYYMM"
        DAY = "YYYYMMDD", "YYYYMMDD"

    class Reset(models.TextChoices):
        NEVER = "never", _("Never")
        YEARLY = "yearly", _("Every year")
        MONTHLY = "monthly", _("Every month")

    doc_type = models.CharField(_("document type"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    date_part = models.CharField(
        _("date part"), max_length=8, choices=DatePart.choices, blank=True, default="YYYYMM"
    )
    counter_width = models.PositiveSmallIntegerField(
        _("counter width"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    reset = models.CharField(_("reset"), max_length=10, choices=Reset.choices, default="monthly")

    class Meta:
        verbose_name = _("numbering rule")
        verbose_name_plural = _("numbering rules")
        ordering = ["doc_type"]

    def __str__(self) -> str:
        return f"{self.name} ({self.doc_type})"


class NumberingCounter(models.Model):
    """Last number handed out for one rule in one reset period ("" when it never resets)."""

    rule = models.ForeignKey(NumberingRule, on_delete=models.CASCADE, related_name="counters")
    period_key = models.CharField(max_length=8, blank=True)
    last_value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("numbering counter")
        verbose_name_plural = _("numbering counters")
        constraints = [
            models.UniqueConstraint(fields=["rule", "period_key"], name="uniq_counter_period")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.period_key or '-'}: {self.last_value}"

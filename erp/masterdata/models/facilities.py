from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import MasterRecord


class Warehouse(MasterRecord):
    address = models.CharField(_("address"), max_length=300, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(MasterRecord.Meta):
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")


class Location(models.Model):
    """库位 (bin) inside a warehouse. Its type tells inventory where stock may sit: quarantine
    bins hold lots awaiting inspection, scrap bins hold what is to be destroyed."""

    class Type(models.TextChoices):
        STORAGE = "storage", _("Storage")
        RECEIVING = "receiving", _("Receiving")
        QUARANTINE = "quarantine", _("Quarantine")
        SHIPPING = "shipping", _("Shipping")
        PRODUCTION = "production", _("Production")
        SCRAP = "scrap", _("Scrap")

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="locations"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.STORAGE)
    capacity = models.DecimalField(
        _("capacity"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["warehouse__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="uniq_location_code"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="location_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code} {self.name}"


class WorkCenter(MasterRecord):
    """工作中心: capacity and hourly cost rates used by routings and costing."""

    capacity_hours_per_day = models.DecimalField(
        _("capacity (hours per day)"), max_digits=6, decimal_places=2, default=8
    )
    labour_rate = models.DecimalField(
        _("labour rate per hour"), max_digits=12, decimal_places=2, default=0
    )
    overhead_rate = models.DecimalField(
        _("overhead rate per hour"), max_digits=12, decimal_places=2, default=0
    )

    class Meta(MasterRecord.Meta):
        verbose_name = _("work centre")
        verbose_name_plural = _("work centres")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_hours_per_day__gt=0, capacity_hours_per_day__lte=24)
                & Q(labour_rate__gte=0, overhead_rate__gte=0),
                name="work_center_rates_valid",
            )
        ]


class ProductionLine(MasterRecord):
    """生产线: an ordered list of work centres."""

    class Meta(MasterRecord.Meta):
        verbose_name = _("production line")
        verbose_name_plural = _("production lines")


class ProductionLineStep(models.Model):
    line = models.ForeignKey(ProductionLine, on_delete=models.CASCADE, related_name="steps")
    sequence = models.PositiveIntegerField(_("sequence"))
    work_center = models.ForeignKey(
        WorkCenter, verbose_name=_("work centre"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("production line step")
        verbose_name_plural = _("production line steps")
        ordering = ["line", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["line", "sequence"], name="uniq_line_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.line_id}#{self.sequence}"

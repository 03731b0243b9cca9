"""Month-end stock snapshots (月末库存快照): what was on hand at the end of a closed month, so
an as-of report reads the snapshot before its date plus the moves since, never all history.

A snapshot is built when the month's period is closed (no stock posting can be dated inside
a closed period: the gate checks it) and dropped when the period is reopened
(erp/inventory/services/snapshots.py); `erp check stock_snapshots` compares it with the ledger."""

from django.db import models
from django.utils.translation import gettext_lazy as _

QTY = {"max_digits": 18, "decimal_places": 4}
AMOUNT = {"max_digits": 18, "decimal_places": 2}


class StockSnapshotMonth(models.Model):
    """One built snapshot: its rows are complete for `month_end`."""

    month_end = models.DateField(_("month end"), unique=True)
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("stock snapshot")
        verbose_name_plural = _("stock snapshots")
        ordering = ["-month_end"]

    def __str__(self) -> str:
        return self.month_end.isoformat()


class StockSnapshotLine(models.Model):
    """Quantity per (material, location, lot) at the end of `month_end`; zero rows omitted."""

    month = models.ForeignKey(StockSnapshotMonth, on_delete=models.CASCADE, related_name="lines")
    material = models.ForeignKey(
        "masterdata.Material", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    location = models.ForeignKey("masterdata.Location", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "inventory.Lot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("quantity"), **QTY)

    class Meta:
        verbose_name = _("stock snapshot line")
        verbose_name_plural = _("stock snapshot lines")
        indexes = [models.Index(fields=["month", "material"], name="snapshot_month_mat")]

    def __str__(self) -> str:
        return f"{self.month} {self.material_id}@{self.location_id}: {self.quantity}"


class StockSnapshotValue(models.Model):
    """Company quantity and value per material at the end of `month_end` (the valuation)."""

    month = models.ForeignKey(StockSnapshotMonth, on_delete=models.CASCADE, related_name="values")
    material = models.ForeignKey(
        "masterdata.Material", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    value = models.DecimalField(_("value"), **AMOUNT)

    class Meta:
        verbose_name = _("stock snapshot value")
        verbose_name_plural = _("stock snapshot values")
        constraints = [
            models.UniqueConstraint(fields=["month", "material"], name="snapshot_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.material_id}: {self.quantity} / {self.value}"

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.inventory.states import LotStatus


class Lot(models.Model):
    """批次: one batch of one material, with its dates and quality status."""

    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="lots",
    )
    number = models.CharField(_("lot number"), max_length=60)
    supplier_lot = models.CharField(_("supplier lot"), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LotStatus.choices, default=LotStatus.QUARANTINE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["material_id", "number"]
        permissions = [("change_lot_status", _("Can change lot status"))]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="uniq_lot_number"),
        ]
        indexes = [
            # FEFO picking and the expiring-lots list.
            models.Index(fields=["material", "expiry_date"], name="lot_material_expiry"),
            models.Index(fields=["status", "expiry_date"], name="lot_status_expiry"),
            models.Index(fields=["number"], name="lot_number"),
        ]

    def __str__(self) -> str:
        return self.number


class LotStatusChange(models.Model):
    """History of a lot's status: who changed it, when and why (first row: creation)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(
        _("from status"), max_length=12, choices=LotStatus.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=12, choices=LotStatus.choices)
    reason = models.CharField(_("reason"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lot status change")
        verbose_name_plural = _("lot status changes")
        ordering = ["lot_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.from_status or '-'} → {self.to_status}"

    @property
    def reason_display(self) -> str:
        """The reason as the user reads it: a move type code ("receipt", "opening") written by
        the posting that created the lot shows as that move type's name (入库, 期初)."""
        from erp.inventory.move_types import move_type_get

        spec = move_type_get(self.reason)
        return str(spec.label) if spec is not None else self.reason


class LotAttribute(models.Model):
    """A measured property of a lot (assay %, moisture %, viscosity): a number with a unit, or
    text. Later issues use the numbers for potency-adjusted formulas and certificates."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="attributes")
    name = models.CharField(_("attribute"), max_length=60)
    value_decimal = models.DecimalField(
        _("value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    value_text = models.CharField(_("text value"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("lot attribute")
        verbose_name_plural = _("lot attributes")
        ordering = ["lot_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "name"], name="uniq_lot_attribute"),
            models.CheckConstraint(
                condition=Q(value_decimal__isnull=False) | ~Q(value_text=""),
                name="lot_attribute_has_value",
            ),
        ]

    def __str__(self) -> str:
        value = self.value_text if self.value_decimal is None else self.value_decimal
        return f"{self.name}={value}{self.unit}"


class LotSplit(models.Model):
    """批次拆分: `quantity` of lot `parent` moved into the new lot `child` at the same
    locations (部分放行: quality releases part of a lot and rejects the rest into a child lot).
    The genealogy is registered in erp/core/lot_links like production's links, so
    traceability walks from the parent to the child."""

    parent = models.ForeignKey(
        Lot, verbose_name=_("parent lot"), on_delete=models.PROTECT, related_name="split_children"
    )
    child = models.OneToOneField(
        Lot, verbose_name=_("child lot"), on_delete=models.PROTECT, related_name="split_from"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)
    reason = models.CharField(_("reason"), max_length=300)
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.CharField(_("source"), max_length=60, blank=True)
    source_number = models.CharField(_("source number"), max_length=60, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("split by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("split at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lot split")
        verbose_name_plural = _("lot splits")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.parent} → {self.child}"

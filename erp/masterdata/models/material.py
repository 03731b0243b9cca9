from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.masterdata.vat import VatRate

from .base import MasterRecord

QTY = {"max_digits": 18, "decimal_places": 4}


class MaterialCategory(MasterRecord):
    """物料分类, a tree."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta(MasterRecord.Meta):
        verbose_name = _("material category")
        verbose_name_plural = _("material categories")


class Material(MasterRecord):
    """物料: anything stocked or produced."""

    class InventoryType(models.TextChoices):
        RAW = "raw", _("Raw material")
        SEMI = "semi", _("Semi-finished")
        FINISHED = "finished", _("Finished product")
        PACKAGING = "packaging", _("Packaging")
        CONSUMABLE = "consumable", _("Low-value consumable")

    class Procurement(models.TextChoices):
        MAKE = "make", _("Make")
        BUY = "buy", _("Buy")
        OUTSOURCE = "outsource", _("Outsource")

    specification = models.CharField(_("specification"), max_length=200, blank=True)
    category = models.ForeignKey(
        MaterialCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="materials",
    )
    inventory_type = models.CharField(
        _("inventory type"), max_length=12, choices=InventoryType.choices
    )
    procurement = models.CharField(_("procurement"), max_length=10, choices=Procurement.choices)
    base_unit = models.ForeignKey(
        "masterdata.Unit", verbose_name=_("base unit"), on_delete=models.PROTECT, related_name="+"
    )
    purchase_unit = models.ForeignKey(
        "masterdata.Unit",
        verbose_name=_("purchase unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sales_unit = models.ForeignKey(
        "masterdata.Unit",
        verbose_name=_("sales unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    batch_managed = models.BooleanField(_("batch managed"), default=True)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    qc_required = models.BooleanField(_("QC required on receipt"), default=False)
    # 税收分类: the VAT rate sales and purchase lines start from (overridable per line).
    vat_rate = models.CharField(
        _("VAT rate"), max_length=6, choices=VatRate.choices, default=VatRate.R13
    )
    reorder_point = models.DecimalField(_("reorder point"), default=0, **QTY)
    safety_stock = models.DecimalField(_("safety stock"), default=0, **QTY)
    min_order_qty = models.DecimalField(_("minimum order quantity"), default=0, **QTY)
    order_multiple = models.DecimalField(_("order multiple"), default=0, **QTY)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=0)
    default_warehouse = models.ForeignKey(
        "masterdata.Warehouse",
        verbose_name=_("default warehouse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    default_location = models.ForeignKey(
        "masterdata.Location",
        verbose_name=_("default location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    standard_cost = models.DecimalField(
        _("standard cost"), max_digits=18, decimal_places=6, default=0
    )
    density = models.DecimalField(
        _("density (g/cm³)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    hazard_class = models.CharField(_("hazard class"), max_length=50, blank=True)
    storage_conditions = models.CharField(_("storage conditions"), max_length=200, blank=True)

    class Meta(MasterRecord.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["category", "code"]),
            models.Index(fields=["inventory_type", "code"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reorder_point__gte=0)
                & Q(safety_stock__gte=0)
                & Q(min_order_qty__gte=0)
                & Q(order_multiple__gte=0)
                & Q(standard_cost__gte=0),
                name="material_planning_non_negative",
            )
        ]

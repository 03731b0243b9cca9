"""Inventory documents (库存单据): other receipt, other issue, transfer, scrap and stock count.

Each is a Document (erp.core.models) with a declared state machine in erp.inventory.states; it
posts through the stock services in the same transaction as its transition, and every move
points back to it (source_type = "inventory.<model>", source_id = pk, source_line_id = line pk).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.models import Document, DocumentLine
from erp.inventory.states import IssueReason, StockCountState, StockDocState

QTY = {"max_digits": 18, "decimal_places": 4}
UNIT_COST = {"max_digits": 18, "decimal_places": 6}


def _fk(model: str, label, *, null: bool = False, related: str = "+"):
    return models.ForeignKey(
        model,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related,
        null=null,
        blank=null,
    )


class StockDocument(Document):
    """Header shared by the four simple stock documents."""

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=StockDocState.choices,
        default=StockDocState.DRAFT,
        db_index=True,
    )
    date = models.DateField(_("posting date"))
    warehouse = _fk("masterdata.Warehouse", _("warehouse"))
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta(Document.Meta):
        abstract = True
        ordering = ["-date", "-pk"]


class StockLine(DocumentLine):
    """A line quantity in a chosen unit, and the same quantity in the material's base unit
    (what the ledger stores)."""

    material = _fk("masterdata.Material", _("material"))
    lot = _fk("inventory.Lot", _("lot"), null=True)
    unit = _fk("masterdata.Unit", _("unit"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    base_quantity = models.DecimalField(_("quantity (base unit)"), **QTY)

    class Meta:
        abstract = True
        ordering = ["line_no"]


class OtherReceipt(StockDocument):
    """其他入库: stock received from outside without a purchase order (samples, found stock)."""

    class Meta(StockDocument.Meta):
        verbose_name = _("other receipt")
        verbose_name_plural = _("other receipts")
        permissions = [
            ("post_otherreceipt", _("Can post other receipts")),
            ("cancel_otherreceipt", _("Can cancel other receipts")),
        ]


class OtherReceiptLine(StockLine):
    document = models.ForeignKey(OtherReceipt, on_delete=models.CASCADE, related_name="lines")
    location = _fk("masterdata.Location", _("location"))
    lot_number = models.CharField(_("lot number"), max_length=60, blank=True)
    supplier_lot = models.CharField(_("supplier lot"), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    unit_cost = models.DecimalField(_("unit cost"), default=0, **UNIT_COST)

    class Meta(StockLine.Meta):
        verbose_name = _("other receipt line")


class OtherIssue(StockDocument):
    """其他出库: stock issued for R&D, samples, internal use; the reason is required."""

    reason = models.CharField(_("reason"), max_length=12, choices=IssueReason.choices)

    class Meta(StockDocument.Meta):
        verbose_name = _("other issue")
        verbose_name_plural = _("other issues")
        permissions = [
            ("post_otherissue", _("Can post other issues")),
            ("cancel_otherissue", _("Can cancel other issues")),
        ]


class OtherIssueLine(StockLine):
    document = models.ForeignKey(OtherIssue, on_delete=models.CASCADE, related_name="lines")
    location = _fk("masterdata.Location", _("location"))

    class Meta(StockLine.Meta):
        verbose_name = _("other issue line")


class Transfer(StockDocument):
    """调拨: stock moved between warehouses or bins; the lot is kept."""

    to_warehouse = _fk("masterdata.Warehouse", _("to warehouse"), null=True)

    class Meta(StockDocument.Meta):
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        permissions = [
            ("post_transfer", _("Can post transfers")),
            ("cancel_transfer", _("Can cancel transfers")),
        ]


class TransferLine(StockLine):
    document = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines")
    from_location = _fk("masterdata.Location", _("from location"))
    to_location = _fk("masterdata.Location", _("to location"))

    class Meta(StockLine.Meta):
        verbose_name = _("transfer line")


class Scrap(StockDocument):
    """报废: stock written off (to outside); the reason is required."""

    reason = models.CharField(_("reason"), max_length=300)

    class Meta(StockDocument.Meta):
        verbose_name = _("scrap")
        verbose_name_plural = _("scraps")
        permissions = [
            ("post_scrap", _("Can post scrap documents")),
            ("cancel_scrap", _("Can cancel scrap documents")),
        ]


class ScrapLine(StockLine):
    document = models.ForeignKey(Scrap, on_delete=models.CASCADE, related_name="lines")
    location = _fk("masterdata.Location", _("location"))

    class Meta(StockLine.Meta):
        verbose_name = _("scrap line")


class StockCount(Document):
    """盘点: a scope (warehouse, optionally bins and categories), a snapshot of book quantities
    frozen at one moment, the counted quantities, and the variances posted as adjustments."""

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=StockCountState.choices,
        default=StockCountState.DRAFT,
        db_index=True,
    )
    date = models.DateField(_("count date"))
    warehouse = _fk("masterdata.Warehouse", _("warehouse"))
    locations = models.ManyToManyField(
        "masterdata.Location", verbose_name=_("locations"), blank=True, related_name="+"
    )
    categories = models.ManyToManyField(
        "masterdata.MaterialCategory", verbose_name=_("categories"), blank=True, related_name="+"
    )
    blind = models.BooleanField(
        _("blind count"), default=False, help_text=_("Counters do not see the book quantity.")
    )
    tolerance_percent = models.DecimalField(
        _("tolerance (%)"), max_digits=6, decimal_places=2, default=0
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    lines_total = models.PositiveIntegerField(_("lines counted"), default=0)
    lines_within = models.PositiveIntegerField(_("lines within tolerance"), default=0)
    accuracy_percent = models.DecimalField(
        _("accuracy (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta(Document.Meta):
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-date", "-pk"]
        permissions = [
            ("freeze_stockcount", _("Can freeze stock counts")),
            ("count_stockcount", _("Can enter counted quantities")),
            ("post_stockcount", _("Can post stock count adjustments")),
            ("cancel_stockcount", _("Can cancel stock counts")),
            # 盲盘: who may see book quantities (and so variances) of a blind count.
            ("see_count_book_quantity", _("Can see book quantities of blind counts")),
        ]


class StockCountLine(DocumentLine):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    material = _fk("masterdata.Material", _("material"))
    location = _fk("masterdata.Location", _("location"))
    lot = _fk("inventory.Lot", _("lot"), null=True)
    book_quantity = models.DecimalField(_("book quantity"), **QTY)
    unit_cost = models.DecimalField(_("unit cost"), default=0, **UNIT_COST)
    counted_quantity = models.DecimalField(_("counted quantity"), null=True, blank=True, **QTY)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("stock count line")
        constraints = [
            models.UniqueConstraint(
                fields=["count", "material", "location", "lot"], name="uniq_count_line_key"
            ),
        ]

    @property
    def variance(self):
        if self.counted_quantity is None:
            return None
        return self.counted_quantity - self.book_quantity

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from erp.inventory.move_types import move_type_choices

QTY = {"max_digits": 18, "decimal_places": 4}
AMOUNT = {"max_digits": 18, "decimal_places": 2}
UNIT_COST = {"max_digits": 18, "decimal_places": 6}


class StockMove(models.Model):
    """出入库流水: the append-only stock ledger. Written only by
    erp.inventory.services.posting.moves_post; never updated or deleted (corrections are
    reversals). A null location is "outside" (supplier, customer, consumption, scrap)."""

    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves",
    )
    from_location = models.ForeignKey(
        "masterdata.Location",
        verbose_name=_("from location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_location = models.ForeignKey(
        "masterdata.Location",
        verbose_name=_("to location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit_cost = models.DecimalField(_("unit cost"), **UNIT_COST)
    value = models.DecimalField(_("value"), **AMOUNT)
    # Registered move types (erp/inventory/move_types.py), so other modules add their own.
    move_type = models.CharField(_("move type"), max_length=30, choices=move_type_choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    posting_date = models.DateField(_("posting date"))
    # Per-material posting order, taken under the material's valuation lock: the order in which
    # the moving average saw the moves.
    sequence = models.PositiveBigIntegerField(_("sequence"))
    source_type = models.CharField(_("source type"), max_length=60)
    source_id = models.CharField(_("source"), max_length=60)
    source_line_id = models.CharField(_("source line"), max_length=60, blank=True)
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["posting_date", "material_id", "sequence"]
        permissions = [
            ("post_receipt", _("Can post stock receipts")),
            ("post_issue", _("Can post stock issues")),
            ("post_transfer", _("Can post stock transfers")),
            ("post_scrap", _("Can post scrap")),
            ("post_count_adjust", _("Can post stock count adjustments")),
            ("reverse_stockmove", _("Can reverse posted stock moves")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stockmove_qty_positive"),
            models.CheckConstraint(
                condition=Q(from_location__isnull=False) | Q(to_location__isnull=False),
                name="stockmove_has_location",
            ),
            models.UniqueConstraint(
                fields=["material", "sequence"], name="uniq_stockmove_material_sequence"
            ),
            # A move is reversed at most once, even by two users at the same moment.
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(reverses__isnull=False),
                name="uniq_stockmove_reversal",
            ),
        ]
        indexes = [
            # Ledger per material in date order; backdating checks.
            models.Index(fields=["material", "posting_date", "sequence"], name="move_mat_date"),
            models.Index(fields=["to_location", "material"], name="move_to_loc"),
            models.Index(fields=["from_location", "material"], name="move_from_loc"),
            models.Index(fields=["lot", "posting_date"], name="move_lot_date"),
            models.Index(fields=["source_type", "source_id"], name="move_source"),
            models.Index(fields=["posting_date"], name="move_date"),
        ]

    def __str__(self) -> str:
        return f"{self.move_type} {self.material_id} {self.quantity} ({self.source_id})"


class StockBalance(models.Model):
    """现存量 per (material, location, lot): kept by the posting gate in the same transaction
    as the ledger; the quantity is checked against it by `erp check stock`. The value is
    derived: round(on hand × the material's moving average)."""

    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.ForeignKey(
        "masterdata.Location",
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="balances",
    )
    on_hand = models.DecimalField(_("on hand"), default=0, **QTY)
    reserved = models.DecimalField(_("reserved"), default=0, **QTY)
    value = models.DecimalField(_("value"), default=0, **AMOUNT)

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["material_id", "location_id", "lot_id"]
        constraints = [
            # NULL lots are distinct in a plain unique index: one partial index per case.
            models.UniqueConstraint(
                fields=["material", "location", "lot"],
                condition=Q(lot__isnull=False),
                name="uniq_balance_with_lot",
            ),
            models.UniqueConstraint(
                fields=["material", "location"],
                condition=Q(lot__isnull=True),
                name="uniq_balance_without_lot",
            ),
            models.CheckConstraint(
                condition=Q(on_hand__gte=0) & Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                name="balance_quantities_valid",
            ),
            # The value is derived (on hand × the material's average): never negative, and
            # nothing is worth nothing.
            models.CheckConstraint(
                condition=Q(value__gte=0) & (Q(on_hand__gt=0) | Q(value=0)),
                name="balance_value_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["location", "material"], name="balance_loc_mat"),
            models.Index(fields=["lot"], name="balance_lot"),
            # On-hand queries read only balances that hold stock; emptied lots leave many zero
            # rows behind, so this partial covering index keeps W3 flat as history grows.
            models.Index(
                fields=["location", "material", "on_hand"],
                condition=Q(on_hand__gt=0),
                name="balance_in_stock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_id}@{self.location_id}/{self.lot_id or '-'}: {self.on_hand}"


class MaterialValuation(models.Model):
    """移动加权平均: quantity, value and average unit cost of one material over all locations
    (the company is the costing unit). `value` is the truth the GL ties to (Σ boundary move
    values); Σ StockBalance.value of the material differs from it by rounding only."""

    material = models.OneToOneField(
        "masterdata.Material",
        verbose_name=_("material"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(_("quantity"), default=0, **QTY)
    value = models.DecimalField(_("value"), default=0, **AMOUNT)
    unit_cost = models.DecimalField(_("unit cost"), default=0, **UNIT_COST)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_posting_date = models.DateField(null=True)

    class Meta:
        verbose_name = _("material valuation")
        verbose_name_plural = _("material valuations")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0) & (Q(quantity__gt=0) | Q(value=0)),
                name="valuation_value_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.material_id}: {self.quantity} @ {self.unit_cost}"


class Reservation(models.Model):
    """Stock promised to a document line; it lowers available stock until issued or released."""

    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    location = models.ForeignKey(
        "masterdata.Location",
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reservations",
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    source_type = models.CharField(_("source type"), max_length=60)
    source_id = models.CharField(_("source"), max_length=60)
    source_line_id = models.CharField(_("source line"), max_length=60, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserved by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_qty_positive"),
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="reservation_source"),
            models.Index(fields=["material", "location", "lot"], name="reservation_key"),
        ]

    def __str__(self) -> str:
        return f"{self.source_type}:{self.source_id} {self.material_id} {self.quantity}"

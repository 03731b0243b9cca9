"""Formulas (配方) with versions, production orders (生产订单) and lot genealogy (批次谱系)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import Document, DocumentLine
from erp.production import calc
from erp.production.states import FormulaState, ProductionOrderState, RoutingState

QTY = {"max_digits": 18, "decimal_places": 4}
PCT = {"max_digits": 9, "decimal_places": 4}
ZERO = Decimal(0)


class LineMode(models.TextChoices):
    PERCENTAGE = calc.PERCENTAGE, _("Percentage of batch")
    ABSOLUTE = calc.ABSOLUTE, _("Quantity per base batch")
    FIXED = calc.FIXED, _("Fixed per batch")
    BALANCE = calc.BALANCE, _("Balance to 100 %")
    PACKAGING = calc.PACKAGING, _("Packaging per unit of output")


class Formula(Document):
    """One version of a product's formula for a base batch. Submitted, approved or released
    versions are immutable; a change is a new version (a copy), which supersedes it when
    released."""

    product = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="formulas",
    )
    formula_version = models.PositiveIntegerField(_("formula version"), default=1)
    state = models.CharField(
        _("state"), max_length=20, choices=FormulaState.choices, default=FormulaState.DRAFT
    )
    # `date` is the first day the version may be used (effective from): the kit lists by it.
    date = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective to"), null=True, blank=True)
    batch_size = models.DecimalField(_("batch size"), **QTY)
    yield_pct = models.DecimalField(_("expected yield %"), default=Decimal(100), **PCT)

    class Meta(Document.Meta):
        verbose_name = _("formula")
        verbose_name_plural = _("formulas")
        constraints = [
            *Document.Meta.constraints,
            models.UniqueConstraint(
                fields=["product", "formula_version"], name="production_formula_version_unique"
            ),
        ]
        permissions = [
            ("submit_formula", _("Can submit formula for approval")),
            ("release_formula", _("Can release formula")),
            ("cancel_formula", _("Can cancel formula")),
        ]

    def __str__(self) -> str:
        return f"{self.product.code} V{self.formula_version}"

    @property
    def reference(self) -> str:
        return self.number or _("Draft %(id)s") % {"id": self.pk}


class FormulaLine(DocumentLine):
    """A component in one of the modes of calc.py (percentage, absolute, fixed, balance,
    packaging) with its loss %. A potency line (有效含量) names the lot attribute and its
    target: at issue its quantity becomes qty × target ÷ the lot's value, and the formula's
    balance or compensating line (a filler or solvent) gives up the difference."""

    document = models.ForeignKey(Formula, on_delete=models.CASCADE, related_name="lines")
    material = models.ForeignKey(
        "masterdata.Material", verbose_name=_("component"), on_delete=models.PROTECT
    )
    mode = models.CharField(
        _("line mode"), max_length=20, choices=LineMode.choices, default=LineMode.PERCENTAGE
    )
    percentage = models.DecimalField(_("percentage"), default=ZERO, **PCT)
    quantity = models.DecimalField(_("quantity"), default=ZERO, **QTY)
    loss_pct = models.DecimalField(_("loss %"), default=ZERO, **PCT)
    potency_attribute = models.CharField(_("potency attribute"), max_length=60, blank=True)
    potency_target = models.DecimalField(_("potency target"), null=True, blank=True, **PCT)
    compensates = models.BooleanField(_("compensating line"), default=False)
    substitute = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("substitute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    substitute_ratio = models.DecimalField(
        _("substitute ratio"), max_digits=12, decimal_places=6, null=True, blank=True
    )

    class Meta(DocumentLine.Meta):
        verbose_name = _("formula line")
        verbose_name_plural = _("formula lines")

    @property
    def is_potency(self) -> bool:
        return bool(self.potency_attribute) and self.potency_target is not None

    @property
    def calc_line(self) -> calc.Line:
        amount = self.percentage if self.mode == LineMode.PERCENTAGE else self.quantity
        return calc.Line(self.mode, amount, self.loss_pct, self.compensates)


class ProductionOrder(Document):
    """A batch to make: the released formula version scaled to the quantity, its material
    issue, its output lot at actual cost."""

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ProductionOrderState.choices,
        default=ProductionOrderState.DRAFT,
    )
    date = models.DateField(_("planned date"))
    product = models.ForeignKey(
        "masterdata.Material", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    formula = models.ForeignKey(
        Formula, verbose_name=_("formula"), on_delete=models.PROTECT, related_name="orders"
    )
    quantity = models.DecimalField(_("planned quantity"), **QTY)
    issue_warehouse = models.ForeignKey(
        "masterdata.Warehouse",
        verbose_name=_("issue warehouse"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    output_location = models.ForeignKey(
        "masterdata.Location",
        verbose_name=_("output location"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    output_quantity = models.DecimalField(_("output quantity"), null=True, blank=True, **QTY)
    output_lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("output lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actual_cost = models.DecimalField(_("actual cost"), max_digits=18, decimal_places=2, null=True)

    class Meta(Document.Meta):
        verbose_name = _("production order")
        verbose_name_plural = _("production orders")
        permissions = [
            ("release_productionorder", _("Can release production order")),
            ("issue_productionorder", _("Can issue materials to production order")),
            ("complete_productionorder", _("Can report production output")),
            ("close_productionorder", _("Can close production order")),
            ("cancel_productionorder", _("Can cancel production order")),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def reference(self) -> str:
        return self.number or _("Draft %(id)s") % {"id": self.pk}

    @property
    def yield_pct(self) -> Decimal | None:
        if self.output_quantity is None or not self.quantity:
            return None
        return (self.output_quantity * 100 / self.quantity).quantize(Decimal("0.01"))

    @property
    def expected_yield_pct(self) -> Decimal:
        return self.formula.yield_pct

    @property
    def theoretical_output(self) -> Decimal:
        """Batch × the formula's expected yield, next to the actual output."""
        return calc.theoretical_output(self.quantity, self.formula.yield_pct)


class ProductionOrderLine(DocumentLine):
    """A component requirement: the formula line scaled to the order quantity, and what was
    really issued (potency adjusted, substitutes) with its value."""

    document = models.ForeignKey(ProductionOrder, on_delete=models.CASCADE, related_name="lines")
    material = models.ForeignKey(
        "masterdata.Material", verbose_name=_("component"), on_delete=models.PROTECT
    )
    mode = models.CharField(
        _("line mode"), max_length=20, choices=LineMode.choices, default=LineMode.PERCENTAGE
    )
    percentage = models.DecimalField(_("percentage"), **PCT)
    # net: the formula's share of the batch; required: what to issue (net grossed up by loss)
    net_quantity = models.DecimalField(_("net quantity"), default=ZERO, **QTY)
    loss_pct = models.DecimalField(_("loss %"), default=ZERO, **PCT)
    required_quantity = models.DecimalField(_("required quantity"), **QTY)
    potency_attribute = models.CharField(_("potency attribute"), max_length=60, blank=True)
    potency_target = models.DecimalField(_("potency target"), null=True, blank=True, **PCT)
    compensates = models.BooleanField(_("compensating line"), default=False)
    substitute = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("substitute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    substitute_ratio = models.DecimalField(
        _("substitute ratio"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    issued_quantity = models.DecimalField(_("issued quantity"), default=ZERO, **QTY)
    substitute_quantity = models.DecimalField(_("substitute issued"), default=ZERO, **QTY)
    returned_quantity = models.DecimalField(
        pgettext_lazy("production", "returned quantity"), default=ZERO, **QTY
    )
    issued_value = models.DecimalField(
        _("issued value"), max_digits=18, decimal_places=2, default=ZERO
    )

    class Meta(DocumentLine.Meta):
        verbose_name = _("production order line")
        verbose_name_plural = _("production order lines")

    @property
    def is_potency(self) -> bool:
        return bool(self.potency_attribute) and self.potency_target is not None

    @property
    def calc_line(self) -> calc.Line:
        """For the issue arithmetic: the mode, loss and compensating flag (amount unused)."""
        return calc.Line(self.mode, self.percentage, self.loss_pct, self.compensates)


class LotLink(models.Model):
    """Genealogy (批次谱系): `quantity` of input lot `parent` went into output lot `child` by
    `order`. Written in the output transaction; indexed both ways for recall (#18)."""

    parent = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("input lot"),
        on_delete=models.PROTECT,
        related_name="child_links",
    )
    child = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("output lot"),
        on_delete=models.PROTECT,
        related_name="parent_links",
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    order = models.ForeignKey(
        ProductionOrder,
        verbose_name=_("production order"),
        on_delete=models.PROTECT,
        related_name="lot_links",
    )

    class Meta:
        verbose_name = _("lot link")
        verbose_name_plural = _("lot links")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "child", "order"], name="production_lotlink_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="production_lotlink_qty"),
        ]
        indexes = [
            models.Index(fields=["parent"], name="lotlink_parent"),
            models.Index(fields=["child"], name="lotlink_child"),
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.child_id}"


class Routing(Document):
    """工艺路线 of a formula version: the operations at work centres with their times per base
    batch. Released routings are immutable."""

    state = models.CharField(
        _("state"), max_length=20, choices=RoutingState.choices, default=RoutingState.DRAFT
    )
    date = models.DateField(_("effective from"))
    formula = models.ForeignKey(
        Formula, verbose_name=_("formula"), on_delete=models.PROTECT, related_name="routings"
    )

    class Meta(Document.Meta):
        verbose_name = _("routing")
        verbose_name_plural = _("routings")
        permissions = [
            ("release_routing", _("Can release routing")),
            ("cancel_routing", _("Can cancel routing")),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def reference(self) -> str:
        return self.number or _("Draft %(id)s") % {"id": self.pk}


class RoutingOperation(DocumentLine):
    document = models.ForeignKey(Routing, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(_("operation"), max_length=100)
    work_center = models.ForeignKey(
        "masterdata.WorkCenter", verbose_name=_("work centre"), on_delete=models.PROTECT
    )
    setup_hours = models.DecimalField(_("setup hours"), max_digits=9, decimal_places=2, default=0)
    run_hours = models.DecimalField(_("run hours per batch"), max_digits=9, decimal_places=2)
    instructions = models.CharField(_("instructions"), max_length=500, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("routing operation")
        verbose_name_plural = _("routing operations")

    @property
    def hours(self) -> Decimal:
        return self.setup_hours + self.run_hours

    @property
    def cost(self) -> Decimal:
        """Labour and overhead of the operation for one base batch, at the centre's rates."""
        rate = self.work_center.labour_rate + self.work_center.overhead_rate
        return (self.hours * rate).quantize(Decimal("0.01"))

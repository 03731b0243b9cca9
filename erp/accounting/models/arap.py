"""AR/AP subledgers (应收/应付明细账): open items per customer or supplier, and the receipts
(收款单) and payments (付款单) allocated to them. Services: erp/accounting/services/arap.py.

An open item's `amount` is what the partner owes us (receivable) or we owe the partner
(payable); a negative amount is an advance (预收/预付) or a credit. `allocated` has the same
sign and never exceeds `amount` (a database check backs the service)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from erp.core.models import Document, DocumentLine

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class OpenItemKind(models.TextChoices):
    RECEIVABLE = "receivable", _("Receivable")
    PAYABLE = "payable", _("Payable")


class OpenItemState(models.TextChoices):
    OPEN = "open", _("Outstanding")
    CLOSED = "closed", _("Settled")


class SettlementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class OpenItem(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=OpenItemKind.choices)
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supplier = models.ForeignKey(
        "masterdata.Supplier",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    account = models.ForeignKey(
        "accounting.Account",
        verbose_name=_("control account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The document that created it ("golive.openingar", "2026-03-01", line "3").
    source_type = models.CharField(_("source type"), max_length=60)
    source_id = models.CharField(_("source id"), max_length=40)
    source_line = models.CharField(_("source line"), max_length=40, blank=True, default="")
    source_number = models.CharField(_("document number"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    doc_date = models.DateField(_("document date"), db_index=True)
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    allocated = models.DecimalField(_("allocated"), default=0, **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=OpenItemState.choices,
        default=OpenItemState.OPEN,
        db_index=True,
    )
    voucher = models.ForeignKey(
        "accounting.Voucher",
        verbose_name=_("voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("open item")
        verbose_name_plural = _("open items")
        ordering = ["doc_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount__gt=0, allocated__gte=0, allocated__lte=F("amount")))
                | (Q(amount__lt=0, allocated__lte=0, allocated__gte=F("amount"))),
                name="accounting_openitem_allocation_within_amount",
            ),
            models.CheckConstraint(
                condition=(Q(kind="receivable", customer__isnull=False))
                | (Q(kind="payable", supplier__isnull=False)),
                name="accounting_openitem_partner",
            ),
            models.UniqueConstraint(
                fields=["source_type", "source_id", "source_line"],
                name="accounting_openitem_source_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "state", "customer"], name="acc_openitem_cust_idx"),
            models.Index(fields=["kind", "state", "supplier"], name="acc_openitem_supp_idx"),
        ]

    def __str__(self) -> str:
        return self.source_number or f"{self.source_type}:{self.source_id}"

    @property
    def partner(self):
        return self.customer if self.kind == OpenItemKind.RECEIVABLE else self.supplier

    @property
    def open_amount(self):
        return self.amount - self.allocated


class Settlement(Document):
    """Fields receipts and payments share: date, amount, the bank (or cash) account, voucher."""

    state = models.CharField(
        _("state"),
        max_length=20,
        choices=SettlementState.choices,
        default=SettlementState.DRAFT,
        db_index=True,
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **AMOUNT)
    bank_account = models.ForeignKey(
        "accounting.Account",
        verbose_name=_("bank account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    voucher = models.ForeignKey(
        "accounting.Voucher",
        verbose_name=_("voucher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(Document.Meta):
        abstract = True
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.number or str(
            _("Draft %(doc)s %(id)s") % {"doc": self._meta.verbose_name, "id": self.pk}
        )

    @property
    def display_number(self) -> str:
        """The number, or "Draft … 12" before posting (list column)."""
        return str(self)


class CustomerReceipt(Settlement):
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Settlement.Meta):
        verbose_name = _("customer receipt")
        verbose_name_plural = _("customer receipts")
        permissions = [("post_customerreceipt", "Can post customer receipt")]

    @property
    def partner(self):
        return self.customer


class SupplierPayment(Settlement):
    supplier = models.ForeignKey(
        "masterdata.Supplier",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Settlement.Meta):
        verbose_name = _("supplier payment")
        verbose_name_plural = _("supplier payments")
        permissions = [("post_supplierpayment", "Can post supplier payment")]

    @property
    def partner(self):
        return self.supplier


class CustomerReceiptLine(DocumentLine):
    """One allocation of a receipt to an open item (核销)."""

    receipt = models.ForeignKey(CustomerReceipt, on_delete=models.CASCADE, related_name="lines")
    open_item = models.ForeignKey(
        OpenItem, verbose_name=_("open item"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("allocated amount"), **AMOUNT)

    class Meta(DocumentLine.Meta):
        verbose_name = _("receipt allocation")
        verbose_name_plural = _("receipt allocations")

    def __str__(self) -> str:
        return f"{self.receipt_id}#{self.line_no}"


class SupplierPaymentLine(DocumentLine):
    payment = models.ForeignKey(SupplierPayment, on_delete=models.CASCADE, related_name="lines")
    open_item = models.ForeignKey(
        OpenItem, verbose_name=_("open item"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("allocated amount"), **AMOUNT)

    class Meta(DocumentLine.Meta):
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")

    def __str__(self) -> str:
        return f"{self.payment_id}#{self.line_no}"

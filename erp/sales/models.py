"""Sales documents: order (销售订单) → delivery (发货单) → invoice (销售发票); return (销售退货).

Amounts follow erp/masterdata/vat.py: every line is rounded once, the document totals are sums
of the line figures, so Σ 不含税金额 + Σ 税额 = 价税合计 exactly."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.models import Document, DocumentLine
from erp.masterdata.vat import VatRate

AMOUNT = {"max_digits": 18, "decimal_places": 2}
QTY = {"max_digits": 18, "decimal_places": 4}
PRICE = {"max_digits": 18, "decimal_places": 4}
PCT = {"max_digits": 5, "decimal_places": 2}


class SalesOrderState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CREDIT_HOLD = "credit_hold", _("Credit hold")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", pgettext_lazy("document state", "Approved")
    CLOSED = "closed", pgettext_lazy("document state", "Closed")
    CANCELLED = "cancelled", _("Cancelled")


class QuotationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", pgettext_lazy("quotation state", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("quotation state", "Accepted")
    LOST = "lost", pgettext_lazy("quotation state", "Lost")
    EXPIRED = "expired", pgettext_lazy("quotation state", "Expired")
    CANCELLED = "cancelled", _("Cancelled")


class SalesDocState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class FapiaoType(models.TextChoices):
    SPECIAL = "special", _("VAT special invoice (专票)")
    ORDINARY = "ordinary", _("VAT ordinary invoice (普票)")
    DIGITAL_SPECIAL = "digital_special", _("Digital special invoice (数电专)")
    DIGITAL_ORDINARY = "digital_ordinary", _("Digital ordinary invoice (数电普)")


class Totals(models.Model):
    net_total = models.DecimalField(_("amount excl. tax"), default=0, **AMOUNT)
    tax_total = models.DecimalField(_("VAT"), default=0, **AMOUNT)
    total = models.DecimalField(_("amount incl. tax"), default=0, **AMOUNT)

    class Meta:
        abstract = True


class SalesQuotation(Document, Totals):  # noqa: DJ008 (__str__ from Document)
    """销售报价单: prices offered to a customer until `valid_until`; 下推 makes the order."""

    state = models.CharField(
        _("state"), max_length=20, choices=QuotationState.choices, default=QuotationState.DRAFT
    )
    date = models.DateField(_("quotation date"))
    valid_until = models.DateField(_("valid until"))
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    price_includes_tax = models.BooleanField(_("prices include VAT"), default=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    discount_total = models.DecimalField(_("discount"), default=0, **AMOUNT)
    lost_reason = models.CharField(_("lost reason"), max_length=200, blank=True)

    class Meta(Document.Meta):
        verbose_name = _("sales quotation")
        verbose_name_plural = _("sales quotations")
        permissions = [
            ("send_salesquotation", _("Can send sales quotation")),
            ("accept_salesquotation", _("Can push a sales quotation down to an order")),
            ("lose_salesquotation", _("Can mark sales quotation lost")),
            ("cancel_salesquotation", _("Can cancel sales quotation")),
        ]

    @property
    def order(self):
        """The sales order pushed down from this quotation (单据联查), or None."""
        return self.orders.order_by("pk").first()

    @property
    def order_id(self) -> int | None:
        order = self.order
        return order.pk if order else None


class SalesOrder(Document, Totals):  # noqa: DJ008 (__str__ from Document)
    state = models.CharField(
        _("state"), max_length=20, choices=SalesOrderState.choices, default=SalesOrderState.DRAFT
    )
    date = models.DateField(_("order date"))
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    price_includes_tax = models.BooleanField(_("prices include VAT"), default=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    customer_reference = models.CharField(_("customer PO number"), max_length=60, blank=True)
    discount_total = models.DecimalField(_("discount"), default=0, **AMOUNT)
    max_discount = models.DecimalField(_("highest line discount %"), default=0, **PCT)
    hold_reason = models.CharField(_("credit hold reason"), max_length=300, blank=True)
    quotation = models.ForeignKey(
        SalesQuotation,
        verbose_name=_("quotation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    # Why an order was closed short (关闭); empty when it closed itself, fully done.
    close_reason = models.CharField(_("close reason"), max_length=200, blank=True)

    class Meta(Document.Meta):
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        permissions = [
            ("submit_salesorder", _("Can submit sales order")),
            ("release_salesorder", _("Can release sales order from credit hold")),
            ("close_salesorder", _("Can close sales order")),
            ("cancel_salesorder", _("Can cancel sales order")),
        ]


class PricedLine(DocumentLine):
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit_price = models.DecimalField(_("unit price"), **PRICE)
    vat_rate = models.CharField(_("VAT rate"), max_length=6, choices=VatRate.choices)
    discount_pct = models.DecimalField(_("discount %"), default=0, **PCT)
    net_amount = models.DecimalField(_("amount excl. tax"), default=0, **AMOUNT)
    tax_amount = models.DecimalField(_("VAT"), default=0, **AMOUNT)
    amount = models.DecimalField(_("amount incl. tax"), default=0, **AMOUNT)

    class Meta(DocumentLine.Meta):
        abstract = True


class SalesOrderLine(PricedLine):
    document = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    requested_date = models.DateField(_("requested date"), null=True, blank=True)
    # Masterdata has no per-customer shelf-life rule yet: the order line carries it.
    min_remaining_days = models.PositiveIntegerField(
        _("minimum remaining shelf life (days)"), null=True, blank=True
    )
    delivered_qty = models.DecimalField(_("delivered quantity"), default=0, **QTY)
    invoiced_qty = models.DecimalField(_("invoiced quantity"), default=0, **QTY)

    class Meta(PricedLine.Meta):
        verbose_name = _("sales order line")
        verbose_name_plural = _("sales order lines")


class SalesQuotationLine(PricedLine):
    document = models.ForeignKey(SalesQuotation, on_delete=models.CASCADE, related_name="lines")

    class Meta(PricedLine.Meta):
        verbose_name = _("sales quotation line")
        verbose_name_plural = _("sales quotation lines")


class DeliveryNote(Document):
    state = models.CharField(
        _("state"), max_length=20, choices=SalesDocState.choices, default=SalesDocState.DRAFT
    )
    date = models.DateField(_("delivery date"))
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    warehouse = models.ForeignKey(
        "masterdata.Warehouse",
        verbose_name=_("warehouse"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    cost_total = models.DecimalField(_("cost of goods sold"), default=0, **AMOUNT)

    class Meta(Document.Meta):
        verbose_name = _("delivery note")
        verbose_name_plural = _("delivery notes")
        permissions = [
            ("post_deliverynote", _("Can post delivery note")),
            ("cancel_deliverynote", _("Can cancel delivery note")),
        ]


class DeliveryNoteLine(DocumentLine):
    document = models.ForeignKey(DeliveryNote, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        SalesOrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="delivery_lines",
    )
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    # A lot the warehouse keeper chose; empty: picked FEFO among eligible lots at posting.
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cost_value = models.DecimalField(_("cost"), default=0, **AMOUNT)
    invoiced_qty = models.DecimalField(_("invoiced quantity"), default=0, **QTY)
    returned_qty = models.DecimalField(_("returned quantity"), default=0, **QTY)

    class Meta(DocumentLine.Meta):
        verbose_name = _("delivery note line")
        verbose_name_plural = _("delivery note lines")


class SalesInvoice(Document, Totals):  # noqa: DJ008 (__str__ from Document)
    state = models.CharField(
        _("state"), max_length=20, choices=SalesDocState.choices, default=SalesDocState.DRAFT
    )
    date = models.DateField(_("invoice date"))
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivery = models.ForeignKey(
        DeliveryNote,
        verbose_name=_("delivery note"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    fapiao_type = models.CharField(
        _("fapiao type"), max_length=20, choices=FapiaoType.choices, default=FapiaoType.SPECIAL
    )
    fapiao_number = models.CharField(_("fapiao number"), max_length=20, blank=True)
    fapiao_date = models.DateField(_("fapiao date"), null=True, blank=True)
    voucher = models.ForeignKey(
        "accounting.Voucher",
        verbose_name=_("voucher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Document.Meta):
        verbose_name = _("sales invoice")
        verbose_name_plural = _("sales invoices")
        permissions = [
            ("post_salesinvoice", _("Can post sales invoice")),
            ("cancel_salesinvoice", _("Can cancel sales invoice")),
        ]


class SalesInvoiceLine(PricedLine):
    document = models.ForeignKey(SalesInvoice, on_delete=models.CASCADE, related_name="lines")
    delivery_line = models.ForeignKey(
        DeliveryNoteLine,
        verbose_name=_("delivery line"),
        on_delete=models.PROTECT,
        related_name="invoice_lines",
    )

    class Meta(PricedLine.Meta):
        verbose_name = _("sales invoice line")
        verbose_name_plural = _("sales invoice lines")


class SalesReturn(Document):
    state = models.CharField(
        _("state"), max_length=20, choices=SalesDocState.choices, default=SalesDocState.DRAFT
    )
    date = models.DateField(_("return date"))
    customer = models.ForeignKey(
        "masterdata.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    delivery = models.ForeignKey(
        DeliveryNote,
        verbose_name=_("delivery note"),
        on_delete=models.PROTECT,
        related_name="returns",
    )
    location = models.ForeignKey(
        "masterdata.Location",
        verbose_name=_("receiving location"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("return reason"), max_length=200, blank=True)
    cost_total = models.DecimalField(_("cost returned"), default=0, **AMOUNT)
    # 红字: what the return credits of goods already invoiced (amount incl. tax), and its voucher.
    credit_total = models.DecimalField(_("credited incl. tax"), default=0, **AMOUNT)
    credit_voucher = models.ForeignKey(
        "accounting.Voucher",
        verbose_name=_("credit voucher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Document.Meta):
        verbose_name = _("sales return")
        verbose_name_plural = _("sales returns")
        permissions = [
            ("post_salesreturn", _("Can post sales return")),
            ("cancel_salesreturn", _("Can cancel sales return")),
        ]


class SalesReturnLine(DocumentLine):
    document = models.ForeignKey(SalesReturn, on_delete=models.CASCADE, related_name="lines")
    delivery_line = models.ForeignKey(
        DeliveryNoteLine,
        verbose_name=_("delivery line"),
        on_delete=models.PROTECT,
        related_name="return_lines",
    )
    material = models.ForeignKey(
        "masterdata.Material",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quantity = models.DecimalField(_("quantity"), **QTY)
    # The quarantine lot the goods came back into (set at posting).
    lot = models.ForeignKey(
        "inventory.Lot",
        verbose_name=_("return lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cost_value = models.DecimalField(_("cost"), default=0, **AMOUNT)

    class Meta(DocumentLine.Meta):
        verbose_name = _("sales return line")
        verbose_name_plural = _("sales return lines")

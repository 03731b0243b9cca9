"""Purchasing documents (采购单据): requisition, order, goods receipt, invoice, return.

Each is a Document (erp.core.models) with a declared state machine (erp/purchasing/states.py).
Receipts and returns post stock through the inventory services (source type
"purchasing.goodsreceipt" / "purchasing.purchasereturn", source line = line id); invoices post
their voucher through the accounting gate and open the payable (AP open item) a 付款单 settles.
Quantities are in the material's base unit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.models import Document, DocumentLine
from erp.masterdata.vat import VatRate
from erp.purchasing.states import (
    InvoiceState,
    OrderState,
    PriceState,
    ReceiptState,
    RequisitionState,
    ReturnState,
)

QTY = {"max_digits": 18, "decimal_places": 4}
PRICE = {"max_digits": 18, "decimal_places": 4}
AMOUNT = {"max_digits": 18, "decimal_places": 2}
UNIT_VALUE = {"max_digits": 18, "decimal_places": 6}


def _fk(model: str, label, *, null: bool = False, related: str = "+", cascade: bool = False):
    return models.ForeignKey(
        model,
        verbose_name=label,
        on_delete=models.CASCADE if cascade else models.PROTECT,
        related_name=related,
        null=null,
        blank=null,
    )


class PurchaseDocument(Document):
    date = models.DateField(_("date"))

    class Meta(Document.Meta):
        abstract = True
        ordering = ["-date", "-pk"]


# --- requisition ----------------------------------------------------------------------------


class PurchaseRequisition(PurchaseDocument):
    """请购单: what a department needs bought; pushed down into orders."""

    state = models.CharField(
        _("state"), max_length=20, choices=RequisitionState.choices, default="draft"
    )
    requested_by = _fk(settings.AUTH_USER_MODEL, _("requested by"), null=True)

    class Meta(PurchaseDocument.Meta):
        verbose_name = _("purchase requisition")
        verbose_name_plural = _("purchase requisitions")
        permissions = [
            ("submit_purchaserequisition", _("Can submit purchase requisitions")),
            ("approve_purchaserequisition", _("Can approve purchase requisitions")),
            ("close_purchaserequisition", _("Can close purchase requisitions")),
            ("cancel_purchaserequisition", _("Can cancel purchase requisitions")),
        ]


class PurchaseRequisitionLine(DocumentLine):
    document = _fk(PurchaseRequisition, _("requisition"), related="lines", cascade=True)
    material = _fk("masterdata.Material", _("material"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    needed_date = models.DateField(_("needed by"), null=True, blank=True)
    supplier = _fk("masterdata.Supplier", _("suggested supplier"), null=True)
    ordered_quantity = models.DecimalField(_("ordered quantity"), default=0, **QTY)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("purchase requisition line")


# --- order ----------------------------------------------------------------------------------


class PurchaseOrder(PurchaseDocument):
    """采购订单: supplier, prices and expected dates; approved through the approvals engine."""

    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices, default="draft")
    supplier = _fk("masterdata.Supplier", _("supplier"))
    warehouse = _fk("masterdata.Warehouse", _("receiving warehouse"), null=True)
    net_total = models.DecimalField(_("amount excl. tax"), default=0, **AMOUNT)
    tax_total = models.DecimalField(_("VAT"), default=0, **AMOUNT)
    total = models.DecimalField(_("amount incl. tax"), default=0, **AMOUNT)

    class Meta(PurchaseDocument.Meta):
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        permissions = [
            ("submit_purchaseorder", _("Can submit purchase orders")),
            ("close_purchaseorder", _("Can close purchase orders")),
            ("cancel_purchaseorder", _("Can cancel purchase orders")),
        ]


class PurchaseOrderLine(DocumentLine):
    document = _fk(PurchaseOrder, _("order"), related="lines", cascade=True)
    material = _fk("masterdata.Material", _("material"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    price = models.DecimalField(_("unit price"), **PRICE)
    price_includes_tax = models.BooleanField(_("price incl. tax"), default=True)
    vat_rate = models.CharField(_("VAT rate"), max_length=8, choices=VatRate.choices)
    expected_date = models.DateField(_("expected date"), null=True, blank=True)
    net_amount = models.DecimalField(_("amount excl. tax"), default=0, **AMOUNT)
    tax_amount = models.DecimalField(_("VAT"), default=0, **AMOUNT)
    gross_amount = models.DecimalField(_("amount incl. tax"), default=0, **AMOUNT)
    received_quantity = models.DecimalField(_("received quantity"), default=0, **QTY)
    requisition_line = _fk(PurchaseRequisitionLine, _("requisition line"), null=True)

    class Meta(DocumentLine.Meta):
        verbose_name = _("purchase order line")

    @property
    def open_quantity(self):
        return max(self.quantity - self.received_quantity, 0)


# --- goods receipt --------------------------------------------------------------------------


class GoodsReceipt(PurchaseDocument):
    """采购入库单: goods received against an order, each line into a new lot."""

    state = models.CharField(
        _("state"), max_length=20, choices=ReceiptState.choices, default="draft"
    )
    supplier = _fk("masterdata.Supplier", _("supplier"))
    warehouse = _fk("masterdata.Warehouse", _("warehouse"))
    order = _fk(PurchaseOrder, _("purchase order"), null=True, related="receipts")
    value_total = models.DecimalField(_("received value"), default=0, **AMOUNT)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta(PurchaseDocument.Meta):
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        permissions = [
            ("post_goodsreceipt", _("Can post goods receipts")),
            ("cancel_goodsreceipt", _("Can cancel goods receipts")),
        ]


class GoodsReceiptLine(DocumentLine):
    document = _fk(GoodsReceipt, _("goods receipt"), related="lines", cascade=True)
    order_line = _fk(PurchaseOrderLine, _("order line"), related="receipt_lines")
    material = _fk("masterdata.Material", _("material"))
    location = _fk("masterdata.Location", _("location"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    supplier_lot = models.CharField(_("supplier lot"), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    lot = _fk("inventory.Lot", _("lot"), null=True)
    # Valued at the order's net price when posted: what 暂估应付款 (GR/IR) was credited with.
    value = models.DecimalField(_("received value"), default=0, **AMOUNT)
    invoiced_quantity = models.DecimalField(_("invoiced quantity"), default=0, **QTY)
    invoiced_value = models.DecimalField(_("GR/IR cleared"), default=0, **AMOUNT)
    returned_quantity = models.DecimalField(_("returned quantity"), default=0, **QTY)
    returned_value = models.DecimalField(_("returned value"), default=0, **AMOUNT)

    class Meta(DocumentLine.Meta):
        verbose_name = _("goods receipt line")


# --- invoice --------------------------------------------------------------------------------


class PurchaseInvoice(PurchaseDocument):
    """采购发票: the supplier's VAT invoice matched against receipt lines (three-way match)."""

    state = models.CharField(
        _("state"), max_length=20, choices=InvoiceState.choices, default="draft"
    )
    supplier = _fk("masterdata.Supplier", _("supplier"))
    invoice_no = models.CharField(_("VAT invoice number"), max_length=40, blank=True)
    net_total = models.DecimalField(_("amount excl. tax"), default=0, **AMOUNT)
    tax_total = models.DecimalField(_("VAT"), default=0, **AMOUNT)
    total = models.DecimalField(_("amount incl. tax"), default=0, **AMOUNT)
    variance_total = models.DecimalField(_("price variance"), default=0, **AMOUNT)
    voucher = _fk("accounting.Voucher", _("voucher"), null=True)

    class Meta(PurchaseDocument.Meta):
        verbose_name = _("purchase invoice")
        verbose_name_plural = _("purchase invoices")
        permissions = [
            ("post_purchaseinvoice", _("Can post purchase invoices")),
            ("cancel_purchaseinvoice", _("Can cancel purchase invoices")),
        ]
        constraints = [
            *Document.Meta.constraints,
            models.UniqueConstraint(
                fields=["supplier", "invoice_no"],
                condition=~models.Q(invoice_no="") & models.Q(state="posted"),
                name="purchasing_invoice_unique_supplier_invoice_no",
            ),
        ]


class PurchaseInvoiceLine(DocumentLine):
    document = _fk(PurchaseInvoice, _("invoice"), related="lines", cascade=True)
    receipt_line = _fk(GoodsReceiptLine, _("receipt line"), related="invoice_lines")
    material = _fk("masterdata.Material", _("material"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    price = models.DecimalField(_("unit price excl. tax"), **PRICE)
    vat_rate = models.CharField(_("VAT rate"), max_length=8, choices=VatRate.choices)
    net_amount = models.DecimalField(_("amount excl. tax"), default=0, **AMOUNT)
    tax_amount = models.DecimalField(_("VAT"), default=0, **AMOUNT)
    gross_amount = models.DecimalField(_("amount incl. tax"), default=0, **AMOUNT)
    # The receipt value this line clears from 暂估应付款 and the difference to the invoice.
    grir_amount = models.DecimalField(_("GR/IR cleared"), default=0, **AMOUNT)
    variance = models.DecimalField(_("price variance"), default=0, **AMOUNT)

    class Meta(DocumentLine.Meta):
        verbose_name = _("purchase invoice line")


# --- return ---------------------------------------------------------------------------------


class PurchaseReturn(PurchaseDocument):
    """采购退货单: goods sent back to the supplier out of a receipt's lots."""

    state = models.CharField(
        _("state"), max_length=20, choices=ReturnState.choices, default="draft"
    )
    supplier = _fk("masterdata.Supplier", _("supplier"))
    receipt = _fk(GoodsReceipt, _("goods receipt"), null=True, related="returns")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    value_total = models.DecimalField(_("returned value"), default=0, **AMOUNT)

    class Meta(PurchaseDocument.Meta):
        verbose_name = _("purchase return")
        verbose_name_plural = _("purchase returns")
        permissions = [
            ("post_purchasereturn", _("Can post purchase returns")),
            ("cancel_purchasereturn", _("Can cancel purchase returns")),
        ]


class PurchaseReturnLine(DocumentLine):
    document = _fk(PurchaseReturn, _("return"), related="lines", cascade=True)
    receipt_line = _fk(GoodsReceiptLine, _("receipt line"), related="return_lines")
    material = _fk("masterdata.Material", _("material"))
    quantity = models.DecimalField(_("quantity"), **QTY)
    value = models.DecimalField(_("returned value"), default=0, **AMOUNT)

    class Meta(DocumentLine.Meta):
        verbose_name = _("purchase return line")


# --- supplier price list --------------------------------------------------------------------


class SupplierPrice(PurchaseDocument):
    """供应商价格表: one supplier's price of one material from `date` (valid from) to
    `valid_to` (open when empty), with quantity breaks as lines. Only active lists propose
    prices; two active lists of one supplier and material never overlap in time."""

    state = models.CharField(_("state"), max_length=20, choices=PriceState.choices, default="draft")
    supplier = _fk("masterdata.Supplier", _("supplier"))
    material = _fk("masterdata.Material", _("material"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    price_includes_tax = models.BooleanField(_("price incl. tax"), default=True)

    class Meta(PurchaseDocument.Meta):
        verbose_name = _("supplier price list")
        verbose_name_plural = _("supplier price lists")
        permissions = [
            ("activate_supplierprice", _("Can activate supplier price lists")),
            ("cancel_supplierprice", _("Can cancel supplier price lists")),
        ]

    @property
    def basis_label(self):
        return _("Incl. tax") if self.price_includes_tax else _("Excl. tax")


class SupplierPriceBreak(DocumentLine):
    """A quantity break: from `min_quantity` (base unit, per order line) the price is `price`."""

    document = _fk(SupplierPrice, _("price list"), related="lines", cascade=True)
    min_quantity = models.DecimalField(_("from quantity"), **QTY)
    price = models.DecimalField(_("unit price"), **PRICE)

    class Meta(DocumentLine.Meta):
        verbose_name = _("price break")

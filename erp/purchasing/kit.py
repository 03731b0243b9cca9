"""Document-kit declarations: purchase order (采购订单), goods receipt (采购入库单), purchase
invoice (采购发票) and purchase return (采购退货单). Pages, list/export, print and REST come from
erp.core.doc_kit; business rules stay in erp/purchasing/services/. Push-down (下推) buttons
and the GR/IR report are this app's own views (views.py)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field

from erp.approvals.selectors import history_for_document, latest_request_for_document
from erp.core.access import has_perm
from erp.core.doc_kit.declaration import DocumentKit
from erp.core.doc_kit.schemas import patch_schema
from erp.core.ledger import ledger
from erp.core.listing import Column
from erp.inventory.selectors import moves_of_source
from erp.purchasing import forms
from erp.purchasing import models as m
from erp.purchasing.services import invoices, orders, prices, receipts, requisitions, returns
from erp.purchasing.states import (
    INVOICE_MACHINE,
    ORDER_MACHINE,
    PRICE_MACHINE,
    RECEIPT_MACHINE,
    REQUISITION_MACHINE,
    RETURN_MACHINE,
    InvoiceState,
    OrderState,
    PriceState,
    ReceiptState,
    RequisitionState,
    ReturnState,
)

QTY = {"max_digits": 18, "decimal_places": 4}
PRICE = {"max_digits": 18, "decimal_places": 4}

# --- REST schemas ---------------------------------------------------------------------------


class OrderLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    material_id: int
    quantity: Decimal = Field(**QTY)
    price: Decimal | None = Field(default=None, **PRICE)
    price_includes_tax: bool | None = None
    vat_rate: str = ""
    expected_date: dt.date | None = None


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")
    date: dt.date
    supplier_id: int
    warehouse_id: int | None = None
    note: str = ""
    lines: list[OrderLineIn] = []


OrderPatch = patch_schema(OrderIn)


class OrderLineOut(Schema):
    id: int
    line_no: int
    material_id: int
    quantity: Decimal
    price: Decimal
    price_includes_tax: bool
    vat_rate: str
    expected_date: dt.date | None
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal
    received_quantity: Decimal


class OrderOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    supplier_id: int
    warehouse_id: int | None
    note: str
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    lines: list[OrderLineOut]


class ReceiptLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    order_line_id: int
    quantity: Decimal = Field(**QTY)
    location_id: int | None = None
    supplier_lot: str = Field(default="", max_length=60)
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None


class ReceiptIn(Schema):
    model_config = ConfigDict(extra="forbid")
    date: dt.date | None = None
    supplier_id: int
    warehouse_id: int
    order_id: int | None = None
    note: str = ""
    lines: list[ReceiptLineIn] = []


ReceiptPatch = patch_schema(ReceiptIn, exclude=("supplier_id",))


class ReceiptLineOut(Schema):
    id: int
    line_no: int
    order_line_id: int
    material_id: int
    location_id: int
    quantity: Decimal
    supplier_lot: str
    production_date: dt.date | None
    expiry_date: dt.date | None
    lot_id: int | None
    value: Decimal
    invoiced_quantity: Decimal
    returned_quantity: Decimal


class ReceiptOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    supplier_id: int
    warehouse_id: int
    order_id: int | None
    note: str
    value_total: Decimal
    lines: list[ReceiptLineOut]


class InvoiceLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    receipt_line_id: int
    quantity: Decimal = Field(**QTY)
    price: Decimal = Field(**PRICE)
    vat_rate: str = ""


class InvoiceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    date: dt.date | None = None
    supplier_id: int
    invoice_no: str = Field(default="", max_length=40)
    note: str = ""
    lines: list[InvoiceLineIn] = []


InvoicePatch = patch_schema(InvoiceIn, exclude=("supplier_id",))


class InvoiceLineOut(Schema):
    id: int
    line_no: int
    receipt_line_id: int
    material_id: int
    quantity: Decimal
    price: Decimal
    vat_rate: str
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal
    grir_amount: Decimal
    variance: Decimal


class InvoiceOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    supplier_id: int
    invoice_no: str
    note: str
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    variance_total: Decimal
    lines: list[InvoiceLineOut]


class ReturnLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    receipt_line_id: int
    quantity: Decimal = Field(**QTY)


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")
    date: dt.date | None = None
    supplier_id: int
    receipt_id: int | None = None
    reason: str = Field(default="", max_length=200)
    note: str = ""
    lines: list[ReturnLineIn] = []


ReturnPatch = patch_schema(ReturnIn, exclude=("supplier_id",))


class ReturnLineOut(Schema):
    id: int
    line_no: int
    receipt_line_id: int
    material_id: int
    quantity: Decimal
    value: Decimal


class ReturnOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    supplier_id: int
    receipt_id: int | None
    reason: str
    note: str
    value_total: Decimal
    lines: list[ReturnLineOut]


class RequisitionLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    material_id: int
    quantity: Decimal = Field(**QTY)
    needed_date: dt.date | None = None
    supplier_id: int | None = None
    note: str = Field(default="", max_length=200)


class RequisitionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    date: dt.date | None = None
    note: str = ""
    lines: list[RequisitionLineIn] = []


RequisitionPatch = patch_schema(RequisitionIn)


class RequisitionLineOut(Schema):
    id: int
    line_no: int
    material_id: int
    quantity: Decimal
    needed_date: dt.date | None
    supplier_id: int | None
    ordered_quantity: Decimal


class RequisitionOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    note: str
    lines: list[RequisitionLineOut]


class PriceBreakIn(Schema):
    model_config = ConfigDict(extra="forbid")
    min_quantity: Decimal = Field(default=Decimal("0"), **QTY)
    price: Decimal = Field(**PRICE)


class PriceIn(Schema):
    model_config = ConfigDict(extra="forbid")
    supplier_id: int
    material_id: int
    date: dt.date
    valid_to: dt.date | None = None
    price_includes_tax: bool = True
    note: str = ""
    lines: list[PriceBreakIn] = []


PricePatch = patch_schema(PriceIn)


class PriceBreakOut(Schema):
    id: int
    line_no: int
    min_quantity: Decimal
    price: Decimal


class PriceOut(Schema):
    id: int
    number: str
    state: str
    version: int
    supplier_id: int
    material_id: int
    date: dt.date
    valid_to: dt.date | None
    price_includes_tax: bool
    note: str
    lines: list[PriceBreakOut]


# --- detail pages ---------------------------------------------------------------------------


def _vouchers(request, source_type: str, doc) -> dict:
    return {
        "vouchers": ledger().vouchers_for_source(source_type, str(doc.pk)),
        "can_see_vouchers": has_perm(request.user, "accounting.view_voucher"),
    }


def _order_extra(request, order, lines) -> dict:
    return {
        "approval_history": history_for_document(order),
        "approval_request": latest_request_for_document(order),
        "receipts": order.receipts.order_by("pk"),
        "can_receive": order.state == "approved"
        and (
            has_perm(request.user, "purchasing.add_goodsreceipt")
            or has_perm(request.user, "purchasing.post_goodsreceipt")
        ),
    }


def _receipt_extra(request, receipt, lines) -> dict:
    moves = moves_of_source(source_type=receipts.DOC_TYPE, source_id=receipt.pk).select_related(
        "material", "lot", "to_location"
    )
    invoice_ids = m.PurchaseInvoiceLine.objects.filter(receipt_line__document=receipt).values(
        "document_id"
    )
    return {
        **_vouchers(request, receipts.DOC_TYPE, receipt),
        "moves": moves,
        "invoices": m.PurchaseInvoice.objects.filter(pk__in=invoice_ids).order_by("pk"),
        "returns": receipt.returns.order_by("pk"),
        "can_invoice": receipt.state == "posted"
        and has_perm(request.user, "purchasing.add_purchaseinvoice"),
        "can_return": receipt.state == "posted"
        and has_perm(request.user, "purchasing.add_purchasereturn"),
    }


def _requisition_extra(request, doc, lines) -> dict:
    order_ids = m.PurchaseOrderLine.objects.filter(requisition_line__document=doc).values(
        "document_id"
    )
    return {
        "orders": m.PurchaseOrder.objects.filter(pk__in=order_ids).order_by("pk"),
        "can_order": doc.state == "approved"
        and has_perm(request.user, "purchasing.add_purchaseorder"),
    }


def _invoice_extra(request, invoice, lines) -> dict:
    """A price difference beyond tolerance went for approval: its history shows with it."""
    extra = _vouchers(request, invoices.DOC_TYPE, invoice)
    request_ = latest_request_for_document(invoice)
    if request_ is not None:
        extra["approval_history"] = history_for_document(invoice)
        extra["approval_request"] = request_
    return extra


def _return_extra(request, doc, lines) -> dict:
    return _vouchers(request, returns.DOC_TYPE, doc)


def _lines_annotate(doc, lines) -> None:
    for ln in lines:
        ln.lot_shown = ln.lot.number if getattr(ln, "lot_id", None) else ""
        if hasattr(ln, "price_includes_tax"):
            ln.basis_shown = _("Incl. tax") if ln.price_includes_tax else _("Excl. tax")


def _price_sample() -> dict:
    from erp.masterdata.models import Material, Supplier

    return {
        "date": timezone.localdate(),
        "supplier_id": Supplier.objects.order_by("pk").first().pk,
        "material_id": Material.objects.filter(active=True).order_by("pk").first().pk,
    }


def _price_extra(request, doc, lines) -> dict:
    return {"price_history_query": f"supplier={doc.supplier_id}&material={doc.material_id}"}


def _supplier_sample() -> dict:
    from erp.masterdata.models import Supplier, Warehouse

    supplier = Supplier.objects.order_by("pk").first()
    warehouse = Warehouse.objects.order_by("pk").first()
    return {
        "date": timezone.localdate(),
        "supplier_id": supplier.pk,
        "warehouse_id": warehouse.pk if warehouse else None,
    }


MATERIAL = Column("material", _("Material"))
SUPPLIER = Column("supplier", _("Supplier"))
SUPPLIER_LIST = Column("supplier.name", _("Supplier"), sort="supplier__name")
QUANTITY = Column("quantity", _("Quantity"), kind="qty")
SECTIONS = ("purchasing/_links.html",)


def _kit(**options) -> DocumentKit:
    return DocumentKit(
        **{
            "app": "purchasing",
            "section": _("Purchasing"),
            "search_placeholder": _("Number or note"),
            "detail_sections": SECTIONS,
            "line_annotate": _lines_annotate,
            "sample_header": _supplier_sample,
            **options,
        }
    )


DOCUMENTS = [
    _kit(
        model=m.PurchaseRequisition,
        line_model=m.PurchaseRequisitionLine,
        machine=REQUISITION_MACHINE,
        list_filter=forms.document_filter(RequisitionState),
        number_doc_type=requisitions.DOC_TYPE,
        slug="requisitions",
        api_slug="purchase-requisitions",
        title=_("Purchase requisitions"),
        create=requisitions.purchase_requisition_create,
        update=requisitions.purchase_requisition_update,
        transitions={
            "submit": requisitions.purchase_requisition_submit,
            "close": requisitions.purchase_requisition_close,
            "cancel": requisitions.purchase_requisition_cancel,
        },
        header_form=forms.RequisitionHeaderForm,
        line_form=forms.RequisitionLineForm,
        select_related=("requested_by",),
        header_columns=(
            Column("date", _("Date"), kind="date"),
            Column("requested_by", _("Requested by")),
        ),
        line_columns=(
            MATERIAL,
            QUANTITY,
            Column("needed_date", _("Needed by"), kind="date"),
            Column("supplier", _("Suggested supplier")),
            Column("ordered_quantity", _("Ordered quantity"), kind="qty"),
            Column("note", _("Note")),
        ),
        line_select_related=("material", "supplier"),
        detail_buttons="purchasing/_requisition_buttons.html",
        detail_extra=_requisition_extra,
        print_signatures=(_("Requested by"), _("Approved by")),
        api_in=RequisitionIn,
        api_patch=RequisitionPatch,
        api_out=RequisitionOut,
        api_filters=("state",),
    ),
    _kit(
        model=m.PurchaseOrder,
        line_model=m.PurchaseOrderLine,
        machine=ORDER_MACHINE,
        list_filter=forms.document_filter(OrderState),
        number_doc_type=orders.DOC_TYPE,
        approval_subject=orders.DOC_TYPE,
        slug="orders",
        api_slug="purchase-orders",
        title=_("Purchase orders"),
        create=orders.purchase_order_create,
        update=orders.purchase_order_update,
        transitions={
            "submit": orders.purchase_order_submit,
            "close": orders.purchase_order_close,
            "cancel": orders.purchase_order_cancel,
        },
        header_form=forms.OrderHeaderForm,
        line_form=forms.OrderLineForm,
        edit_states=("draft", "submitted", "approved"),
        list_columns=(
            SUPPLIER_LIST,
            Column("total", _("Amount incl. tax"), kind="amount", sort="total"),
        ),
        select_related=("supplier", "warehouse"),
        header_columns=(
            Column("date", _("Order date"), kind="date"),
            SUPPLIER,
            Column("warehouse", _("Receiving warehouse")),
            Column("net_total", _("Amount excl. tax"), kind="amount"),
            Column("tax_total", _("VAT"), kind="amount"),
            Column("total", _("Amount incl. tax"), kind="amount"),
        ),
        line_columns=(
            MATERIAL,
            QUANTITY,
            Column("price", _("Unit price"), kind="num"),
            Column("basis_shown", _("Price basis")),
            Column("get_vat_rate_display", _("VAT rate")),
            Column("expected_date", _("Expected date"), kind="date"),
            Column("net_amount", _("Amount excl. tax"), kind="amount", total=True),
            Column("tax_amount", _("VAT"), kind="amount", total=True),
            Column("gross_amount", _("Amount incl. tax"), kind="amount", total=True),
            Column("received_quantity", _("Received quantity"), kind="qty"),
        ),
        line_select_related=("material",),
        detail_buttons="purchasing/_order_buttons.html",
        detail_extra=_order_extra,
        print_signatures=(_("Purchaser"), _("Approved by"), _("Supplier (seal)")),
        api_in=OrderIn,
        api_patch=OrderPatch,
        api_out=OrderOut,
        api_filters=("state", "supplier_id"),
    ),
    _kit(
        model=m.GoodsReceipt,
        line_model=m.GoodsReceiptLine,
        machine=RECEIPT_MACHINE,
        list_filter=forms.document_filter(ReceiptState),
        number_doc_type=receipts.DOC_TYPE,
        slug="receipts",
        api_slug="goods-receipts",
        title=_("Goods receipts"),
        create=receipts.goods_receipt_create,
        update=receipts.goods_receipt_update,
        transitions={"post": receipts.goods_receipt_post, "cancel": receipts.goods_receipt_cancel},
        header_form=forms.ReceiptHeaderForm,
        line_form=forms.ReceiptLineForm,
        may_edit=lambda user, doc: (
            has_perm(user, "purchasing.add_goodsreceipt")
            or has_perm(user, "purchasing.post_goodsreceipt")
        ),
        list_columns=(SUPPLIER_LIST, Column("warehouse.code", _("Warehouse"))),
        select_related=("supplier", "warehouse", "order"),
        header_columns=(
            Column("date", _("Receipt date"), kind="date"),
            SUPPLIER,
            Column("warehouse", _("Warehouse")),
            Column("order", _("Purchase order"), kind="doc"),
            Column("value_total", _("Received value"), kind="amount"),
        ),
        line_columns=(
            MATERIAL,
            Column("location.code", _("Location")),
            QUANTITY,
            Column("supplier_lot", _("Supplier lot")),
            Column("lot_shown", _("Lot")),
            Column("production_date", _("Production date"), kind="date"),
            Column("expiry_date", _("Expiry date"), kind="date"),
            Column("value", _("Received value"), kind="amount", total=True),
        ),
        line_select_related=("material", "location", "lot"),
        detail_buttons="purchasing/_receipt_buttons.html",
        detail_extra=_receipt_extra,
        print_signatures=(_("Delivered by"), _("Warehouse keeper"), _("Inspector")),
        api_in=ReceiptIn,
        api_patch=ReceiptPatch,
        api_out=ReceiptOut,
        api_filters=("state", "supplier_id", "order_id"),
    ),
    _kit(
        model=m.PurchaseInvoice,
        line_model=m.PurchaseInvoiceLine,
        machine=INVOICE_MACHINE,
        list_filter=forms.document_filter(InvoiceState),
        number_doc_type=invoices.DOC_TYPE,
        approval_subject=invoices.DOC_TYPE,
        slug="invoices",
        api_slug="purchase-invoices",
        title=_("Purchase invoices"),
        create=invoices.purchase_invoice_create,
        update=invoices.purchase_invoice_update,
        transitions={
            "post": invoices.purchase_invoice_post,
            "cancel": invoices.purchase_invoice_cancel,
        },
        header_form=forms.InvoiceHeaderForm,
        line_form=forms.InvoiceLineForm,
        list_columns=(
            SUPPLIER_LIST,
            Column("invoice_no", _("VAT invoice number")),
            Column("total", _("Amount incl. tax"), kind="amount", sort="total"),
        ),
        search_fields=("number", "invoice_no", "note"),
        select_related=("supplier",),
        header_columns=(
            Column("date", _("Invoice date"), kind="date"),
            SUPPLIER,
            Column("invoice_no", _("VAT invoice number")),
            Column("net_total", _("Amount excl. tax"), kind="amount"),
            Column("tax_total", _("VAT"), kind="amount"),
            Column("total", _("Amount incl. tax"), kind="amount"),
            Column("variance_total", _("Price variance"), kind="amount"),
        ),
        line_columns=(
            MATERIAL,
            Column("receipt_line.document", _("Goods receipt"), kind="doc"),
            QUANTITY,
            Column("price", _("Unit price excl. tax"), kind="num"),
            Column("get_vat_rate_display", _("VAT rate")),
            Column("net_amount", _("Amount excl. tax"), kind="amount", total=True),
            Column("tax_amount", _("VAT"), kind="amount", total=True),
            Column("gross_amount", _("Amount incl. tax"), kind="amount", total=True),
            Column("grir_amount", _("GR/IR cleared"), kind="amount", total=True),
            Column("variance", _("Price variance"), kind="amount", total=True),
        ),
        line_select_related=("material", "receipt_line__document"),
        detail_extra=_invoice_extra,
        print_signatures=(_("Accountant"), _("Reviewed by")),
        api_in=InvoiceIn,
        api_patch=InvoicePatch,
        api_out=InvoiceOut,
        api_filters=("state", "supplier_id"),
    ),
    _kit(
        model=m.PurchaseReturn,
        line_model=m.PurchaseReturnLine,
        machine=RETURN_MACHINE,
        list_filter=forms.document_filter(ReturnState),
        number_doc_type=returns.DOC_TYPE,
        slug="returns",
        api_slug="purchase-returns",
        title=_("Purchase returns"),
        create=returns.purchase_return_create,
        update=returns.purchase_return_update,
        transitions={
            "post": returns.purchase_return_post,
            "cancel": returns.purchase_return_cancel,
        },
        header_form=forms.ReturnHeaderForm,
        line_form=forms.ReturnLineForm,
        list_columns=(SUPPLIER_LIST, Column("reason", _("Reason"))),
        select_related=("supplier", "receipt"),
        header_columns=(
            Column("date", _("Return date"), kind="date"),
            SUPPLIER,
            Column("receipt", _("Goods receipt"), kind="doc"),
            Column("reason", _("Reason")),
            Column("value_total", _("Returned value"), kind="amount"),
        ),
        line_columns=(
            MATERIAL,
            Column("receipt_line.lot.number", _("Lot")),
            QUANTITY,
            Column("value", _("Returned value"), kind="amount", total=True),
        ),
        line_select_related=("material", "receipt_line__lot"),
        detail_extra=_return_extra,
        print_signatures=(_("Purchaser"), _("Warehouse keeper")),
        api_in=ReturnIn,
        api_patch=ReturnPatch,
        api_out=ReturnOut,
        api_filters=("state", "supplier_id"),
    ),
    _kit(
        model=m.SupplierPrice,
        line_model=m.SupplierPriceBreak,
        machine=PRICE_MACHINE,
        list_filter=forms.document_filter(PriceState),
        number_doc_type=prices.DOC_TYPE,
        slug="prices",
        api_slug="supplier-prices",
        title=_("Supplier price lists"),
        create=prices.supplier_price_create,
        update=prices.supplier_price_update,
        transitions={
            "activate": prices.supplier_price_activate,
            "cancel": prices.supplier_price_cancel,
        },
        header_form=forms.PriceHeaderForm,
        line_form=forms.PriceBreakForm,
        list_columns=(
            SUPPLIER_LIST,
            Column("material.code", _("Material"), sort="material__code"),
            Column("valid_to", _("Valid to"), kind="date"),
        ),
        search_fields=("number", "note", "material__code", "material__name"),
        select_related=("supplier", "material"),
        header_columns=(
            Column("date", _("Valid from"), kind="date"),
            Column("valid_to", _("Valid to"), kind="date"),
            SUPPLIER,
            MATERIAL,
            Column("basis_label", _("Price basis")),
        ),
        line_columns=(
            Column("min_quantity", _("From quantity"), kind="qty"),
            Column("price", _("Unit price"), kind="num"),
        ),
        detail_extra=_price_extra,
        print_signatures=(_("Purchaser"), _("Approved by")),
        api_in=PriceIn,
        api_patch=PricePatch,
        api_out=PriceOut,
        api_filters=("state", "supplier_id", "material_id"),
        sample_header=_price_sample,
    ),
]

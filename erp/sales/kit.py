"""Document-kit declarations: sales order (销售订单), delivery note (发货单), sales invoice
(销售发票), sales return (销售退货). Lists, forms, detail pages, print and REST come from the kit;
business rules stay in services/."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field

from erp.approvals.selectors import history_for_document, latest_request_for_document
from erp.core.doc_kit.declaration import DocumentKit
from erp.core.doc_kit.schemas import patch_schema
from erp.core.errors import DomainError
from erp.core.listing import Column
from erp.inventory.selectors import moves_of_source
from erp.sales import forms
from erp.sales import models as m
from erp.sales.selectors import delivery_lot_picks
from erp.sales.services import deliveries, invoices, orders, quotations, returns
from erp.sales.states import (
    DELIVERY_MACHINE,
    INVOICE_MACHINE,
    ORDER_MACHINE,
    QUOTATION_MACHINE,
    RETURN_MACHINE,
)

QTY = {"max_digits": 18, "decimal_places": 4}

# --- REST schemas -------------------------------------------------------------------------------


class OrderLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    material_id: int
    quantity: Decimal = Field(**QTY)
    unit_price: Decimal = Field(**QTY)
    vat_rate: str = ""  # empty: the material's rate
    discount_pct: Decimal = Field(default=Decimal("0"), max_digits=5, decimal_places=2)
    requested_date: dt.date | None = None
    min_remaining_days: int | None = Field(default=None, ge=0, le=3650)


class QuotationLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    material_id: int
    quantity: Decimal = Field(**QTY)
    unit_price: Decimal = Field(**QTY)
    vat_rate: str = ""  # empty: the material's rate
    discount_pct: Decimal = Field(default=Decimal("0"), max_digits=5, decimal_places=2)


class QuotationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer_id: int
    date: dt.date
    valid_until: dt.date
    price_includes_tax: bool = True
    delivery_address: str = Field(default="", max_length=300)
    note: str = ""
    lines: list[QuotationLineIn] = []


QuotationPatch = patch_schema(QuotationIn)


class LoseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=200)


class OrderIn(Schema):
    model_config = ConfigDict(extra="forbid")

    customer_id: int
    date: dt.date
    price_includes_tax: bool = True
    customer_reference: str = Field(default="", max_length=60)
    delivery_address: str = Field(default="", max_length=300)
    note: str = ""
    lines: list[OrderLineIn] = []


OrderPatch = patch_schema(OrderIn)


class PricedLineOut(Schema):
    line_no: int
    material_id: int
    quantity: Decimal
    unit_price: Decimal
    vat_rate: str
    discount_pct: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    amount: Decimal


class QuotationOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    valid_until: dt.date
    customer_id: int
    price_includes_tax: bool
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    discount_total: Decimal
    lost_reason: str
    order_id: int | None = None  # the sales order pushed down from it
    note: str
    lines: list[PricedLineOut]


class OrderLineOut(PricedLineOut):
    id: int
    delivered_qty: Decimal
    invoiced_qty: Decimal
    min_remaining_days: int | None


class OrderOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    customer_id: int
    price_includes_tax: bool
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    discount_total: Decimal
    hold_reason: str
    close_reason: str
    quotation_id: int | None
    note: str
    lines: list[OrderLineOut]


class DeliveryLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    order_line_id: int
    quantity: Decimal = Field(**QTY)
    lot_id: int | None = None


class DeliveryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    order_id: int
    warehouse_id: int
    date: dt.date
    delivery_address: str = Field(default="", max_length=300)
    note: str = ""
    lines: list[DeliveryLineIn] = []  # empty: push the order down (remaining quantities)


DeliveryPatch = patch_schema(DeliveryIn, exclude=("order_id",))


class DeliveryLineOut(Schema):
    id: int
    line_no: int
    order_line_id: int
    material_id: int
    quantity: Decimal
    lot_id: int | None
    cost_value: Decimal
    invoiced_qty: Decimal
    returned_qty: Decimal


class DeliveryOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    customer_id: int
    order_id: int
    warehouse_id: int
    cost_total: Decimal
    note: str
    lines: list[DeliveryLineOut]


class DocLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    delivery_line_id: int
    quantity: Decimal = Field(**QTY)


class InvoiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    delivery_id: int
    date: dt.date
    fapiao_type: m.FapiaoType = m.FapiaoType.SPECIAL
    fapiao_number: str = Field(default="", max_length=20)
    fapiao_date: dt.date | None = None
    note: str = ""
    lines: list[DocLineIn] = []  # empty: everything delivered and not yet invoiced


InvoicePatch = patch_schema(InvoiceIn, exclude=("delivery_id",))


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=200)


class FapiaoIn(Schema):
    model_config = ConfigDict(extra="forbid")

    fapiao_number: str = Field(max_length=20)
    fapiao_date: dt.date | None = None
    fapiao_type: m.FapiaoType | None = None


class InvoiceLineOut(PricedLineOut):
    delivery_line_id: int


class InvoiceOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    customer_id: int
    delivery_id: int
    fapiao_type: str
    fapiao_number: str
    fapiao_date: dt.date | None
    net_total: Decimal
    tax_total: Decimal
    total: Decimal
    voucher_id: int | None
    note: str
    lines: list[InvoiceLineOut]


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    delivery_id: int
    date: dt.date
    location_id: int | None = None
    reason: str = Field(default="", max_length=200)
    note: str = ""
    lines: list[DocLineIn] = []


ReturnPatch = patch_schema(ReturnIn, exclude=("delivery_id",))


class ReturnLineOut(Schema):
    line_no: int
    delivery_line_id: int
    material_id: int
    quantity: Decimal
    lot_id: int | None
    cost_value: Decimal


class ReturnOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    customer_id: int
    delivery_id: int
    location_id: int
    reason: str
    cost_total: Decimal
    credit_total: Decimal
    note: str
    lines: list[ReturnLineOut]


# --- detail pages -------------------------------------------------------------------------------


def _order_extra(request, order, lines) -> dict:
    return {
        "approval_history": history_for_document(order),
        "approval_request": latest_request_for_document(order),
        "deliveries": order.deliveries.order_by("pk"),
    }


def _moves_extra(doc_type: str):
    def extra(request, doc, lines) -> dict:
        moves = moves_of_source(source_type=doc_type, source_id=doc.pk).select_related(
            "material", "lot", "from_location", "to_location"
        )
        return {"moves": moves}

    return extra


def _posted_lots(note) -> dict[str, list[str]]:
    """Lots (with expiry) each posted line went out from, by line id: the 送货单 lists them."""
    shown: dict[str, list[str]] = {}
    moves = moves_of_source(source_type=deliveries.DOC_TYPE, source_id=note.pk).select_related(
        "lot"
    )
    for move in moves:
        if move.lot is not None:
            expiry = f" ({move.lot.expiry_date:%Y-%m-%d})" if move.lot.expiry_date else ""
            qty = f"{move.quantity.normalize():f}"
            shown.setdefault(move.source_line_id, []).append(f"{move.lot.number}{expiry} × {qty}")
    return shown


def _delivery_lines_annotate(note, lines) -> None:
    """Lots of a posted line; for a draft, the chosen lot or the FEFO suggestion."""
    posted = _posted_lots(note) if note.state == "posted" else {}
    for line in lines:
        line.lot_shown = line.lot.number if line.lot_id else ""
        if posted:
            line.lot_shown = "; ".join(posted.get(str(line.pk), []))
        if line.lot_id or note.state != "draft" or not line.material.batch_managed:
            continue
        try:
            picks = delivery_lot_picks(
                material=line.material,
                quantity=line.quantity,
                warehouse=note.warehouse_id,
                on_date=note.date,
                customer=note.customer,
                min_expiry=deliveries.shelf_life_limit(note, line),
            )
        except DomainError as exc:
            line.lot_shown = f"{_('FEFO')}: {exc.message}"
            continue
        chosen = ", ".join(f"{lot.number} × {qty.normalize():f}" for lot, qty, _loc in picks if lot)
        line.lot_shown = f"{_('FEFO')}: {chosen}"


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").first()


def _sample_delivery() -> dict:
    from erp.masterdata.models import Warehouse

    order = _first(m.SalesOrder, state="approved")
    warehouse = _first(Warehouse, active=True)
    return {"order_id": order.pk, "warehouse_id": warehouse.pk, "date": timezone.localdate()}


def _sample_quotation() -> dict:
    from erp.masterdata.models import Customer

    today = timezone.localdate()
    return {
        "customer_id": _first(Customer, active=True).pk,
        "date": today,
        "valid_until": today + dt.timedelta(days=30),
    }


def _sample_order() -> dict:
    from erp.masterdata.models import Customer

    return {"customer_id": _first(Customer, active=True).pk, "date": timezone.localdate()}


def _sample_posted_delivery() -> dict:
    return {"delivery_id": _first(m.DeliveryNote, state="posted").pk, "date": timezone.localdate()}


def _sample_invoice() -> dict:
    return {**_sample_posted_delivery(), "fapiao_type": m.FapiaoType.ORDINARY}


MATERIAL = Column("material", _("Material"))
CUSTOMER = Column("customer.name", _("Customer"), sort="customer__name")
PRICED = (
    Column("quantity", _("Quantity"), kind="qty"),
    Column("unit_price", _("Unit price"), kind="amount"),
    Column("vat_rate", _("VAT rate %")),
    Column("discount_pct", _("Discount %"), kind="num"),
    Column("net_amount", _("Amount excl. tax"), kind="amount", total=True),
    Column("tax_amount", _("VAT"), kind="amount", total=True),
    Column("amount", _("Amount incl. tax"), kind="amount", total=True),
)
TOTALS = (
    Column("net_total", _("Amount excl. tax"), kind="amount"),
    Column("tax_total", _("VAT"), kind="amount"),
    Column("total", _("Amount incl. tax"), kind="amount"),
)
MOVES = ("inventory/_doc_moves.html",)

# What the customer's copy of a quotation shows; the page adds discount, order and lost reason.
QUOTATION_FACTS = (
    Column("date", _("Quotation date"), kind="date"),
    Column("valid_until", _("Valid until"), kind="date"),
    Column("customer", _("Customer")),
    Column("price_includes_tax", _("Prices include VAT"), kind="bool"),
    Column("delivery_address", _("Delivery address")),
    *TOTALS,
)

SALES_QUOTATION = DocumentKit(
    app="sales",
    model=m.SalesQuotation,
    line_model=m.SalesQuotationLine,
    machine=QUOTATION_MACHINE,
    number_doc_type=quotations.DOC_TYPE,
    slug="quotations",
    api_slug="quotations",
    title=_("Sales quotations"),
    section=_("Sales"),
    create=quotations.sales_quotation_create,
    update=quotations.sales_quotation_update,
    transitions={
        "send": quotations.sales_quotation_send,
        "order": quotations.sales_quotation_order,
        "lose": quotations.sales_quotation_lose,
        "cancel": quotations.sales_quotation_cancel,
    },
    transition_forms={"lose": forms.LoseForm},
    transition_in={"lose": LoseIn},
    header_form=forms.QuotationHeaderForm,
    line_form=forms.QuotationLineForm,
    form_wide_fields=("delivery_address", "note"),
    list_columns=(
        CUSTOMER,
        Column("valid_until", _("Valid until"), sort="valid_until", kind="date"),
        Column("total", _("Amount incl. tax"), sort="total", kind="amount"),
    ),
    list_filter=forms.QuotationFilter,
    search_fields=("number", "note", "customer__name"),
    select_related=("customer",),
    header_columns=(
        *QUOTATION_FACTS,
        Column("discount_total", _("Discount"), kind="amount"),
        Column("order", _("Sales order"), kind="doc"),
        Column("lost_reason", _("Lost reason")),
    ),
    print_header_columns=QUOTATION_FACTS,
    line_columns=(MATERIAL, *PRICED),
    print_columns=(MATERIAL, *PRICED),
    line_select_related=("material",),
    print_signatures=(_("Salesperson"), _("Customer")),
    api_in=QuotationIn,
    api_patch=QuotationPatch,
    api_out=QuotationOut,
    api_filters=("state", "customer_id"),
    sample_header=_sample_quotation,
)

SALES_ORDER = DocumentKit(
    app="sales",
    model=m.SalesOrder,
    line_model=m.SalesOrderLine,
    machine=ORDER_MACHINE,
    number_doc_type=orders.DOC_TYPE,
    approval_subject=orders.DOC_TYPE,
    slug="orders",
    api_slug="sales-orders",
    title=_("Sales orders"),
    section=_("Sales"),
    create=orders.sales_order_create,
    update=orders.sales_order_update,
    transitions={
        "submit": orders.sales_order_submit,
        "release": orders.sales_order_release,
        "close": orders.sales_order_close,
        "cancel": orders.sales_order_cancel,
    },
    transition_forms={"close": forms.CloseForm},
    transition_in={"close": CloseIn},
    header_form=forms.OrderHeaderForm,
    line_form=forms.OrderLineForm,
    form_wide_fields=("delivery_address", "note"),
    list_columns=(CUSTOMER, Column("total", _("Amount incl. tax"), sort="total", kind="amount")),
    list_filter=forms.OrderFilter,
    search_fields=("number", "note", "customer__name", "customer_reference"),
    select_related=("customer",),
    header_columns=(
        Column("date", _("Order date"), kind="date"),
        Column("customer", _("Customer")),
        Column("quotation", _("Quotation"), kind="doc"),
        Column("customer_reference", _("Customer PO number")),
        Column("price_includes_tax", _("Prices include VAT"), kind="bool"),
        Column("delivery_address", _("Delivery address")),
        *TOTALS,
        Column("discount_total", _("Discount"), kind="amount"),
        Column("hold_reason", _("Credit hold reason")),
        Column("close_reason", _("Close reason")),
    ),
    line_columns=(
        MATERIAL,
        *PRICED,
        Column("delivered_qty", _("Delivered"), kind="qty"),
        Column("invoiced_qty", _("Quantity invoiced"), kind="qty"),
        Column("min_remaining_days", _("Min. shelf life left (days)"), kind="num"),
    ),
    print_columns=(MATERIAL, *PRICED),
    line_select_related=("material",),
    detail_buttons="sales/_order_buttons.html",
    detail_sections=("sales/_order_links.html",),
    detail_extra=_order_extra,
    print_signatures=(_("Salesperson"), _("Approved by"), _("Customer")),
    api_in=OrderIn,
    api_patch=OrderPatch,
    api_out=OrderOut,
    api_filters=("state", "customer_id"),
    sample_header=_sample_order,
)

DELIVERY_FACTS = (
    Column("date", _("Delivery date"), kind="date"),
    Column("customer", _("Customer")),
    Column("order", _("Sales order"), kind="doc"),
    Column("warehouse", _("Warehouse")),
    Column("delivery_address", _("Delivery address")),
)

DELIVERY_NOTE = DocumentKit(
    app="sales",
    model=m.DeliveryNote,
    line_model=m.DeliveryNoteLine,
    machine=DELIVERY_MACHINE,
    number_doc_type=deliveries.DOC_TYPE,
    slug="deliveries",
    api_slug="delivery-notes",
    title=_("Delivery notes"),
    section=_("Sales"),
    create=deliveries.delivery_note_create,
    update=deliveries.delivery_note_update,
    transitions={"post": deliveries.delivery_note_post, "cancel": deliveries.delivery_note_cancel},
    header_form=forms.DeliveryHeaderForm,
    line_form=forms.DeliveryLineForm,
    form_wide_fields=("delivery_address", "note"),
    list_columns=(CUSTOMER, Column("order.number", _("Sales order"))),
    list_filter=forms.doc_filter(m.DeliveryNote),
    search_fields=("number", "note", "customer__name", "order__number"),
    select_related=("customer", "order", "warehouse"),
    header_columns=(*DELIVERY_FACTS, Column("cost_total", _("Cost of goods sold"), kind="amount")),
    # The customer signs a copy of the delivery note: it never shows our cost.
    print_header_columns=DELIVERY_FACTS,
    line_columns=(
        MATERIAL,
        Column("quantity", _("Quantity"), kind="qty"),
        Column("lot_shown", _("Lot")),
        Column("cost_value", _("Cost amount"), kind="amount"),
        Column("invoiced_qty", _("Quantity invoiced"), kind="qty"),
        Column("returned_qty", _("Returned"), kind="qty"),
    ),
    print_columns=(
        MATERIAL,
        Column("quantity", _("Quantity"), kind="qty", total=True),
        Column("lot_shown", _("Lot (expiry date) × quantity")),
    ),
    line_select_related=("material", "lot", "order_line"),
    line_annotate=_delivery_lines_annotate,
    detail_buttons="sales/_delivery_buttons.html",
    detail_sections=MOVES,
    detail_extra=_moves_extra(deliveries.DOC_TYPE),
    print_signatures=(_("Warehouse keeper"), _("Carrier"), _("Received by (customer)")),
    api_in=DeliveryIn,
    api_patch=DeliveryPatch,
    api_out=DeliveryOut,
    api_filters=("state", "customer_id", "order_id"),
    sample_header=_sample_delivery,
)

SALES_INVOICE = DocumentKit(
    app="sales",
    model=m.SalesInvoice,
    line_model=m.SalesInvoiceLine,
    machine=INVOICE_MACHINE,
    number_doc_type=invoices.DOC_TYPE,
    slug="invoices",
    api_slug="sales-invoices",
    title=_("Sales invoices"),
    section=_("Sales"),
    create=invoices.sales_invoice_create,
    update=invoices.sales_invoice_update,
    transitions={
        "post": invoices.sales_invoice_post,
        "cancel": invoices.sales_invoice_cancel,
        "fapiao": invoices.sales_invoice_fapiao,
    },
    transition_forms={"fapiao": forms.FapiaoForm},
    transition_in={"fapiao": FapiaoIn},
    header_form=forms.InvoiceHeaderForm,
    line_form=forms.InvoiceLineForm,
    list_columns=(
        CUSTOMER,
        Column("fapiao_number", _("Fapiao number"), sort="fapiao_number"),
        Column("total", _("Amount incl. tax"), sort="total", kind="amount"),
    ),
    list_filter=forms.doc_filter(m.SalesInvoice),
    search_fields=("number", "note", "customer__name", "fapiao_number"),
    select_related=("customer", "delivery", "voucher"),
    header_columns=(
        Column("date", _("Invoice date"), kind="date"),
        Column("customer", _("Customer")),
        Column("delivery", _("Delivery note"), kind="doc"),
        Column("fapiao_type", _("Fapiao type")),
        Column("fapiao_number", _("Fapiao number")),
        Column("fapiao_date", _("Fapiao date"), kind="date"),
        *TOTALS,
        Column("voucher.number", _("Voucher")),
    ),
    line_columns=(MATERIAL, *PRICED),
    line_select_related=("material",),
    detail_sections=MOVES,
    detail_extra=_moves_extra(invoices.DOC_TYPE),
    print_signatures=(_("Prepared by"), _("Reviewed by")),
    api_in=InvoiceIn,
    api_patch=InvoicePatch,
    api_out=InvoiceOut,
    api_filters=("state", "customer_id", "delivery_id"),
    sample_header=_sample_invoice,
)

SALES_RETURN = DocumentKit(
    app="sales",
    model=m.SalesReturn,
    line_model=m.SalesReturnLine,
    machine=RETURN_MACHINE,
    number_doc_type=returns.DOC_TYPE,
    slug="returns",
    api_slug="sales-returns",
    title=_("Sales returns"),
    section=_("Sales"),
    create=returns.sales_return_create,
    update=returns.sales_return_update,
    transitions={"post": returns.sales_return_post, "cancel": returns.sales_return_cancel},
    header_form=forms.ReturnHeaderForm,
    line_form=forms.ReturnLineForm,
    list_columns=(CUSTOMER, Column("delivery.number", _("Delivery note"))),
    list_filter=forms.doc_filter(m.SalesReturn),
    search_fields=("number", "note", "customer__name", "reason"),
    select_related=("customer", "delivery", "location", "credit_voucher"),
    header_columns=(
        Column("date", _("Return date"), kind="date"),
        Column("customer", _("Customer")),
        Column("delivery", _("Delivery note"), kind="doc"),
        Column("location", _("Receiving location")),
        Column("reason", _("Return reason")),
        Column("cost_total", _("Cost returned"), kind="amount"),
        Column("credit_total", _("Credited incl. tax"), kind="amount"),
        Column("credit_voucher.number", _("Credit voucher")),
    ),
    line_columns=(
        MATERIAL,
        Column("quantity", _("Quantity"), kind="qty"),
        Column("lot.number", _("Return lot")),
        Column("cost_value", _("Cost amount"), kind="amount"),
    ),
    line_select_related=("material", "lot"),
    detail_sections=MOVES,
    detail_extra=_moves_extra(returns.DOC_TYPE),
    print_signatures=(_("Warehouse keeper"), _("Quality inspector")),
    api_in=ReturnIn,
    api_patch=ReturnPatch,
    api_out=ReturnOut,
    api_filters=("state", "customer_id", "delivery_id"),
    sample_header=_sample_posted_delivery,
)

DOCUMENTS = [SALES_QUOTATION, SALES_ORDER, DELIVERY_NOTE, SALES_INVOICE, SALES_RETURN]

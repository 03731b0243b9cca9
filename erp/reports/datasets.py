"""The datasets of the modules reports builds on (sales, purchasing, production, inventory,
accounting). Reports registers them for those modules since it is the only app that reads
them all; each is the module's posted documents, filtered by the module's own view permission.
Accounting's tables are read through the app registry: no module imports accounting."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.reports.registry import Dataset, Field, dataset_register


def _material(prefix: str) -> tuple[Field, ...]:
    return (
        Field("material_code", f"{prefix}material__code", _("Material code")),
        Field("material", f"{prefix}material__name", _("Material")),
        Field("category", f"{prefix}material__category__name", _("Material category")),
    )


def _customer(prefix: str) -> tuple[Field, ...]:
    return (
        Field("customer_code", f"{prefix}customer__code", _("Customer code")),
        Field("customer", f"{prefix}customer__name", _("Customer")),
        Field("salesperson", f"{prefix}customer__salesperson__full_name", _("Salesperson")),
    )


def _dated(prefix: str, label) -> tuple[Field, ...]:
    return (
        Field("date", f"{prefix}date", label, "date"),
        Field("month", f"{prefix}date", _("Month"), "month"),
    )


def _sales_invoice_lines() -> Dataset:
    from erp.sales.models import SalesDocState, SalesInvoiceLine

    return Dataset(
        code="sales_invoice_lines",
        label=_("Sales invoice lines (posted)"),
        permission="sales.view_salesinvoice",
        base=lambda: SalesInvoiceLine.objects.filter(document__state=SalesDocState.POSTED),
        fields=(
            Field("invoice_id", "document_id", _("Invoice ID"), "num"),
            Field("number", "document__number", _("Invoice number")),
            *_dated("document__", _("Invoice date")),
            *_customer("document__"),
            *_material(""),
            Field("vat_rate", "vat_rate", _("VAT rate")),
            Field("quantity", "quantity", _("Quantity"), "qty"),
            Field("net_amount", "net_amount", _("Amount excl. tax"), "amount"),
            Field("tax_amount", "tax_amount", _("VAT"), "amount"),
            Field("amount", "amount", _("Amount incl. tax"), "amount"),
        ),
        date_field="date",
        document=("invoice_id", "sales.salesinvoice"),
    )


def _delivery_lines() -> Dataset:
    from erp.sales.models import DeliveryNoteLine, SalesDocState

    return Dataset(
        code="delivery_lines",
        label=_("Delivery lines (posted)"),
        permission="sales.view_deliverynote",
        base=lambda: DeliveryNoteLine.objects.filter(document__state=SalesDocState.POSTED),
        fields=(
            Field("delivery_id", "document_id", _("Delivery ID"), "num"),
            Field("number", "document__number", _("Delivery number")),
            *_dated("document__", _("Delivery date")),
            *_customer("document__"),
            Field("warehouse", "document__warehouse__name", _("Warehouse")),
            *_material(""),
            Field("quantity", "quantity", _("Quantity"), "qty"),
            Field("cost", "cost_value", _("Cost of sales"), "amount"),
        ),
        date_field="date",
        document=("delivery_id", "sales.deliverynote"),
    )


def _goods_receipt_lines() -> Dataset:
    from erp.purchasing.models import GoodsReceiptLine

    return Dataset(
        code="goods_receipt_lines",
        label=_("Goods receipt lines (posted)"),
        permission="purchasing.view_goodsreceipt",
        base=lambda: GoodsReceiptLine.objects.filter(document__state="posted"),
        fields=(
            Field("receipt_id", "document_id", _("Receipt ID"), "num"),
            Field("number", "document__number", _("Receipt number")),
            *_dated("document__", _("Receipt date")),
            Field("supplier_code", "document__supplier__code", _("Supplier code")),
            Field("supplier", "document__supplier__name", _("Supplier")),
            Field("warehouse", "document__warehouse__name", _("Warehouse")),
            *_material(""),
            Field("quantity", "quantity", _("Quantity"), "qty"),
            Field("value", "value", _("Received value"), "amount"),
        ),
        date_field="date",
        document=("receipt_id", "purchasing.goodsreceipt"),
    )


def _production_orders() -> Dataset:
    from erp.production.models import ProductionOrder
    from erp.production.states import ProductionOrderState

    return Dataset(
        code="production_orders",
        label=_("Production orders"),
        permission="production.view_productionorder",
        base=lambda: ProductionOrder.objects.exclude(state=ProductionOrderState.CANCELLED),
        fields=(
            Field("order_id", "id", _("Order ID"), "num"),
            Field("number", "number", _("Order number")),
            *_dated("", _("Planned date")),
            Field(
                "state",
                "state",
                _("State"),
                "choice",
                choices=tuple(ProductionOrderState.choices),
            ),
            Field("product_code", "product__code", _("Product code")),
            Field("product", "product__name", _("Product")),
            Field("category", "product__category__name", _("Material category")),
            Field("quantity", "quantity", _("Planned quantity"), "qty"),
            Field("output_quantity", "output_quantity", _("Output quantity"), "qty"),
            Field("actual_cost", "actual_cost", _("Actual cost"), "amount"),
        ),
        date_field="date",
        document=("order_id", "production.productionorder"),
    )


def _stock_moves() -> Dataset:
    from erp.inventory.models import StockMove

    return Dataset(
        code="stock_moves",
        label=_("Stock moves"),
        permission="inventory.view_stockmove",
        base=lambda: StockMove.objects.all(),
        fields=(
            Field("date", "posting_date", _("Posting date"), "date"),
            Field("month", "posting_date", _("Month"), "month"),
            Field("move_type", "move_type", _("Move type")),
            *_material(""),
            Field("from_warehouse", "from_location__warehouse__name", _("From warehouse")),
            Field("to_warehouse", "to_location__warehouse__name", _("To warehouse")),
            Field("quantity", "quantity", _("Quantity"), "qty"),
            Field("value", "value", pgettext_lazy("report", "Value"), "amount"),
        ),
        date_field="date",
    )


def _receivables() -> Dataset:
    open_item = apps.get_model("accounting", "OpenItem")

    return Dataset(
        code="receivables",
        label=_("Receivables (open items)"),
        permission="accounting.view_openitem",
        base=lambda: open_item.objects.filter(kind="receivable"),
        fields=(
            Field("number", "source_number", _("Document number")),
            Field("date", "doc_date", _("Document date"), "date"),
            Field("month", "doc_date", _("Month"), "month"),
            Field("due_date", "due_date", _("Due date"), "date"),
            *_customer(""),
            Field(
                "state",
                "state",
                _("State"),
                "choice",
                choices=(("open", _("Outstanding")), ("closed", _("Settled"))),
            ),
            Field("amount", "amount", _("Amount"), "amount"),
            Field("allocated", "allocated", _("Allocated"), "amount"),
        ),
        date_field="date",
    )


def datasets_register_standard() -> None:
    for build in (
        _sales_invoice_lines,
        _delivery_lines,
        _goods_receipt_lines,
        _production_orders,
        _stock_moves,
        _receivables,
    ):
        dataset_register(build())

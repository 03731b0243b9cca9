"""Reads of the purchasing module: the GR/IR (应付暂估) report, figures, supplier prices
(the price an order line proposes, price history) and approved suppliers of a material."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q

from erp.core.ledger import ledger
from erp.masterdata.models import Supplier, SupplierMaterial
from erp.purchasing.models import (
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    SupplierPrice,
    SupplierPriceBreak,
)
from erp.purchasing.states import OrderState, PriceState, ReceiptState

ZERO = Decimal("0")
OPEN_VALUE = ExpressionWrapper(
    F("value") - F("returned_value") - F("invoiced_value"),
    output_field=DecimalField(max_digits=18, decimal_places=2),
)


def grir_open_lines():
    """Posted receipt lines with value received and neither invoiced nor returned (暂估)."""
    return (
        GoodsReceiptLine.objects.filter(document__state=ReceiptState.POSTED)
        .annotate(open_value=OPEN_VALUE)
        .exclude(open_value=0)
        .select_related("document__supplier", "material", "lot")
        .order_by("document__supplier__code", "document__date", "document_id", "line_no")
    )


@dataclass(frozen=True)
class GrirSupplier:
    supplier: object
    lines: list
    total: Decimal


@dataclass(frozen=True)
class GrirReport:
    suppliers: list[GrirSupplier]
    total: Decimal
    gl_balance: Decimal | None  # credit balance of the GR/IR account; None before the books

    @property
    def difference(self) -> Decimal | None:
        return None if self.gl_balance is None else self.gl_balance - self.total


def grir_gl_balance() -> Decimal | None:
    """Credit balance of the GR/IR account (the purchase_invoice rule's debit, 220202) over
    every posted voucher; None when the books have not started or the rule is missing."""
    from erp.purchasing.services.invoices import invoice_accounts

    try:
        code = invoice_accounts().grir
    except LookupError:
        return None
    debit, credit = ledger().account_balance(code)
    return credit - debit


def grir_report() -> GrirReport:
    by_supplier: dict[int, GrirSupplier] = {}
    for line in grir_open_lines():
        supplier = line.document.supplier
        entry = by_supplier.get(supplier.pk) or GrirSupplier(supplier, [], ZERO)
        entry.lines.append(line)
        by_supplier[supplier.pk] = GrirSupplier(
            supplier, entry.lines, entry.total + line.open_value
        )
    suppliers = list(by_supplier.values())
    total = sum((s.total for s in suppliers), ZERO)
    return GrirReport(suppliers, total, grir_gl_balance())


def orders_waiting_for_goods():
    return PurchaseOrder.objects.filter(state=OrderState.APPROVED)


# --- approved suppliers ---------------------------------------------------------------------


def supplier_approved_for(supplier, material) -> bool:
    """The existing rule (an approved supplier, 合格供应商) and, when the material names its
    approved suppliers (供应商-物料, masterdata SupplierMaterial), one of those."""
    if supplier.approval_status != Supplier.Approval.APPROVED:
        return False
    links = SupplierMaterial.objects.filter(material=material)
    return not links.exists() or links.filter(supplier=supplier).exists()


# --- supplier prices ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedPrice:
    price: Decimal
    includes_tax: bool
    source: str  # "price_list" or "last_order"
    reference: str  # the list's or the order's number


def price_lists_overlapping(doc: SupplierPrice):
    """Active lists of doc's supplier and material whose validity meets doc's."""
    others = SupplierPrice.objects.filter(
        state=PriceState.ACTIVE, supplier_id=doc.supplier_id, material_id=doc.material_id
    ).exclude(pk=doc.pk)
    others = others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=doc.date))
    if doc.valid_to is not None:
        others = others.filter(date__lte=doc.valid_to)
    return others.order_by("date")


def price_list_valid(supplier_id, material_id, on_date: dt.date) -> SupplierPrice | None:
    return (
        SupplierPrice.objects.filter(
            state=PriceState.ACTIVE,
            supplier_id=supplier_id,
            material_id=material_id,
            date__lte=on_date,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))
        .order_by("-date")
        .first()
    )


def last_order_price(supplier_id, material_id) -> ProposedPrice | None:
    """The supplier's latest approved order line for the material."""
    line = (
        PurchaseOrderLine.objects.filter(
            document__supplier_id=supplier_id,
            material_id=material_id,
            document__state__in=(OrderState.APPROVED, OrderState.CLOSED),
        )
        .order_by("-document__date", "-pk")
        .values_list("price", "price_includes_tax", "document__number")
        .first()
    )
    return ProposedPrice(line[0], line[1], "last_order", line[2]) if line else None


def price_proposed(supplier_id, material_id, quantity: Decimal, on_date: dt.date):
    """The price a new order line takes: the break of the list valid on the order date for
    the quantity (the highest "from quantity" not above it), else the last order price; None
    when neither exists (or the quantity is below the list's first break and no order was
    placed)."""
    price_list = price_list_valid(supplier_id, material_id, on_date)
    if price_list is not None:
        found = (
            SupplierPriceBreak.objects.filter(document=price_list, min_quantity__lte=quantity)
            .order_by("-min_quantity")
            .first()
        )
        if found is not None:
            return ProposedPrice(
                found.price, price_list.price_includes_tax, "price_list", price_list.number
            )
    return last_order_price(supplier_id, material_id)


def price_history(*, supplier_id=None, material_id=None) -> dict:
    """Price lists (every state but draft) and approved order lines of one supplier and/or
    material, newest first: what the page and the API show."""
    lists = SupplierPrice.objects.exclude(state=PriceState.DRAFT).select_related(
        "supplier", "material"
    )
    lines = PurchaseOrderLine.objects.filter(
        document__state__in=(OrderState.APPROVED, OrderState.CLOSED)
    ).select_related("document__supplier", "material")
    if supplier_id:
        lists = lists.filter(supplier_id=supplier_id)
        lines = lines.filter(document__supplier_id=supplier_id)
    if material_id:
        lists = lists.filter(material_id=material_id)
        lines = lines.filter(material_id=material_id)
    return {
        "price_lists": list(lists.prefetch_related("lines").order_by("-date", "-pk")[:200]),
        "order_lines": list(lines.order_by("-document__date", "-pk")[:200]),
    }

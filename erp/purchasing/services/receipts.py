"""Goods receipts (采购入库单): pushed down from an approved order, posted into stock.

Posting locks the receipt, then its order lines (by id: one fixed order), checks each line
against the order line's open quantity plus the over-receipt tolerance, and receives every line
into a NEW lot (待检 when the material requires QC, else 合格) with the supplier's lot number and
dates, as move type `purchase_receipt`. The accounting stock listener books the voucher in the
same transaction: Dr 原材料 / Cr 暂估应付款 (the supplier on the credit line), valued at the
order's net price — what this receipt line's `value` records for the GR/IR report.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import has_perm
from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.core.money import round_amount
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.inventory.services.posting import StockSource
from erp.inventory.services.stock import ReceiptLine, stock_receive
from erp.masterdata.models import Location, Supplier, Warehouse
from erp.purchasing.models import GoodsReceipt, GoodsReceiptLine, PurchaseOrder, PurchaseOrderLine
from erp.purchasing.services.documents import (
    date_in,
    line_error,
    locked,
    quantity_in,
    refuse_unless,
    too_many_lines,
    version_check,
)
from erp.purchasing.services.orders import order_close_if_received
from erp.purchasing.states import RECEIPT_MACHINE, OrderState, ReceiptState

DOC_TYPE = "purchasing.goodsreceipt"
MOVE_TYPE = "purchase_receipt"
S = ReceiptState
# Over-receipt tolerance: a line may bring in up to this % more than the order line's open
# quantity (drums are filled by weight); beyond it the receipt is refused.
OVER_RECEIPT_PCT = Decimal("5")
HEADER_FIELDS = ["date", "supplier_id", "warehouse_id", "order_id", "note"]


def _require_editor(actor) -> None:
    """Purchasers prepare receipts (add_), the warehouse that posts them may too (post_)."""
    if not (
        has_perm(actor, "purchasing.add_goodsreceipt")
        or has_perm(actor, "purchasing.post_goodsreceipt")
    ):
        raise PermissionDenied()


def receivable_limit(order_line: PurchaseOrderLine) -> Decimal:
    """The most the line may still receive: open quantity + tolerance on the ordered one."""
    allowance = order_line.quantity * OVER_RECEIPT_PCT / Decimal(100)
    return max(order_line.quantity + allowance - order_line.received_quantity, Decimal(0))


def _header_clean(header: dict) -> dict:
    supplier = Supplier.objects.filter(pk=header.get("supplier_id") or 0).first()
    order = None
    if header.get("order_id"):
        order = PurchaseOrder.objects.filter(pk=header["order_id"]).first()
        if order is None:
            raise ValidationFailed(fields={"order": [str(_("Choose an existing order."))]})
        supplier = supplier or order.supplier
    if supplier is None:
        raise ValidationFailed(fields={"supplier": [str(_("Choose the supplier."))]})
    if order is not None and order.supplier_id != supplier.pk:
        raise ValidationFailed(
            fields={"order": [str(_("The order is from another supplier."))]},
            code="supplier_mismatch",
        )
    warehouse = Warehouse.objects.filter(pk=header.get("warehouse_id") or 0, active=True).first()
    if warehouse is None and order is not None:
        warehouse = order.warehouse
    if warehouse is None:
        raise ValidationFailed(fields={"warehouse": [str(_("Choose an active warehouse."))]})
    return {
        "date": date_in(header.get("date") or timezone.localdate(), "date", _("the date")),
        "supplier": supplier,
        "warehouse": warehouse,
        "order": order,
        "note": str(header.get("note") or "").strip(),
    }


def _default_location(material, warehouse) -> Location | None:
    if material.default_location_id and material.default_location.warehouse_id == warehouse.pk:
        return material.default_location
    return Location.objects.filter(warehouse=warehouse, active=True).order_by("code").first()


def _lines_clean(header: dict, lines: list[dict]) -> list[dict[str, Any]]:
    too_many_lines(lines)
    order_lines = PurchaseOrderLine.objects.select_related(
        "document", "material__default_location"
    ).in_bulk({ln.get("order_line_id") or 0 for ln in lines})
    cleaned = []
    for n, ln in enumerate(lines, 1):
        order_line = order_lines.get(ln.get("order_line_id") or 0)
        if order_line is None:
            raise line_error(n, "order_line", _("choose a line of an approved order."))
        order = order_line.document
        if order.state != OrderState.APPROVED:
            raise line_error(
                n, "order_line", _("order %(order)s is not approved.") % {"order": order.reference}
            )
        if order.supplier_id != header["supplier"].pk:
            raise line_error(n, "order_line", _("the order is from another supplier."))
        quantity = quantity_in(ln.get("quantity"), n)
        location = None
        if ln.get("location_id"):
            location = Location.objects.filter(pk=ln["location_id"], active=True).first()
        location = location or _default_location(order_line.material, header["warehouse"])
        if location is None or location.warehouse_id != header["warehouse"].pk:
            raise line_error(n, "location", _("choose a location of the receiving warehouse."))
        production = date_in(ln.get("production_date"), "production_date", "", required=False)
        expiry = date_in(ln.get("expiry_date"), "expiry_date", "", required=False)
        if production and expiry and expiry < production:
            raise line_error(n, "expiry_date", _("the expiry date is before the production date."))
        cleaned.append(
            {
                "order_line": order_line,
                "material_id": order_line.material_id,
                "location": location,
                "quantity": quantity,
                "supplier_lot": str(ln.get("supplier_lot") or "").strip()[:60],
                "production_date": production,
                "expiry_date": expiry,
            }
        )
    return cleaned


def _lines_write(receipt: GoodsReceipt, cleaned: list[dict]) -> None:
    receipt.lines.all().delete()
    GoodsReceiptLine.objects.bulk_create(
        GoodsReceiptLine(document=receipt, line_no=n, **values)
        for n, values in enumerate(cleaned, 1)
    )


def _snap(receipt: GoodsReceipt) -> dict:
    data = snapshot(receipt, HEADER_FIELDS)
    data["lines"] = [
        line_text(x.order_line.material.code, x.quantity, x.supplier_lot)
        for x in receipt.lines.select_related("order_line__material")
    ]
    return data


def goods_receipt_create(*, actor, header: dict, lines: list[dict]) -> GoodsReceipt:
    _require_editor(actor)
    cleaned_header = _header_clean(header)
    cleaned = _lines_clean(cleaned_header, lines)
    with transaction.atomic():
        receipt = GoodsReceipt.objects.create(state=S.DRAFT, created_by=actor, **cleaned_header)
        _lines_write(receipt, cleaned)
        audit_record(actor=actor, action="create", obj=receipt, changes=diff({}, _snap(receipt)))
    return receipt


def goods_receipt_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> GoodsReceipt:
    _require_editor(actor)
    with transaction.atomic():
        receipt = locked(GoodsReceipt, doc_id)
        version_check(receipt, expected_version)
        refuse_unless(receipt, (S.DRAFT,))
        current = {f: getattr(receipt, f) for f in HEADER_FIELDS}
        cleaned_header = _header_clean({**current, **header})
        if lines is None:
            fields = ("order_line_id", "location_id", "quantity", "supplier_lot")
            lines = [
                {
                    **{f: getattr(x, f) for f in fields},
                    "production_date": x.production_date,
                    "expiry_date": x.expiry_date,
                }
                for x in receipt.lines.all()
            ]
        cleaned = _lines_clean(cleaned_header, lines)
        before = _snap(receipt)
        for name, value in cleaned_header.items():
            setattr(receipt, name, value)
        _lines_write(receipt, cleaned)
        receipt.version += 1
        receipt.save()
        audit_record(
            actor=actor, action="update", obj=receipt, changes=diff(before, _snap(receipt))
        )
    return receipt


def goods_receipt_from_order(*, actor, order_id, on_date=None) -> GoodsReceipt:
    """下推: a draft receipt with every open line of the approved order."""
    order = PurchaseOrder.objects.filter(pk=order_id).first()
    if order is None or order.state != OrderState.APPROVED:
        raise BusinessRuleError(
            _("Only an approved order can be received."), code="order_not_approved"
        )
    lines = [
        {"order_line_id": x.pk, "quantity": x.open_quantity}
        for x in order.lines.order_by("line_no")
        if x.open_quantity > 0
    ]
    if not lines:
        raise BusinessRuleError(
            _("Everything on %(order)s has been received.") % {"order": order.reference},
            code="nothing_open",
        )
    first = order.lines.select_related("material").order_by("line_no").first()
    warehouse = (
        order.warehouse
        or (first.material.default_warehouse if first else None)
        or Warehouse.objects.filter(active=True).order_by("code").first()
    )
    header = {
        "date": on_date or timezone.localdate(),
        "supplier_id": order.supplier_id,
        "warehouse_id": warehouse.pk if warehouse else None,
        "order_id": order.pk,
    }
    return goods_receipt_create(actor=actor, header=header, lines=lines)


# --- posting --------------------------------------------------------------------------------


def _line_value(order_line: PurchaseOrderLine, quantity: Decimal) -> Decimal:
    """The order's net price × quantity, from the line's rounded net amount (a full receipt
    carries exactly the ordered net amount)."""
    if quantity == order_line.quantity:
        return order_line.net_amount
    return round_amount(order_line.net_amount * quantity / order_line.quantity)


def _check_post_lines(receipt: GoodsReceipt, lines, order_lines) -> None:
    for ln in lines:
        order_line = order_lines[ln.order_line_id]
        if order_line.document.state != OrderState.APPROVED:
            raise line_error(
                ln.line_no,
                "order_line",
                _("order %(order)s is not approved (closed or cancelled).")
                % {"order": order_line.document.reference},
            )
        if ln.material.batch_managed and not ln.supplier_lot:
            raise line_error(
                ln.line_no,
                "supplier_lot",
                _("enter the supplier's lot number of %(m)s.") % {"m": ln.material.name},
            )
        limit = receivable_limit(order_line)
        if ln.quantity > limit:
            raise line_error(
                ln.line_no,
                "quantity",
                _(
                    "%(qty)s is more than the order still allows (%(limit)s, open quantity "
                    "plus %(pct)s%% tolerance). Receive less or ask purchasing to change the order."
                )
                % {
                    "qty": f"{ln.quantity.normalize():f}",
                    "limit": f"{limit.normalize():f}",
                    "pct": f"{OVER_RECEIPT_PCT.normalize():f}",
                },
            )
        order_line.received_quantity += ln.quantity


def goods_receipt_post(*, actor, doc_id, expected_version=None) -> GoodsReceipt:
    with transaction.atomic():
        receipt = locked(GoodsReceipt, doc_id)
        lines = list(receipt.lines.select_related("material").order_by("line_no"))
        if not lines:
            raise BusinessRuleError(_("Add at least one line before posting."), code="no_lines")
        order_lines = {
            x.pk: x
            for x in PurchaseOrderLine.objects.select_for_update()
            .select_related("document")
            .filter(pk__in={ln.order_line_id for ln in lines})
            .order_by("pk")
        }
        receipt = document_transition(
            actor=actor,
            doc=receipt,
            machine=RECEIPT_MACHINE,
            name="post",
            number_doc_type=DOC_TYPE,
            on_date=receipt.date,
            expected_version=expected_version,
        )
        _check_post_lines(receipt, lines, order_lines)
        for ln in lines:
            ln.value = _line_value(order_lines[ln.order_line_id], ln.quantity)
        moves = stock_receive(
            actor=actor,
            lines=[
                ReceiptLine(
                    material_id=ln.material_id,
                    location_id=ln.location_id,
                    quantity=ln.quantity,
                    unit_cost=Decimal(0),
                    value=ln.value,
                    supplier_lot=ln.supplier_lot,
                    production_date=ln.production_date,
                    expiry_date=ln.expiry_date,
                    source_line_id=str(ln.pk),
                )
                for ln in lines
            ],
            posting_date=receipt.date,
            source=StockSource(DOC_TYPE, receipt.pk, receipt.number),
            reason=receipt.note[:300],
            move_type=MOVE_TYPE,
        )
        _lots_record(lines, moves)
        PurchaseOrderLine.objects.bulk_update(order_lines.values(), ["received_quantity"])
        receipt.value_total = sum((ln.value for ln in lines), Decimal(0))
        receipt.posted_at = timezone.now()
        receipt.save(update_fields=["value_total", "posted_at", "updated_at"])
        for order in {x.document_id: x.document for x in order_lines.values()}.values():
            order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
            order_close_if_received(order, actor=actor)
    return receipt


def _lots_record(lines, moves) -> None:
    """The lot each line went into and its effective expiry, written back to the line."""
    lots = {mv.source_line_id: mv.lot for mv in moves}
    for ln in lines:
        lot = lots.get(str(ln.pk))
        if lot is not None:
            ln.lot = lot
            ln.expiry_date = lot.expiry_date
    GoodsReceiptLine.objects.bulk_update(lines, ["lot", "expiry_date", "value"])


def goods_receipt_cancel(*, actor, doc_id, expected_version=None) -> GoodsReceipt:
    with transaction.atomic():
        receipt = locked(GoodsReceipt, doc_id)
        return document_transition(
            actor=actor,
            doc=receipt,
            machine=RECEIPT_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def receipt_offset_partner(source_id: str) -> dict:
    """The supplier the receipt's stock voucher credits 暂估应付款 for (accounting asks)."""
    supplier_id = (
        GoodsReceipt.objects.filter(pk=int(source_id)).values_list("supplier_id", flat=True).first()
        if str(source_id).isdigit()
        else None
    )
    return {"supplier_id": supplier_id} if supplier_id else {}

"""Purchase returns (采购退货单): goods sent back out of a posted receipt's lots.

A return line names a receipt line; it may take back what was received and neither returned
nor invoiced yet (a return after the invoice needs a debit note: not built yet). It leaves
stock as move type `purchase_return` from the receipt's own lot, whatever its quality status
(a rejected lot goes back too), at the value the receipt booked, so the stock listener's
voucher — Dr 暂估应付款 (supplier) / Cr 原材料 — reverses exactly that part of GR/IR.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.inventory.services.posting import StockSource
from erp.inventory.services.stock import IssueLine, stock_issue
from erp.masterdata.models import Supplier
from erp.purchasing.models import GoodsReceipt, GoodsReceiptLine, PurchaseReturn, PurchaseReturnLine
from erp.purchasing.services.documents import (
    date_in,
    line_error,
    locked,
    quantity_in,
    refuse_unless,
    too_many_lines,
    version_check,
)
from erp.purchasing.services.invoices import grir_of, uninvoiced
from erp.purchasing.states import RETURN_MACHINE, ReceiptState, ReturnState

DOC_TYPE = "purchasing.purchasereturn"
MOVE_TYPE = "purchase_return"
S = ReturnState
HEADER_FIELDS = ["date", "supplier_id", "receipt_id", "reason", "note"]


def _header_clean(header: dict) -> dict:
    receipt = None
    if header.get("receipt_id"):
        receipt = GoodsReceipt.objects.filter(
            pk=header["receipt_id"], state=ReceiptState.POSTED
        ).first()
        if receipt is None:
            raise ValidationFailed(fields={"receipt": [str(_("Choose a posted goods receipt."))]})
    supplier = Supplier.objects.filter(pk=header.get("supplier_id") or 0).first()
    supplier = supplier or (receipt.supplier if receipt else None)
    if supplier is None:
        raise ValidationFailed(fields={"supplier": [str(_("Choose the supplier."))]})
    return {
        "date": date_in(header.get("date") or timezone.localdate(), "date", _("the date")),
        "supplier": supplier,
        "receipt": receipt,
        "reason": str(header.get("reason") or "").strip()[:200],
        "note": str(header.get("note") or "").strip(),
    }


def _lines_clean(header: dict, lines: list[dict]) -> list[dict]:
    too_many_lines(lines)
    receipt_lines = GoodsReceiptLine.objects.select_related("document").in_bulk(
        {ln.get("receipt_line_id") or 0 for ln in lines}
    )
    cleaned = []
    for n, ln in enumerate(lines, 1):
        rl = receipt_lines.get(ln.get("receipt_line_id") or 0)
        if rl is None or rl.document.state != ReceiptState.POSTED:
            raise line_error(n, "receipt_line", _("choose a line of a posted goods receipt."))
        if rl.document.supplier_id != header["supplier"].pk:
            raise line_error(n, "receipt_line", _("the receipt is from another supplier."))
        cleaned.append(
            {
                "receipt_line": rl,
                "material_id": rl.material_id,
                "quantity": quantity_in(ln.get("quantity"), n),
            }
        )
    return cleaned


def _lines_write(doc: PurchaseReturn, cleaned: list[dict]) -> None:
    doc.lines.all().delete()
    PurchaseReturnLine.objects.bulk_create(
        PurchaseReturnLine(document=doc, line_no=n, **x) for n, x in enumerate(cleaned, 1)
    )


def _snap(doc: PurchaseReturn) -> dict:
    data = snapshot(doc, HEADER_FIELDS)
    data["lines"] = [
        line_text(x.receipt_line.order_line.material.code, x.quantity)
        for x in doc.lines.select_related("receipt_line__order_line__material")
    ]
    return data


def purchase_return_create(*, actor, header: dict, lines: list[dict]) -> PurchaseReturn:
    require_perm(actor, "purchasing.add_purchasereturn")
    cleaned_header = _header_clean(header)
    cleaned = _lines_clean(cleaned_header, lines)
    with transaction.atomic():
        doc = PurchaseReturn.objects.create(state=S.DRAFT, created_by=actor, **cleaned_header)
        _lines_write(doc, cleaned)
        audit_record(actor=actor, action="create", obj=doc, changes=diff({}, _snap(doc)))
    return doc


def purchase_return_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> PurchaseReturn:
    require_perm(actor, "purchasing.change_purchasereturn")
    with transaction.atomic():
        doc = locked(PurchaseReturn, doc_id)
        version_check(doc, expected_version)
        refuse_unless(doc, (S.DRAFT,))
        current = {f: getattr(doc, f) for f in HEADER_FIELDS}
        cleaned_header = _header_clean({**current, **header})
        if lines is None:
            lines = [
                {"receipt_line_id": x.receipt_line_id, "quantity": x.quantity}
                for x in doc.lines.all()
            ]
        cleaned = _lines_clean(cleaned_header, lines)
        before = _snap(doc)
        for name, value in cleaned_header.items():
            setattr(doc, name, value)
        _lines_write(doc, cleaned)
        doc.version += 1
        doc.save()
        audit_record(actor=actor, action="update", obj=doc, changes=diff(before, _snap(doc)))
    return doc


def purchase_return_from_receipt(*, actor, receipt_id, reason: str = "") -> PurchaseReturn:
    """下推: a draft return of everything on the receipt not yet invoiced or returned."""
    receipt = GoodsReceipt.objects.filter(pk=receipt_id, state=ReceiptState.POSTED).first()
    if receipt is None:
        raise BusinessRuleError(_("Only a posted receipt can be returned."), code="not_posted")
    lines = [
        {"receipt_line_id": rl.pk, "quantity": uninvoiced(rl)[0]}
        for rl in receipt.lines.order_by("line_no")
        if uninvoiced(rl)[0] > 0
    ]
    if not lines:
        raise BusinessRuleError(
            _("Everything on %(r)s has been invoiced or returned.") % {"r": receipt.reference},
            code="nothing_open",
        )
    header = {
        "date": timezone.localdate(),
        "supplier_id": receipt.supplier_id,
        "receipt_id": receipt.pk,
        "reason": reason,
    }
    return purchase_return_create(actor=actor, header=header, lines=lines)


def purchase_return_post(*, actor, doc_id, expected_version=None) -> PurchaseReturn:
    with transaction.atomic():
        doc = locked(PurchaseReturn, doc_id)
        lines = list(doc.lines.order_by("line_no"))
        if not lines:
            raise BusinessRuleError(_("Add at least one line before posting."), code="no_lines")
        receipt_lines = {
            x.pk: x
            for x in GoodsReceiptLine.objects.select_for_update()
            .filter(pk__in={ln.receipt_line_id for ln in lines})
            .order_by("pk")
        }
        doc = document_transition(
            actor=actor,
            doc=doc,
            machine=RETURN_MACHINE,
            name="post",
            number_doc_type=DOC_TYPE,
            on_date=doc.date,
            expected_version=expected_version,
        )
        for ln in lines:
            rl = receipt_lines[ln.receipt_line_id]
            open_qty = uninvoiced(rl)[0]
            if ln.quantity > open_qty:
                raise line_error(
                    ln.line_no,
                    "quantity",
                    _("%(qty)s is more than received and neither returned nor invoiced (%(open)s).")
                    % {"qty": f"{ln.quantity.normalize():f}", "open": f"{open_qty.normalize():f}"},
                )
            ln.value = grir_of(rl, ln.quantity)
        moves = stock_issue(
            actor=actor,
            lines=[
                IssueLine(
                    material_id=ln.material_id,
                    location_id=receipt_lines[ln.receipt_line_id].location_id,
                    quantity=ln.quantity,
                    lot_id=receipt_lines[ln.receipt_line_id].lot_id,
                    source_line_id=str(ln.pk),
                    value=ln.value,
                )
                for ln in lines
            ],
            posting_date=doc.date,
            source=StockSource(DOC_TYPE, doc.pk, doc.number),
            reason=doc.reason,
            move_type=MOVE_TYPE,
        )
        booked = {mv.source_line_id: mv.value for mv in moves}
        for ln in lines:
            # The gate may take the material's last residue: record what it really booked.
            ln.value = booked.get(str(ln.pk), ln.value)
            rl = receipt_lines[ln.receipt_line_id]
            rl.returned_quantity += ln.quantity
            rl.returned_value += ln.value
        PurchaseReturnLine.objects.bulk_update(lines, ["value"])
        GoodsReceiptLine.objects.bulk_update(
            receipt_lines.values(), ["returned_quantity", "returned_value"]
        )
        doc.value_total = sum((ln.value for ln in lines), Decimal(0))
        doc.save(update_fields=["value_total", "updated_at"])
    return doc


def purchase_return_cancel(*, actor, doc_id, expected_version=None) -> PurchaseReturn:
    with transaction.atomic():
        doc = locked(PurchaseReturn, doc_id)
        return document_transition(
            actor=actor,
            doc=doc,
            machine=RETURN_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def return_offset_partner(source_id: str) -> dict:
    supplier_id = (
        PurchaseReturn.objects.filter(pk=int(source_id))
        .values_list("supplier_id", flat=True)
        .first()
        if str(source_id).isdigit()
        else None
    )
    return {"supplier_id": supplier_id} if supplier_id else {}

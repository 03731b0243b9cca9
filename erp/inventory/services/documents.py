"""Inventory documents: create and edit drafts, post them through the stock services, cancel.

One set of functions serves the four simple documents, chosen by `kind` ("otherreceipt",
"otherissue", "transfer", "scrap"; see KINDS). Posting runs the state transition (which takes
the number) and the stock service in ONE transaction: both happen or neither. Moves carry
source_type "inventory.<kind>", source_id = document id, source_line_id = line id.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import Conflict, NotFound, ValidationFailed
from erp.core.money import round_amount, round_quantity, round_unit_price
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.core.states import StateMachine
from erp.inventory import errors as stock_errors
from erp.inventory import models as m
from erp.inventory.services.posting import StockSource
from erp.inventory.services.retry import posting_retried
from erp.inventory.services.stock import (
    IssueLine,
    ReceiptLine,
    TransferLine,
    stock_issue,
    stock_receive,
    stock_scrap,
    stock_transfer,
)
from erp.inventory.states import IssueReason, StockDocState, stock_doc_machine
from erp.masterdata.models import Location, Material, Unit, Warehouse
from erp.masterdata.selectors import unit_convert

MAX_LINES = 500


@dataclass(frozen=True)
class DocKind:
    """What differs between the simple stock documents."""

    code: str  # model name: "otherreceipt"
    model: type[models.Model]
    line_model: type[models.Model]
    number_doc_type: str
    machine: StateMachine
    header_fields: tuple[str, ...]  # besides date, warehouse, note
    line_locations: tuple[str, ...]  # location fields of a line
    post: Callable[..., list]  # (actor, doc, lines) -> moves

    @property
    def source_type(self) -> str:
        return f"inventory.{self.code}"


def _post_receipt(actor, doc, lines) -> list:
    moves = stock_receive(
        actor=actor,
        lines=[
            ReceiptLine(
                material_id=ln.material_id,
                location_id=ln.location_id,
                quantity=ln.base_quantity,
                unit_cost=_base_unit_cost(ln),
                value=_line_value(ln),
                lot_id=ln.lot_id,
                lot_number=ln.lot_number,
                supplier_lot=ln.supplier_lot,
                production_date=ln.production_date,
                expiry_date=ln.expiry_date,
                source_line_id=str(ln.pk),
            )
            for ln in lines
        ],
        posting_date=doc.date,
        source=StockSource("inventory.otherreceipt", doc.pk, doc.number),
        reason=doc.note[:300],
    )
    _receipt_lots_record(lines, moves)
    return moves


def _receipt_lots_record(lines, moves) -> None:
    """Write the lot each line was received into (numbered by rule when none was typed) and
    its effective dates back to the line, in the posting transaction: the posted receipt
    shows and prints the lot and expiry the stock really carries."""
    lot_ids = {mv.source_line_id: mv.lot_id for mv in moves if mv.lot_id}
    if not lot_ids:
        return
    lots = m.Lot.objects.in_bulk(set(lot_ids.values()))
    changed = []
    for line in lines:
        lot = lots.get(lot_ids.get(str(line.pk)))
        if lot is None:
            continue
        line.lot = lot
        line.lot_number = lot.number
        line.expiry_date = lot.expiry_date
        line.production_date = line.production_date or lot.production_date
        changed.append(line)
    m.OtherReceiptLine.objects.bulk_update(
        changed, ["lot", "lot_number", "expiry_date", "production_date"]
    )


def _base_unit_cost(line) -> Decimal:
    # The cost is entered per chosen unit; the ledger keeps it per base unit.
    if line.base_quantity == line.quantity or not line.base_quantity:
        return line.unit_cost
    return round_unit_price(line.unit_cost * line.quantity / line.base_quantity)


def _line_value(line) -> Decimal:
    """The line's value in the document's own unit, rounded once: quantity × price as entered
    (30,000 箱 × 10.00 = 300,000.00). Converting the price to the base unit first would round
    it to 6 places and lose cents (210,000 kg × 1.428571 = 299,999.91)."""
    return round_amount(line.quantity * line.unit_cost)


def _issue_lines(lines) -> list[IssueLine]:
    return [
        IssueLine(
            material_id=ln.material_id,
            location_id=ln.location_id,
            quantity=ln.base_quantity,
            lot_id=ln.lot_id,
            source_line_id=str(ln.pk),
        )
        for ln in lines
    ]


def _post_issue(actor, doc, lines) -> list:
    return stock_issue(
        actor=actor,
        lines=_issue_lines(lines),
        posting_date=doc.date,
        source=StockSource("inventory.otherissue", doc.pk, doc.number),
        reason=doc.get_reason_display(),
    )


def _post_scrap(actor, doc, lines) -> list:
    return stock_scrap(
        actor=actor,
        lines=_issue_lines(lines),
        posting_date=doc.date,
        source=StockSource("inventory.scrap", doc.pk, doc.number),
        reason=doc.reason,
    )


def _post_transfer(actor, doc, lines) -> list:
    return stock_transfer(
        actor=actor,
        lines=[
            TransferLine(
                material_id=ln.material_id,
                from_location_id=ln.from_location_id,
                to_location_id=ln.to_location_id,
                quantity=ln.base_quantity,
                lot_id=ln.lot_id,
                source_line_id=str(ln.pk),
            )
            for ln in lines
        ],
        posting_date=doc.date,
        source=StockSource("inventory.transfer", doc.pk, doc.number),
        reason=doc.note[:300],
    )


KINDS: dict[str, DocKind] = {
    k.code: k
    for k in [
        DocKind(
            "otherreceipt",
            m.OtherReceipt,
            m.OtherReceiptLine,
            "inventory.otherreceipt",
            stock_doc_machine("otherreceipt"),
            (),
            ("location",),
            _post_receipt,
        ),
        DocKind(
            "otherissue",
            m.OtherIssue,
            m.OtherIssueLine,
            "inventory.otherissue",
            stock_doc_machine("otherissue"),
            ("reason",),
            ("location",),
            _post_issue,
        ),
        DocKind(
            "transfer",
            m.Transfer,
            m.TransferLine,
            "inventory.transfer",
            stock_doc_machine("transfer"),
            ("to_warehouse",),
            ("from_location", "to_location"),
            _post_transfer,
        ),
        DocKind(
            "scrap",
            m.Scrap,
            m.ScrapLine,
            "inventory.scrap",
            stock_doc_machine("scrap"),
            ("reason",),
            ("location",),
            _post_scrap,
        ),
    ]
}


def kind_get(code: str) -> DocKind:
    try:
        return KINDS[code]
    except KeyError:
        raise NotFound() from None


# --- drafts ------------------------------------------------------------------------------


def stock_document_create(*, actor, kind: str, header: dict[str, Any], lines: list[dict]):
    """Create a draft (no number yet) with its lines."""
    k = kind_get(kind)
    require_perm(actor, f"inventory.add_{k.code}")
    with transaction.atomic():
        doc = k.model(created_by=actor, state=StockDocState.DRAFT)
        _apply_header(k, doc, header)
        doc.save()
        _replace_lines(k, doc, lines)
        audit_record(actor=actor, action="create", obj=doc, changes=_snap(k, doc))
    return doc


def stock_document_update(
    *,
    actor,
    kind: str,
    doc_id: int,
    header: dict[str, Any],
    lines: list[dict] | None = None,
    expected_version: int | None = None,
):
    """Edit a draft; posted and cancelled documents are frozen (409). `lines`, when given,
    replace all lines."""
    k = kind_get(kind)
    require_perm(actor, f"inventory.change_{k.code}")
    with transaction.atomic():
        doc = _locked(k, doc_id)
        _refuse_unless_draft(k, doc)
        if expected_version is not None and doc.version != expected_version:
            raise Conflict(
                _("The document was changed by someone else meanwhile. Reload it and try again."),
                code="version_conflict",
            )
        before = _snap(k, doc)
        _apply_header(k, doc, header)
        doc.version += 1
        doc.save()
        if lines is not None:
            _replace_lines(k, doc, lines)
        audit_record(actor=actor, action="update", obj=doc, changes=diff(before, _snap(k, doc)))
    return doc


@posting_retried
def stock_document_post(*, actor, kind: str, doc_id: int, expected_version: int | None = None):
    """Post a draft: number, state and stock moves in one transaction. Of two concurrent posts
    one wins, the other gets 409 (document_transition re-reads the state under lock)."""
    k = kind_get(kind)
    require_perm(actor, f"inventory.post_{k.code}")
    with transaction.atomic():
        doc = _locked(k, doc_id)
        lines = list(doc.lines.all())
        if doc.state == StockDocState.DRAFT and not lines:
            raise ValidationFailed(_("Add at least one line before posting."), code="no_lines")
        doc = document_transition(
            actor=actor,
            doc=doc,
            machine=k.machine,
            name="post",
            number_doc_type=k.number_doc_type,
            on_date=doc.date,
            expected_version=expected_version,
        )
        # The gate checks the period and posts the voucher (accounting's stock listener).
        k.post(actor, doc, lines)
        doc.posted_at = timezone.now()
        doc.save(update_fields=["posted_at"])
    return doc


def stock_document_cancel(*, actor, kind: str, doc_id: int, expected_version: int | None = None):
    """Cancel a draft (作废). Posted documents are frozen: correct them with a new document."""
    k = kind_get(kind)
    with transaction.atomic():
        doc = _locked(k, doc_id)
        return document_transition(
            actor=actor,
            doc=doc,
            machine=k.machine,
            name="cancel",
            expected_version=expected_version,
        )


# --- helpers -----------------------------------------------------------------------------


def _locked(k: DocKind, doc_id):
    try:
        return k.model.objects.select_for_update().get(pk=doc_id)
    except (k.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _refuse_unless_draft(k: DocKind, doc) -> None:
    if doc.state != StockDocState.DRAFT:
        raise Conflict(
            _(
                "%(doc)s is %(state)s and can no longer be changed. Create a new document to "
                "correct it."
            )
            % {"doc": doc.number or doc.pk, "state": k.machine.label(doc.state)},
            code="document_frozen",
            state=doc.state,
        )


def _snap(k: DocKind, doc) -> dict:
    fields = [
        "date",
        "warehouse_id",
        "note",
        *[f"{f}_id" if f == "to_warehouse" else f for f in k.header_fields],
    ]
    data = snapshot(doc, fields)
    data["lines"] = [
        line_text(ln.material.code, ln.base_quantity)
        for ln in k.line_model.objects.filter(document=doc).select_related("material")
    ]
    return data


def _field_error(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_document", fields={field: [str(message)]})


def _apply_header(k: DocKind, doc, header: dict[str, Any]) -> None:
    if "date" in header or doc.date is None:
        doc.date = parse_date(header.get("date")) or timezone.localdate()
    if "warehouse_id" in header or not doc.warehouse_id:
        doc.warehouse = _get(Warehouse, header.get("warehouse_id"), "warehouse_id")
    if "note" in header:
        doc.note = (header.get("note") or "").strip()
    if "reason" in k.header_fields and ("reason" in header or not doc.reason):
        doc.reason = (header.get("reason") or "").strip()
        if not doc.reason:
            raise _field_error("reason", _("Enter the reason."))
        if k.code == "otherissue" and doc.reason not in IssueReason.values:
            raise _field_error("reason", _("Choose the reason from the list."))
    if "to_warehouse" in k.header_fields and "to_warehouse_id" in header:
        value = header.get("to_warehouse_id")
        doc.to_warehouse = _get(Warehouse, value, "to_warehouse_id") if value else None


def parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _field_error("date", _("Enter the date as YYYY-MM-DD, e.g. 2026-03-01.")) from None


def _get(model, pk, field: str):
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise _field_error(field, _("Choose a valid value from the list.")) from None


def _replace_lines(k: DocKind, doc, lines: list[dict]) -> None:
    if len(lines) > MAX_LINES:
        raise _field_error("lines", _("A document can have at most 500 lines. Split it."))
    k.line_model.objects.filter(document=doc).delete()
    rows = [_line(k, doc, data, no) for no, data in enumerate(lines, start=1)]
    k.line_model.objects.bulk_create(rows)


def _line(k: DocKind, doc, data: dict, no: int):
    where = _("line %(no)s") % {"no": no}
    material = _get(Material, data.get("material_id"), f"lines.{no}.material_id")
    unit = _get(Unit, data.get("unit_id"), "unit_id") if data.get("unit_id") else None
    unit = unit or material.base_unit
    quantity = _decimal(data.get("quantity"), f"lines.{no}.quantity", where)
    if quantity <= 0:
        raise _field_error(
            f"lines.{no}.quantity",
            _("%(where)s: enter a quantity greater than zero.") % {"where": where},
        )
    base = round_quantity(unit_convert(material, quantity, unit, material.base_unit))
    line = k.line_model(
        document=doc,
        line_no=no,
        material=material,
        unit=unit,
        quantity=quantity,
        base_quantity=base,
    )
    for field in k.line_locations:
        setattr(
            line, field, _location(doc, data.get(f"{field}_id"), f"lines.{no}.{field}_id", where)
        )
    _line_lot(line, material, data, no, where)
    if k.code == "otherreceipt":
        _receipt_fields(line, data, no, where)
    if k.code == "transfer" and line.from_location_id == line.to_location_id:
        raise _field_error(
            f"lines.{no}.to_location_id",
            _("%(where)s: choose a destination other than the origin.") % {"where": where},
        )
    return line


def _location(doc, pk, field: str, where) -> Location:
    location = _get(Location, pk, field)
    # The destination of a transfer may be in another warehouse; every other location must
    # be in the document's warehouse.
    allowed = {doc.warehouse_id, getattr(doc, "to_warehouse_id", None)} - {None}
    if field.endswith("to_location_id") and not getattr(doc, "to_warehouse_id", None):
        return location
    if location.warehouse_id not in allowed:
        raise _field_error(
            field,
            _("%(where)s: location %(location)s is not in warehouse %(warehouse)s.")
            % {"where": where, "location": location.code, "warehouse": doc.warehouse.code},
        )
    return location


def _line_lot(line, material, data: dict, no: int, where) -> None:
    lot_id = data.get("lot_id")
    if not lot_id:
        return
    lot = _get(m.Lot, lot_id, f"lines.{no}.lot_id")
    if lot.material_id != material.pk:
        raise _field_error(
            f"lines.{no}.lot_id",
            _("%(where)s: lot %(lot)s belongs to another material.")
            % {"where": where, "lot": lot.number},
        )
    line.lot = lot


def _receipt_fields(line, data: dict, no: int, where) -> None:
    line.lot_number = (data.get("lot_number") or "").strip()
    line.supplier_lot = (data.get("supplier_lot") or "").strip()
    line.production_date = parse_date(data.get("production_date"))
    line.expiry_date = parse_date(data.get("expiry_date"))
    _receipt_dates_check(line, no)
    cost = _decimal(data.get("unit_cost") or "0", f"lines.{no}.unit_cost", where)
    if cost < 0:
        raise _field_error(
            f"lines.{no}.unit_cost",
            _("%(where)s: a unit cost cannot be negative.") % {"where": where},
        )
    line.unit_cost = round_unit_price(cost)


def _receipt_dates_check(line, no: int) -> None:
    """Refuse impossible dates while the draft is entered; stock_receive checks them again at
    posting (against the posting date then), so the API and imports get the same answer."""
    expiry, production = line.expiry_date, line.production_date
    if expiry and production and expiry < production:
        raise stock_errors.expiry_before_production(
            line_no=no,
            material=line.material,
            lot_number=line.lot_number,
            production=production,
            expiry=expiry,
        )
    if expiry and expiry < line.document.date:
        raise stock_errors.receipt_lot_expired(
            line_no=no,
            material=line.material,
            lot_number=line.lot_number,
            expiry=expiry,
            on_date=line.document.date,
        )


def _decimal(value, field: str, where) -> Decimal:
    if isinstance(value, float):
        raise TypeError("pass Decimal or str, never float")
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise _field_error(
            field, _("%(where)s: enter a number, e.g. 12.5.") % {"where": where}
        ) from None
    if not result.is_finite():
        raise _field_error(field, _("%(where)s: enter a number, e.g. 12.5.") % {"where": where})
    return result

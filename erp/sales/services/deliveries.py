"""Delivery notes (发货单), pushed down (下推) from an approved sales order.

Posting takes the goods out of stock through the inventory gate with move type
`sales_delivery` (released, unexpired lots only) in one transaction with everything else: the
accounting stock listener books the cost of goods sold directly (Dr 主营业务成本, Cr 库存商品 —
direct COGS, no 发出商品 step) at the moving average. Lots: the one the warehouse keeper chose
on a line, else first expiry first out (FEFO) among eligible lots of the warehouse. A line's
minimum remaining shelf life (days, from the order line) excludes lots expiring sooner; the
customer's rules (quality's customer specification, erp/core/customer_lot_checks.py) exclude
lots whose measured attributes miss its limits — checked when the keeper picks a lot, in the
FEFO proposal and again inside the posting transaction.

Lock order: delivery row → numbering → order lines (by id) → the gate (valuations → lots →
balances): a FEFO pick happens under the valuation lock, so two deliveries racing for the last
released lot serialise and the second finds the stock gone."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.customer_lot_checks import customer_lot_problems
from erp.core.errors import BusinessRuleError
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.core.states import state_label
from erp.inventory import errors as stock_errors
from erp.inventory.models import Lot
from erp.inventory.services.posting import MoveSpec, StockSource, moves_post, valuations_lock
from erp.masterdata.models import Location, Warehouse
from erp.sales.models import (
    DeliveryNote,
    DeliveryNoteLine,
    SalesOrder,
    SalesOrderLine,
    SalesOrderState,
)
from erp.sales.models import SalesDocState as S
from erp.sales.selectors import delivery_lot_picks
from erp.sales.services.common import (
    as_int,
    date_of,
    field_error,
    line_error,
    locked,
    quantity_of,
    refuse_unless_draft,
    version_check,
)
from erp.sales.services.orders import orders_close_if_complete
from erp.sales.states import DELIVERY_MACHINE

DOC_TYPE = "sales.deliverynote"
MOVE_TYPE = "sales_delivery"
ZERO = Decimal("0")


def _header(header: dict) -> dict:
    order = SalesOrder.objects.filter(pk=as_int(header.get("order_id") or 0)).first()
    if order is None:
        raise field_error("order", _("Choose the sales order to deliver."))
    if order.state != SalesOrderState.APPROVED:
        raise field_error(
            "order",
            _("%(order)s is %(state)s: only an approved order can be delivered.")
            % {"order": order, "state": state_label(order.state)},
        )
    warehouse = Warehouse.objects.filter(pk=as_int(header.get("warehouse_id") or 0)).first()
    if warehouse is None or not warehouse.active:
        raise field_error("warehouse", _("Choose the active warehouse the goods leave from."))
    return {
        "order": order,
        "customer_id": order.customer_id,
        "warehouse": warehouse,
        "date": date_of(header.get("date"), "date"),
        "delivery_address": str(header.get("delivery_address") or order.delivery_address)[:300],
        "note": str(header.get("note") or "").strip(),
    }


def _pushdown_rows(order: SalesOrder) -> list[dict]:
    """下推: every order line with something left to deliver, for its remaining quantity."""
    return [
        {"order_line_id": x.pk, "quantity": x.quantity - x.delivered_qty}
        for x in order.lines.order_by("line_no")
        if x.quantity > x.delivered_qty
    ]


def _lines(order: SalesOrder, rows: list[dict]) -> list[dict]:
    order_lines = {x.pk: x for x in order.lines.select_related("material")}
    cleaned = []
    for no, row in enumerate(rows, start=1):
        order_line = order_lines.get(as_int(row.get("order_line_id") or 0))
        if order_line is None:
            raise line_error(
                no,
                "order_line",
                _("choose a line of the order %(order)s.") % {"order": order.reference},
            )
        qty = quantity_of(row.get("quantity"), no=no)
        left = order_line.quantity - order_line.delivered_qty
        if qty > left:
            raise line_error(no, "quantity", _over_delivery(order_line, qty, left))
        lot = None
        if row.get("lot_id"):
            lot = Lot.objects.filter(pk=as_int(row["lot_id"]), material=order_line.material).first()
            if lot is None:
                raise line_error(
                    no,
                    "lot",
                    _("choose a lot of %(material)s.") % {"material": order_line.material.code},
                )
            _customer_rules_check(no, lot, order.customer)
        cleaned.append(
            {"order_line": order_line, "material": order_line.material, "quantity": qty, "lot": lot}
        )
    return cleaned


def _over_delivery(order_line, qty, left) -> str:
    return str(
        _(
            "%(qty)s of %(material)s is more than the %(left)s left to deliver on the order line "
            "(ordered %(ordered)s, delivered %(delivered)s). Reduce the quantity."
        )
        % {
            "qty": f"{qty.normalize():f}",
            "material": order_line.material.code,
            "left": f"{left.normalize():f}",
            "ordered": f"{order_line.quantity.normalize():f}",
            "delivered": f"{order_line.delivered_qty.normalize():f}",
        }
    )


def _write(note: DeliveryNote, cleaned: list[dict]) -> None:
    note.lines.all().delete()
    DeliveryNoteLine.objects.bulk_create(
        DeliveryNoteLine(document=note, line_no=no, **row) for no, row in enumerate(cleaned, 1)
    )


def _snap(note: DeliveryNote) -> dict:
    data = snapshot(note, ["order_id", "warehouse_id", "date", "note"])
    data["lines"] = [
        line_text(x.material.code, x.quantity, x.lot.number if x.lot_id else "")
        for x in note.lines.select_related("material", "lot").order_by("line_no")
    ]
    return data


def delivery_note_create(*, actor, header: dict, lines: list[dict]) -> DeliveryNote:
    """Create a draft delivery of an approved order; without lines, push the order down: one
    line per order line with its remaining quantity."""
    require_perm(actor, "sales.add_deliverynote")
    values = _header(header)
    rows = lines or _pushdown_rows(values["order"])
    cleaned = _lines(values["order"], rows)
    with transaction.atomic():
        note = DeliveryNote.objects.create(state=S.DRAFT, created_by=actor, **values)
        _write(note, cleaned)
        audit_record(actor=actor, action="create", obj=note, changes=diff({}, _snap(note)))
    return note


def delivery_note_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> DeliveryNote:
    require_perm(actor, "sales.change_deliverynote")
    with transaction.atomic():
        note = locked(DeliveryNote, doc_id)
        refuse_unless_draft(note)
        version_check(note, expected_version)
        current = {"order_id": note.order_id, "warehouse_id": note.warehouse_id, "date": note.date}
        values = _header(
            {**current, "note": note.note, **{k: v for k, v in header.items() if v is not None}}
        )
        if values["order"].pk != note.order_id:
            raise field_error("order", _("The order of a delivery cannot change. Create another."))
        if lines is None:
            lines = [
                {"order_line_id": x.order_line_id, "quantity": x.quantity, "lot_id": x.lot_id}
                for x in note.lines.all()
            ]
        cleaned = _lines(values["order"], lines)
        before = _snap(note)
        for name, value in values.items():
            setattr(note, name, value)
        _write(note, cleaned)
        note.version += 1
        note.save()
        audit_record(actor=actor, action="update", obj=note, changes=diff(before, _snap(note)))
    return note


# --- posting ------------------------------------------------------------------------------------


def delivery_note_post(*, actor, doc_id, expected_version=None) -> DeliveryNote:
    with transaction.atomic():
        note = locked(DeliveryNote, doc_id)
        lines = list(note.lines.select_related("material", "lot", "order_line").order_by("line_no"))
        if not lines:
            raise BusinessRuleError(
                _("Add at least one line with a quantity before posting."), code="no_lines"
            )
        note = document_transition(
            actor=actor,
            doc=note,
            machine=DELIVERY_MACHINE,
            name="post",
            number_doc_type=DOC_TYPE,
            on_date=note.date,
            expected_version=expected_version,
        )
        _order_lines_deliver(note, lines)
        valuations_lock(material_ids={x.material_id for x in lines})
        specs = [spec for line in lines for spec in _specs(note, line)]
        moves = moves_post(
            actor=actor,
            specs=specs,
            posting_date=note.date,
            source=StockSource(DOC_TYPE, note.pk, note.number),
            reason=str(_("Delivery to %(customer)s") % {"customer": note.customer.name}),
        )
        _costs_record(note, lines, moves)
        orders_close_if_complete(actor=actor, order_ids={note.order_id})
    return note


def _order_lines_deliver(note: DeliveryNote, lines: list[DeliveryNoteLine]) -> None:
    """Lock the order lines (by id), refuse over-delivery and add the delivered quantities."""
    order = SalesOrder.objects.select_for_update().get(pk=note.order_id)
    if order.state != SalesOrderState.APPROVED:
        raise BusinessRuleError(
            _("%(order)s is %(state)s: only an approved order can be delivered.")
            % {"order": order, "state": state_label(order.state)},
            code="order_not_approved",
        )
    ids = sorted({x.order_line_id for x in lines})
    order_lines = {x.pk: x for x in SalesOrderLine.objects.select_for_update().filter(pk__in=ids)}
    for line in lines:
        order_line = order_lines[line.order_line_id]
        left = order_line.quantity - order_line.delivered_qty
        if line.quantity > left:
            raise line_error(
                line.line_no, "quantity", _over_delivery(order_line, line.quantity, left)
            )
        order_line.delivered_qty += line.quantity
    SalesOrderLine.objects.bulk_update(order_lines.values(), ["delivered_qty"])


def shelf_life_limit(note: DeliveryNote, line: DeliveryNoteLine) -> dt.date | None:
    days = line.order_line.min_remaining_days
    return note.date + dt.timedelta(days=days) if days else None


def _specs(note: DeliveryNote, line: DeliveryNoteLine) -> list[MoveSpec]:
    min_expiry = shelf_life_limit(note, line)
    if line.lot is not None:
        _shelf_life_check(line, line.lot, min_expiry)
        _customer_rules_check(line.line_no, line.lot, note.customer)  # again, under the locks
        picks = _lot_picks(note, line)
    else:
        picks = delivery_lot_picks(
            material=line.material,
            quantity=line.quantity,
            warehouse=note.warehouse,
            on_date=note.date,
            customer=note.customer,
            min_expiry=min_expiry,
        )
    locations = Location.objects.in_bulk([p[2] for p in picks])
    return [
        MoveSpec(
            material=line.material,
            quantity=qty,
            move_type=MOVE_TYPE,
            from_location=locations[location_id],
            lot=lot,
            source_line_id=str(line.pk),
        )
        for lot, qty, location_id in picks
    ]


def _customer_rules_check(no: int, lot: Lot, customer) -> None:
    """Refuse a lot the customer's rules (quality's customer specification) exclude, naming the
    attribute, its value and the limit."""
    problems = customer_lot_problems(lot=lot, customer=customer)
    if problems:
        raise line_error(
            no,
            "lot",
            _(
                "lot %(lot)s does not meet the specification of %(customer)s: %(problems)s. "
                "Choose another lot or leave the lot empty for FEFO."
            )
            % {"lot": lot.number, "customer": customer.name, "problems": "；".join(problems)},
        )


def _shelf_life_check(line, lot: Lot, min_expiry: dt.date | None) -> None:
    if min_expiry is not None and lot.expiry_date is not None and lot.expiry_date < min_expiry:
        raise BusinessRuleError(
            _(
                "Lot %(lot)s of %(material)s expires on %(expiry)s: the customer needs at least "
                "%(days)s days of shelf life left (until %(min)s). Choose a later lot."
            )
            % {
                "lot": lot.number,
                "material": line.material.code,
                "expiry": lot.expiry_date.isoformat(),
                "days": line.order_line.min_remaining_days,
                "min": min_expiry.isoformat(),
            },
            code="shelf_life_too_short",
            lot=lot.number,
        )


def _lot_picks(note, line) -> list[tuple]:
    """The chosen lot's stock in the warehouse, bin by bin. The gate itself refuses a lot that
    is not released or has expired, naming the lot."""
    from erp.inventory.models import StockBalance

    rows = StockBalance.objects.filter(
        material=line.material, lot=line.lot, location__warehouse=note.warehouse, on_hand__gt=0
    ).order_by("location_id")
    picks, remaining = [], line.quantity
    for bal in rows:
        take = min(bal.on_hand - bal.reserved, remaining)
        if take > 0:
            picks.append((line.lot, take, bal.location_id))
            remaining -= take
        if remaining == 0:
            return picks
    if not rows:  # no stock of the lot: the gate's lot checks speak first, then quantity
        return [(line.lot, line.quantity, _any_location(note))]
    raise stock_errors.not_enough_available(
        material=line.material, available=line.quantity - remaining, requested=line.quantity
    )


def _any_location(note) -> int:
    location = Location.objects.filter(warehouse=note.warehouse, active=True).order_by("pk").first()
    if location is None:
        raise field_error("warehouse", _("The warehouse has no active location."))
    return location.pk


def _costs_record(note: DeliveryNote, lines: list[DeliveryNoteLine], moves) -> None:
    by_line: dict[str, Decimal] = {}
    for move in moves:
        by_line[move.source_line_id] = by_line.get(move.source_line_id, ZERO) + move.value
    for line in lines:
        line.cost_value = by_line.get(str(line.pk), ZERO)
    DeliveryNoteLine.objects.bulk_update(lines, ["cost_value"])
    note.cost_total = sum((x.cost_value for x in lines), ZERO)
    note.save(update_fields=["cost_total", "updated_at"])


def delivery_note_cancel(*, actor, doc_id, expected_version=None) -> DeliveryNote:
    with transaction.atomic():
        return document_transition(
            actor=actor,
            doc=locked(DeliveryNote, doc_id),
            machine=DELIVERY_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )

"""Sales returns (销售退货) against a posted delivery note.

The goods come back IN with move type `sales_return`, never straight to released stock: each
returned batch gets its own lot "<original lot>-R<n>" in quarantine (待检), with the original's
production and expiry dates, because a lot's quality status is one for all of its stock (the
original lot's remaining stock stays sellable). Quality releases or rejects the return lot.
The cost comes back at the delivery's cost (the delivered line's value per unit), and the
accounting stock listener books Dr 库存商品 / Cr 主营业务成本 under the `sales_return` rule. Of
goods already invoiced, the return posts a credit (红字) in the same transaction: revenue and
output VAT reversed at the order line's price, the receivable reduced by a negative open item.
The red fapiao itself is issued in the tax system and not registered here yet."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError
from erp.core.ledger import ledger
from erp.core.money import round_amount
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.core.voucher_drafts import DraftLine, VoucherDraft
from erp.inventory.models import Lot, StockMove
from erp.inventory.services.lots import LotRequest, lots_for_receipt
from erp.inventory.services.posting import MoveSpec, StockSource, moves_post
from erp.masterdata.models import Location
from erp.sales.models import (
    DeliveryNote,
    DeliveryNoteLine,
    SalesOrderLine,
    SalesReturn,
    SalesReturnLine,
)
from erp.sales.models import SalesDocState as S
from erp.sales.selectors import remaining_to_return
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
from erp.sales.states import RETURN_MACHINE

DOC_TYPE = "sales.salesreturn"
MOVE_TYPE = "sales_return"
ZERO = Decimal("0")


def _default_location(delivery: DeliveryNote) -> Location | None:
    """The warehouse's quarantine (待检) location, else its first active location."""
    locations = Location.objects.filter(warehouse_id=delivery.warehouse_id, active=True)
    return (
        locations.filter(type=Location.Type.QUARANTINE).order_by("pk").first()
        or locations.order_by("pk").first()
    )


def _header(header: dict) -> dict:
    delivery = DeliveryNote.objects.filter(pk=as_int(header.get("delivery_id") or 0)).first()
    if delivery is None or delivery.state != S.POSTED:
        raise field_error("delivery", _("Choose the posted delivery note the goods came from."))
    location = (
        Location.objects.filter(pk=as_int(header["location_id"]), active=True).first()
        if header.get("location_id")
        else _default_location(delivery)
    )
    if location is None:
        raise field_error("location", _("Choose the active location the goods come back to."))
    return {
        "delivery": delivery,
        "customer_id": delivery.customer_id,
        "location": location,
        "date": date_of(header.get("date"), "date"),
        "reason": str(header.get("reason") or "").strip()[:200],
        "note": str(header.get("note") or "").strip(),
    }


def _lines(delivery: DeliveryNote, rows: list[dict]) -> list[dict]:
    by_id = {x.pk: x for x in delivery.lines.select_related("material")}
    cleaned = []
    for no, row in enumerate(rows, start=1):
        dline = by_id.get(as_int(row.get("delivery_line_id") or 0))
        if dline is None:
            raise line_error(no, "delivery_line", _("choose a line of the delivery note."))
        qty = quantity_of(row.get("quantity"), no=no)
        if qty > remaining_to_return(dline):
            raise line_error(no, "quantity", _over_return(dline, qty))
        cleaned.append({"delivery_line": dline, "material": dline.material, "quantity": qty})
    return cleaned


def _over_return(dline, qty) -> str:
    return str(
        _("%(qty)s of %(material)s is more than the %(left)s delivered and not yet returned.")
        % {
            "qty": f"{qty.normalize():f}",
            "material": dline.material.code,
            "left": f"{remaining_to_return(dline).normalize():f}",
        }
    )


def _write(doc: SalesReturn, cleaned: list[dict]) -> None:
    doc.lines.all().delete()
    SalesReturnLine.objects.bulk_create(
        SalesReturnLine(document=doc, line_no=no, **row) for no, row in enumerate(cleaned, 1)
    )


def _snap(doc: SalesReturn) -> dict:
    data = snapshot(doc, ["delivery_id", "location_id", "date", "reason"])
    data["lines"] = [
        line_text(x.material.code, x.quantity)
        for x in doc.lines.select_related("material").order_by("line_no")
    ]
    return data


def sales_return_create(*, actor, header: dict, lines: list[dict]) -> SalesReturn:
    require_perm(actor, "sales.add_salesreturn")
    values = _header(header)
    cleaned = _lines(values["delivery"], lines) if lines else []
    with transaction.atomic():
        doc = SalesReturn.objects.create(state=S.DRAFT, created_by=actor, **values)
        _write(doc, cleaned)
        audit_record(actor=actor, action="create", obj=doc, changes=diff({}, _snap(doc)))
    return doc


def sales_return_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> SalesReturn:
    require_perm(actor, "sales.change_salesreturn")
    with transaction.atomic():
        doc = locked(SalesReturn, doc_id)
        refuse_unless_draft(doc)
        version_check(doc, expected_version)
        current = {
            "delivery_id": doc.delivery_id,
            "location_id": doc.location_id,
            "date": doc.date,
            "reason": doc.reason,
            "note": doc.note,
        }
        values = _header({**current, **{k: v for k, v in header.items() if v is not None}})
        if values["delivery"].pk != doc.delivery_id:
            raise field_error("delivery", _("The delivery of a return cannot change."))
        if lines is None:
            lines = [
                {"delivery_line_id": x.delivery_line_id, "quantity": x.quantity}
                for x in doc.lines.all()
            ]
        cleaned = _lines(values["delivery"], lines) if lines else []
        before = _snap(doc)
        for name, value in values.items():
            setattr(doc, name, value)
        _write(doc, cleaned)
        doc.version += 1
        doc.save()
        audit_record(actor=actor, action="update", obj=doc, changes=diff(before, _snap(doc)))
    return doc


def sales_return_post(*, actor, doc_id, expected_version=None) -> SalesReturn:
    with transaction.atomic():
        doc = locked(SalesReturn, doc_id)
        lines = list(doc.lines.select_related("material").order_by("line_no"))
        if not lines:
            raise BusinessRuleError(_("Add at least one line before posting."), code="no_lines")
        doc = document_transition(
            actor=actor,
            doc=doc,
            machine=RETURN_MACHINE,
            name="post",
            number_doc_type=DOC_TYPE,
            on_date=doc.date,
            expected_version=expected_version,
        )
        dlines = _delivery_lines_return(lines)
        credited = _credited_quantities(lines, dlines)
        lots = _return_lots(actor, doc, lines, dlines)
        specs = [
            MoveSpec(
                material=line.material,
                quantity=line.quantity,
                move_type=MOVE_TYPE,
                to_location=doc.location,
                lot=lot,
                value=_cost_back(dlines[line.delivery_line_id], line.quantity),
                source_line_id=str(line.pk),
            )
            for line, lot in zip(lines, lots, strict=True)
        ]
        moves_post(
            actor=actor,
            specs=specs,
            posting_date=doc.date,
            source=StockSource(DOC_TYPE, doc.pk, doc.number),
            reason=doc.reason or str(_("Sales return")),
        )
        for line, spec in zip(lines, specs, strict=True):
            line.lot, line.cost_value = spec.lot, spec.value
        SalesReturnLine.objects.bulk_update(lines, ["lot", "cost_value"])
        doc.cost_total = sum((x.cost_value for x in lines), ZERO)
        doc.save(update_fields=["cost_total", "updated_at"])
        _credit_note(actor, doc, lines, dlines, credited)
        # What came back uninvoiced needs no invoice: the return may complete the order.
        orders_close_if_complete(actor=actor, order_ids={doc.delivery.order_id})
    return doc


def _credited_quantities(lines, dlines) -> dict[int, Decimal]:
    """What of each returned line was already invoiced: a return first reduces what is still
    to invoice; only the rest was billed and is credited (红字). Read after the returned
    quantities were added, so "not invoiced" is counted before this return."""
    credited = {}
    for line in lines:
        dline = dlines[line.delivery_line_id]
        uninvoiced = dline.quantity - dline.invoiced_qty - (dline.returned_qty - line.quantity)
        credited[line.pk] = max(ZERO, line.quantity - max(ZERO, uninvoiced))
    return credited


def _credit_note(actor, doc: SalesReturn, lines, dlines, credited) -> None:
    """Dr 主营业务收入 + Dr 销项税额 / Cr 应收账款 (customer) for the invoiced part, at the order
    line's price, VAT rate and discount; the receivable is reduced by a negative open item."""
    from erp.masterdata.vat import document_totals, line_amounts
    from erp.sales.services.invoices import OUTPUT_VAT, _accounts

    amounts = []
    for line in lines:
        if credited[line.pk] <= 0:
            continue
        oline = SalesOrderLine.objects.select_related("document").get(
            pk=dlines[line.delivery_line_id].order_line_id
        )
        amounts.append(
            line_amounts(
                quantity=credited[line.pk],
                price=oline.unit_price,
                price_includes_tax=oline.document.price_includes_tax,
                rate=oline.vat_rate,
                discount_pct=oline.discount_pct,
            )
        )
    if not amounts:
        return
    totals = document_totals(amounts)
    receivable, revenue = _accounts()
    summary = str(_("Sales return %(number)s credit") % {"number": doc.number})[:200]
    entries = [DraftLine(summary, revenue, debit=totals.net)]
    if totals.tax:
        entries.append(DraftLine(summary, OUTPUT_VAT, debit=totals.tax))
    entries.append(DraftLine(summary, receivable, credit=totals.gross, customer_id=doc.customer_id))
    doc.credit_voucher = ledger().post_for_source(
        actor=actor,
        draft=VoucherDraft(
            date=doc.date,
            lines=tuple(entries),
            source_type=DOC_TYPE,
            source_id=str(doc.pk),
            source_number=doc.number,
        ),
    )
    doc.credit_total = totals.gross
    doc.save(update_fields=["credit_voucher", "credit_total", "updated_at"])
    ledger().open_item_create(
        actor=actor,
        kind="receivable",
        partner_id=doc.customer_id,
        account_code=receivable,
        amount=-totals.gross,
        doc_date=doc.date,
        due=doc.date,
        source_type=DOC_TYPE,
        source_id=str(doc.pk),
        source_number=doc.number,
        summary=summary,
        voucher=doc.credit_voucher,
    )


def _delivery_lines_return(lines) -> dict[int, DeliveryNoteLine]:
    ids = sorted({x.delivery_line_id for x in lines})
    dlines = {x.pk: x for x in DeliveryNoteLine.objects.select_for_update().filter(pk__in=ids)}
    for line in lines:
        dline = dlines[line.delivery_line_id]
        if line.quantity > remaining_to_return(dline):
            raise line_error(line.line_no, "quantity", _over_return(dline, line.quantity))
        dline.returned_qty += line.quantity
    DeliveryNoteLine.objects.bulk_update(dlines.values(), ["returned_qty"])
    return dlines


def _cost_back(dline: DeliveryNoteLine, qty: Decimal) -> Decimal:
    """The delivery's own cost per unit, not today's average."""
    return round_amount(dline.cost_value * qty / dline.quantity)


def _original_lot(dline: DeliveryNoteLine) -> Lot | None:
    """The lot the delivery line went out from (its first, when FEFO split it)."""
    move = (
        StockMove.objects.filter(
            source_type="sales.deliverynote", source_line_id=str(dline.pk), lot__isnull=False
        )
        .select_related("lot")
        .order_by("sequence")
        .first()
    )
    return move.lot if move else None


def _return_lots(actor, doc, lines, dlines) -> list[Lot | None]:
    requests = []
    for line in lines:
        if not line.material.batch_managed:
            requests.append(LotRequest(material=line.material))
            continue
        original = _original_lot(dlines[line.delivery_line_id])
        base = original.number if original else doc.number
        taken = Lot.objects.filter(material=line.material, number__startswith=f"{base}-R").count()
        taken += sum(1 for r in requests if r.number.startswith(f"{base}-R"))
        requests.append(
            LotRequest(
                material=line.material,
                number=f"{base}-R{taken + 1}",
                production_date=original.production_date if original else None,
                expiry_date=original.expiry_date if original else None,
                quarantine=True,
            )
        )
    return lots_for_receipt(
        actor=actor, requests=requests, posting_date=doc.date, allow_expired=True
    )


def sales_return_cancel(*, actor, doc_id, expected_version=None) -> SalesReturn:
    with transaction.atomic():
        return document_transition(
            actor=actor,
            doc=locked(SalesReturn, doc_id),
            machine=RETURN_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )

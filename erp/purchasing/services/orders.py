"""Purchase orders (采购订单): save, submit for approval, close short, cancel.

draft → submitted (approval request) → approved → closed, or cancelled before anything was
received. The approvals engine moves submitted orders to approved, or back to draft when a
request is returned, rejected or withdrawn (`_on_decided`). Editing a submitted or approved
order (nothing received yet) bumps its version, which supersedes the approval, and submits it
again. Line amounts follow erp/masterdata/vat.py (round the line, then sum).
"""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.approvals.contract import ApprovalSubject, approval_subject_register
from erp.approvals.services.requests import approval_document_edited, approval_submit
from erp.approvals.states import RequestState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.core.money import format_cny
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.masterdata.models import Material, Supplier, Warehouse
from erp.masterdata.vat import VatRate, document_totals, line_amounts
from erp.purchasing import selectors
from erp.purchasing.models import PurchaseOrder, PurchaseOrderLine
from erp.purchasing.services.documents import (
    date_in,
    line_error,
    locked,
    price_in,
    quantity_in,
    refuse_unless,
    too_many_lines,
    version_check,
)
from erp.purchasing.states import ORDER_MACHINE, OrderState

DOC_TYPE = "purchasing.purchaseorder"
S = OrderState
HEADER_FIELDS = ["date", "supplier_id", "warehouse_id", "note", "net_total", "tax_total", "total"]


# --- save -----------------------------------------------------------------------------------


def _header_clean(header: dict) -> dict:
    supplier = Supplier.objects.filter(pk=header.get("supplier_id") or 0, active=True).first()
    if supplier is None:
        raise ValidationFailed(fields={"supplier": [str(_("Choose an active supplier."))]})
    warehouse = None
    if header.get("warehouse_id"):
        warehouse = Warehouse.objects.filter(pk=header["warehouse_id"], active=True).first()
        if warehouse is None:
            raise ValidationFailed(fields={"warehouse": [str(_("Choose an active warehouse."))]})
    return {
        "date": date_in(header.get("date"), "date", _("the order date")),
        "supplier": supplier,
        "warehouse": warehouse,
        "note": str(header.get("note") or "").strip(),
    }


def _lines_clean(supplier, lines: list[dict], on_date) -> list[dict[str, Any]]:
    too_many_lines(lines)
    materials = Material.objects.in_bulk({ln.get("material_id") or 0 for ln in lines})
    cleaned = []
    for n, ln in enumerate(lines, 1):
        material = materials.get(ln.get("material_id") or 0)
        if material is None or not material.active:
            raise line_error(n, "material", _("choose an active material."))
        quantity = quantity_in(ln.get("quantity"), n)
        includes_tax = ln.get("price_includes_tax")
        price = ln.get("price")
        if price in (None, ""):
            # The proposal is a price on its own basis: it brings its basis along.
            known = selectors.price_proposed(supplier.pk, material.pk, quantity, on_date)
            if known is None:
                raise line_error(
                    n,
                    "price",
                    _(
                        "enter the unit price (this supplier has no valid price list and no "
                        "earlier price)."
                    ),
                )
            price, includes_tax = known.price, known.includes_tax
        price = price_in(price, n)
        rate = ln.get("vat_rate") or material.vat_rate
        if rate not in VatRate.values:
            raise line_error(n, "vat_rate", _("choose a VAT rate from the list."))
        includes_tax = True if includes_tax is None else bool(includes_tax)
        amounts = line_amounts(
            quantity=quantity, price=price, price_includes_tax=includes_tax, rate=rate
        )
        cleaned.append(
            {
                "material": material,
                "quantity": quantity,
                "price": price,
                "price_includes_tax": includes_tax,
                "vat_rate": rate,
                "expected_date": date_in(
                    ln.get("expected_date"), "expected_date", _("the date"), required=False
                ),
                "net_amount": amounts.net,
                "tax_amount": amounts.tax,
                "gross_amount": amounts.gross,
                "requisition_line_id": ln.get("requisition_line_id"),
                "_amounts": amounts,
            }
        )
    return cleaned


def _lines_write(order: PurchaseOrder, cleaned: list[dict]) -> None:
    order.lines.all().delete()
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            document=order, line_no=n, **{k: v for k, v in values.items() if k != "_amounts"}
        )
        for n, values in enumerate(cleaned, 1)
    )
    totals = document_totals(x["_amounts"] for x in cleaned)
    order.net_total, order.tax_total, order.total = totals.net, totals.tax, totals.gross


def _snap(order: PurchaseOrder) -> dict:
    data = snapshot(order, HEADER_FIELDS)
    data["lines"] = [
        line_text(x.material.code, x.quantity, f"{x.vat_rate}%", price=x.price)
        for x in order.lines.select_related("material")
    ]
    return data


def purchase_order_create(*, actor, header: dict, lines: list[dict]) -> PurchaseOrder:
    require_perm(actor, "purchasing.add_purchaseorder")
    cleaned_header = _header_clean(header)
    cleaned = _lines_clean(cleaned_header["supplier"], lines, cleaned_header["date"])
    with transaction.atomic():
        order = PurchaseOrder.objects.create(state=S.DRAFT, created_by=actor, **cleaned_header)
        _lines_write(order, cleaned)
        order.save(update_fields=["net_total", "tax_total", "total"])
        audit_record(actor=actor, action="create", obj=order, changes=diff({}, _snap(order)))
    return order


def purchase_order_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> PurchaseOrder:
    """Replace the header (and lines). A submitted or approved order with nothing received goes
    back for approval: its version changes, the old request is superseded, a new one runs."""
    require_perm(actor, "purchasing.change_purchaseorder")
    with transaction.atomic():
        order = locked(PurchaseOrder, doc_id)
        version_check(order, expected_version)
        refuse_unless(order, (S.DRAFT, S.SUBMITTED, S.APPROVED))
        if order.lines.filter(received_quantity__gt=0).exists():
            raise BusinessRuleError(
                _("Goods were already received against %(order)s: it can no longer be changed.")
                % {"order": order},
                code="order_received",
            )
        current = {"date": order.date, "supplier_id": order.supplier_id, "note": order.note}
        current["warehouse_id"] = order.warehouse_id
        cleaned_header = _header_clean({**current, **header})
        if lines is None:
            fields = ("material_id", "quantity", "price", "price_includes_tax", "vat_rate")
            lines = [
                {**{f: getattr(x, f) for f in fields}, "expected_date": x.expected_date}
                for x in order.lines.all()
            ]
        cleaned = _lines_clean(cleaned_header["supplier"], lines, cleaned_header["date"])
        before = _snap(order)
        for name, value in cleaned_header.items():
            setattr(order, name, value)
        _lines_write(order, cleaned)
        order.version += 1
        order.save()
        audit_record(actor=actor, action="update", obj=order, changes=diff(before, _snap(order)))
        if order.state != S.DRAFT:
            approval_document_edited(actor=actor, doc=order)
            _engine_transition(order, "reopen", actor=actor)
            _submit_request(actor, order)
    return order


# --- approval -------------------------------------------------------------------------------


def purchase_order_submit(*, actor, doc_id, expected_version=None) -> PurchaseOrder:
    with transaction.atomic():
        order = locked(PurchaseOrder, doc_id)
        version_check(order, expected_version)
        if not order.lines.exists():
            raise BusinessRuleError(
                _("Add at least one line before submitting the order."), code="no_lines"
            )
        if order.supplier.approval_status != Supplier.Approval.APPROVED:
            raise BusinessRuleError(
                _(
                    "%(supplier)s is not an approved supplier (%(status)s): orders go only to "
                    "approved suppliers. Ask quality to approve the supplier first."
                )
                % {
                    "supplier": order.supplier,
                    "status": order.supplier.get_approval_status_display(),
                },
                code="supplier_not_approved",
            )
        _lines_supplier_check(order)
        order = document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="submit",
            number_doc_type=DOC_TYPE,
            on_date=order.date,
        )
        _submit_request(actor, order)
    return order


def _lines_supplier_check(order: PurchaseOrder) -> None:
    """A material that names its approved suppliers is ordered only from one of them."""
    for line in order.lines.select_related("material").order_by("line_no"):
        if not selectors.supplier_approved_for(order.supplier, line.material):
            raise BusinessRuleError(
                _(
                    "Line %(n)s: %(supplier)s is not an approved supplier of %(material)s. "
                    "Order it from one of its approved suppliers, or ask quality to add this "
                    "supplier to the material's approved suppliers."
                )
                % {"n": line.line_no, "supplier": order.supplier, "material": line.material},
                code="supplier_not_approved_for_material",
            )


def _submit_request(actor, order: PurchaseOrder) -> None:
    if order.state == S.DRAFT:
        _engine_transition(order, "submit_again", actor=actor)
    request = approval_submit(actor=actor, doc=order)
    if request.state == RequestState.APPROVED:
        _engine_transition(order, "approve", actor=actor, note=f"approval request {request.pk}")


def _engine_transition(order: PurchaseOrder, name: str, *, actor=None, note: str = "") -> None:
    """Move the locked order along an engine-driven transition ("submit_again" is the submit
    transition taken again after an edit). The version is the engine's: left alone."""
    machine_name = "submit" if name == "submit_again" else name
    target = ORDER_MACHINE.transitions[machine_name].target
    if order.state == target:
        return
    transition = ORDER_MACHINE.transition_for(order.state, machine_name)
    before = order.state
    order.state = transition.target
    order.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="transition",
        obj=order,
        changes={"state": [before, order.state]},
        note=f"{machine_name}: {note}" if note else machine_name,
    )


def _on_decided(order: PurchaseOrder, request) -> None:
    if order.state not in (S.SUBMITTED, S.APPROVED):
        return
    name = "approve" if request.state == RequestState.APPROVED else "reopen"
    _engine_transition(order, name, note=f"approval request {request.pk}: {request.state}")


# --- close and cancel -----------------------------------------------------------------------


def purchase_order_close(*, actor, doc_id, expected_version=None) -> PurchaseOrder:
    """Close short: what is still open will not be received."""
    with transaction.atomic():
        order = locked(PurchaseOrder, doc_id)
        return document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="close",
            expected_version=expected_version,
        )


def purchase_order_cancel(*, actor, doc_id, expected_version=None) -> PurchaseOrder:
    with transaction.atomic():
        order = locked(PurchaseOrder, doc_id)
        if order.lines.filter(received_quantity__gt=0).exists():
            raise BusinessRuleError(
                _("Goods were received against %(order)s: close it short instead of cancelling.")
                % {"order": order},
                code="order_received",
            )
        return document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def order_close_if_received(order: PurchaseOrder, *, actor) -> None:
    """Close an approved order once every line is fully received (called under its lock)."""
    if order.state == S.APPROVED and not any(x.open_quantity for x in order.lines.all()):
        _engine_transition(order, "close", actor=actor)


# --- registration ---------------------------------------------------------------------------


def purchase_orders_register() -> None:
    approval_subject_register(
        ApprovalSubject(
            doc_type=DOC_TYPE,
            model=PurchaseOrder,
            label=_("Purchase order"),
            rule_fields=lambda o: {"amount": o.total, "supplier": o.supplier.code},
            extra_fields={"supplier": ("code", _("Supplier"))},
            summary=lambda o: [
                (_("Supplier"), str(o.supplier)),
                (_("Date"), f"{o.date:%Y-%m-%d}"),
                (_("Amount excl. tax"), format_cny(o.net_total)),
                (_("Amount incl. tax"), format_cny(o.total)),
            ],
            lines=lambda o: (
                [_("Material"), _("Quantity"), _("Unit price"), _("Amount incl. tax")],
                [
                    [
                        str(x.material),
                        f"{x.quantity.normalize():f}",
                        f"{x.price.normalize():f}",
                        format_cny(x.gross_amount),
                    ]
                    for x in o.lines.select_related("material")
                ],
            ),
            url=lambda o: reverse("purchasing:purchaseorder_detail", args=[o.pk]),
            on_decided=_on_decided,
        )
    )

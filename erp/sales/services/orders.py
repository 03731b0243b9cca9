"""Sales orders (销售订单): draft → submitted (credit check, then the approvals engine) →
approved → closed; or credit hold (released by the sales manager or finance) and cancel.

Submitting checks credit first: open AR + the customer's other open orders + this order over
the customer's credit limit puts the order on credit hold (a credit limit of 0 means none is
set: no check). A released order goes to the approvals engine like any other. The engine's
rules see amount (incl. tax), customer (code) and discount_pct (the highest line discount)."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.approvals.contract import ApprovalSubject, approval_subject_register
from erp.approvals.services.requests import approval_submit
from erp.approvals.states import RequestState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError
from erp.core.money import format_cny
from erp.core.services.audit import audit_record, diff
from erp.core.services.transitions import document_transition
from erp.masterdata.models import Customer
from erp.sales import selectors
from erp.sales.models import SalesOrder, SalesOrderLine, SalesOrderState
from erp.sales.services.common import (
    ZERO,
    as_int,
    date_of,
    field_error,
    line_error,
    locked,
    priced_lines,
    priced_lines_write,
    priced_snapshot,
    refuse_unless_draft,
    version_check,
)
from erp.sales.states import ORDER_MACHINE

DOC_TYPE = "sales.salesorder"
S = SalesOrderState
HEADER_FIELDS = ["customer_id", "date", "price_includes_tax", "total", "tax_total", "note"]


def _header(header: dict[str, Any]) -> dict[str, Any]:
    customer = Customer.objects.filter(pk=as_int(header.get("customer_id") or 0)).first()
    if customer is None or not customer.active:
        raise field_error("customer", _("Choose an active customer."))
    address = str(header.get("delivery_address") or "").strip()
    if not address:
        default = customer.addresses.filter(is_default=True).first() or customer.addresses.first()
        address = default.address if default else ""
    return {
        "customer": customer,
        "date": date_of(header.get("date"), "date"),
        "price_includes_tax": header.get("price_includes_tax") not in (False, "false", "0"),
        "delivery_address": address[:300],
        "customer_reference": str(header.get("customer_reference") or "").strip()[:60],
        "note": str(header.get("note") or "").strip(),
    }


def _order_line_extra(row: dict, no: int) -> dict:
    """An order line's own fields beside the price: requested date, minimum shelf life."""
    requested = (
        date_of(row["requested_date"], "requested_date") if row.get("requested_date") else None
    )
    days = row.get("min_remaining_days")
    if days not in (None, "") and (not str(days).isdigit() or int(days) > 3650):
        raise line_error(
            no, "min_remaining_days", _("enter the minimum remaining shelf life in days.")
        )
    return {
        "requested_date": requested,
        "min_remaining_days": int(days) if days not in (None, "") else None,
    }


def _lines(rows: list[dict], includes_tax: bool) -> list[dict]:
    return priced_lines(rows, includes_tax, extra=_order_line_extra)


def _write(order: SalesOrder, cleaned: list[dict]) -> None:
    priced_lines_write(order, SalesOrderLine, cleaned)
    order.max_discount = max((r["discount_pct"] for r in cleaned), default=ZERO)


def _snap(order: SalesOrder) -> dict:
    return priced_snapshot(order, HEADER_FIELDS)


def sales_order_create(*, actor, header: dict, lines: list[dict]) -> SalesOrder:
    require_perm(actor, "sales.add_salesorder")
    values = _header(header)
    # A draft may be saved without lines (the form saves the header first); submit needs them.
    cleaned = _lines(lines, values["price_includes_tax"]) if lines else []
    with transaction.atomic():
        order = SalesOrder.objects.create(state=S.DRAFT, created_by=actor, **values)
        _write(order, cleaned)
        order.save()
        audit_record(actor=actor, action="create", obj=order, changes=diff({}, _snap(order)))
    return order


def sales_order_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> SalesOrder:
    require_perm(actor, "sales.change_salesorder")
    with transaction.atomic():
        order = locked(SalesOrder, doc_id)
        refuse_unless_draft(order)
        version_check(order, expected_version)
        current = {
            "customer_id": order.customer_id,
            "date": order.date,
            "price_includes_tax": order.price_includes_tax,
            "delivery_address": order.delivery_address,
            "customer_reference": order.customer_reference,
            "note": order.note,
        }
        values = _header({**current, **{k: v for k, v in header.items() if v is not None}})
        if lines is None:
            fields = ("material_id", "quantity", "unit_price", "vat_rate", "discount_pct")
            lines = [
                {f: getattr(x, f) for f in (*fields, "requested_date", "min_remaining_days")}
                for x in order.lines.all()
            ]
        cleaned = _lines(lines, values["price_includes_tax"]) if lines else []
        before = _snap(order)
        for name, value in values.items():
            setattr(order, name, value)
        _write(order, cleaned)
        order.version += 1
        order.save()
        audit_record(actor=actor, action="update", obj=order, changes=diff(before, _snap(order)))
    return order


# --- submit, credit check, approval ------------------------------------------------------------


def sales_order_submit(*, actor, doc_id, expected_version=None) -> SalesOrder:
    with transaction.atomic():
        order = locked(SalesOrder, doc_id)
        if not order.lines.exists():
            raise BusinessRuleError(
                _("Add at least one line before submitting the order."), code="no_lines"
            )
        order = document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="submit",
            number_doc_type=DOC_TYPE,
            on_date=order.date,
            expected_version=expected_version,
        )
        if _over_credit_limit(order):
            return order
        _to_approval(actor, order)
    return order


def _over_credit_limit(order: SalesOrder) -> bool:
    """Put the (locked, submitted) order on credit hold when the customer's exposure would pass
    the credit limit; a limit of 0 means no limit is set."""
    customer = Customer.objects.select_for_update().get(pk=order.customer_id)
    limit = customer.credit_limit
    if not limit or limit <= 0:
        return False
    exposure = selectors.credit_exposure(order)
    if exposure <= limit:
        return False
    order.hold_reason = str(
        _(
            "Credit limit %(limit)s exceeded: open receivables, open orders and this order come "
            "to %(exposure)s. A sales manager or finance must release the order."
        )
        % {"limit": format_cny(limit), "exposure": format_cny(exposure)}
    )[:300]
    order.save(update_fields=["hold_reason", "updated_at"])
    _engine_transition(order, "hold", note=order.hold_reason)
    return True


def _to_approval(actor, order: SalesOrder) -> None:
    request = approval_submit(actor=actor, doc=order)
    if request.state == RequestState.APPROVED:
        _engine_transition(order, "approve", actor=actor, note=f"approval request {request.pk}")


def sales_order_release(*, actor, doc_id, expected_version=None) -> SalesOrder:
    """Release a credit hold (sales.release_salesorder: sales manager, finance manager): the
    order goes on to the approvals engine. The salesperson does not hold the permission."""
    with transaction.atomic():
        order = document_transition(
            actor=actor,
            doc=locked(SalesOrder, doc_id),
            machine=ORDER_MACHINE,
            name="release",
            expected_version=expected_version,
        )
        _to_approval(actor, order)
    return order


def _engine_transition(order: SalesOrder, name: str, *, actor=None, note: str = "") -> None:
    """An engine-driven transition of the locked order (no button, no permission of its own);
    the version is the engine's, left as it is."""
    transition = ORDER_MACHINE.transition_for(order.state, name)
    before = order.state
    order.state = transition.target
    order.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="transition",
        obj=order,
        changes={"state": [before, order.state]},
        note=f"{name}: {note}" if note else name,
    )


def _on_decided(order: SalesOrder, request) -> None:
    if order.state != S.SUBMITTED:
        return
    name = "approve" if request.state == RequestState.APPROVED else "reopen"
    _engine_transition(order, name, note=f"approval request {request.pk}: {request.state}")


def sales_order_close(*, actor, doc_id, expected_version=None, reason: str = "") -> SalesOrder:
    """Close short (关闭) with a reason: what is not delivered stays undelivered (and out of the
    credit exposure); no further 下推 to delivery. What was delivered may still be invoiced."""
    reason = str(reason or "").strip()[:200]
    with transaction.atomic():
        order = locked(SalesOrder, doc_id)
        if not reason:
            raise field_error("reason", _("Enter why the order is closed before closing it."))
        if order.deliveries.filter(state="draft").exists():
            raise BusinessRuleError(
                _("%(order)s has draft deliveries: post or cancel them before closing the order.")
                % {"order": order},
                code="order_has_draft_deliveries",
            )
        order = document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="close",
            expected_version=expected_version,
        )
        order.close_reason = reason
        order.save(update_fields=["close_reason", "updated_at"])
        audit_record(
            actor=actor, action="update", obj=order, changes={"close_reason": ["", reason]}
        )
    return order


def orders_close_if_complete(*, actor, order_ids) -> None:
    """Close (in the caller's posting transaction) each approved order whose every line is fully
    delivered and has nothing left to invoice. Lock order: orders by id, after the lines the
    posting locked — callers lock the order rows before its lines (see invoices)."""
    for order in (
        SalesOrder.objects.select_for_update().filter(pk__in=sorted(order_ids)).order_by("pk")
    ):
        if order.state == S.APPROVED and selectors.order_complete(order):
            _engine_transition(order, "complete", actor=actor)


def sales_order_cancel(*, actor, doc_id, expected_version=None) -> SalesOrder:
    with transaction.atomic():
        order = locked(SalesOrder, doc_id)
        if (
            order.lines.filter(delivered_qty__gt=0).exists()
            or order.deliveries.filter(state="draft").exists()
        ):
            raise BusinessRuleError(
                _(
                    "%(order)s has deliveries: it cannot be cancelled. Cancel its draft deliveries "
                    "or close the order instead."
                )
                % {"order": order},
                code="order_has_deliveries",
            )
        return document_transition(
            actor=actor,
            doc=order,
            machine=ORDER_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def sales_orders_register() -> None:
    """Plug sales orders into the approvals engine (called from SalesConfig.ready)."""
    approval_subject_register(
        ApprovalSubject(
            doc_type=DOC_TYPE,
            model=SalesOrder,
            label=_("Sales order"),
            rule_fields=lambda o: {
                "amount": o.total,
                "department": "",
                "customer": o.customer.code,
                "discount_pct": o.max_discount,
            },
            extra_fields={
                "customer": ("code", _("Customer")),
                "discount_pct": ("decimal", _("Discount %")),
            },
            summary=lambda o: [
                (_("Customer"), str(o.customer)),
                (_("Order date"), f"{o.date:%Y-%m-%d}"),
                (_("Amount incl. tax"), format_cny(o.total)),
                (_("Highest discount %"), f"{o.max_discount}"),
            ],
            lines=lambda o: (
                [_("Material"), _("Quantity"), _("Unit price"), _("Discount %"), _("Amount")],
                [
                    [
                        x.material.name,
                        f"{x.quantity.normalize():f}",
                        f"{x.unit_price}",
                        f"{x.discount_pct}",
                        format_cny(x.amount),
                    ]
                    for x in o.lines.select_related("material")
                ],
            ),
            url=lambda o: reverse("sales:salesorder_detail", args=[o.pk]),
            on_decided=_on_decided,
        )
    )

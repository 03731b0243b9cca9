"""Sales quotations (销售报价单): draft → sent → accepted (by 下推 into a sales order) / lost
(with a reason) / expired (validity passed); a draft may be cancelled.

Lines follow the order's amount rule (erp/masterdata/vat.py through `priced_values`): round the
line, then sum. Pushing down copies customer, price basis, address and every line into a draft
sales order that links back to the quotation; the salesperson then submits the order (credit
check and approval happen there, not on the quotation). A quotation whose validity date has
passed is never pushed down: the customer must get a new one at today's prices.

Lock order: quotation row → numbering → (the order's own create)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError
from erp.core.services.audit import audit_record, diff
from erp.core.services.transitions import document_transition
from erp.masterdata.models import Customer
from erp.sales.models import QuotationState, SalesQuotation, SalesQuotationLine
from erp.sales.services.common import (
    as_int,
    date_of,
    field_error,
    locked,
    priced_lines,
    priced_lines_write,
    priced_snapshot,
    refuse_unless_draft,
    version_check,
)
from erp.sales.services.orders import sales_order_create
from erp.sales.states import QUOTATION_MACHINE

DOC_TYPE = "sales.salesquotation"
S = QuotationState
HEADER_FIELDS = ["customer_id", "date", "valid_until", "price_includes_tax", "total", "note"]
LINE_FIELDS = ("material_id", "quantity", "unit_price", "vat_rate", "discount_pct")


def _header(header: dict[str, Any]) -> dict[str, Any]:
    customer = Customer.objects.filter(pk=as_int(header.get("customer_id") or 0)).first()
    if customer is None or not customer.active:
        raise field_error("customer", _("Choose an active customer."))
    on = date_of(header.get("date"), "date")
    if not header.get("valid_until"):
        raise field_error("valid_until", _("Enter the date until which the prices are valid."))
    valid_until = date_of(header.get("valid_until"), "valid_until")
    if valid_until < on:
        raise field_error(
            "valid_until",
            _("Valid until %(until)s is before the quotation date %(date)s: enter a later date.")
            % {"until": valid_until.isoformat(), "date": on.isoformat()},
        )
    return {
        "customer": customer,
        "date": on,
        "valid_until": valid_until,
        "price_includes_tax": header.get("price_includes_tax") not in (False, "false", "0"),
        "delivery_address": str(header.get("delivery_address") or "").strip()[:300],
        "note": str(header.get("note") or "").strip(),
    }


def _snap(quotation: SalesQuotation) -> dict:
    return priced_snapshot(quotation, HEADER_FIELDS)


def sales_quotation_create(*, actor, header: dict, lines: list[dict]) -> SalesQuotation:
    require_perm(actor, "sales.add_salesquotation")
    values = _header(header)
    # A draft may be saved without lines (the form saves the header first); sending needs them.
    cleaned = priced_lines(lines, values["price_includes_tax"]) if lines else []
    with transaction.atomic():
        quotation = SalesQuotation.objects.create(state=S.DRAFT, created_by=actor, **values)
        priced_lines_write(quotation, SalesQuotationLine, cleaned)
        quotation.save()
        audit_record(
            actor=actor,
            action="create",
            obj=quotation,
            changes=diff({}, _snap(quotation)),
        )
    return quotation


def sales_quotation_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> SalesQuotation:
    require_perm(actor, "sales.change_salesquotation")
    with transaction.atomic():
        quotation = locked(SalesQuotation, doc_id)
        refuse_unless_draft(quotation)
        version_check(quotation, expected_version)
        current = {
            f: getattr(quotation, f)
            for f in ("customer_id", "date", "valid_until", "price_includes_tax", "note")
        }
        current["delivery_address"] = quotation.delivery_address
        values = _header({**current, **{k: v for k, v in header.items() if v is not None}})
        if lines is None:
            lines = [{f: getattr(x, f) for f in LINE_FIELDS} for x in quotation.lines.all()]
        cleaned = priced_lines(lines, values["price_includes_tax"]) if lines else []
        before = _snap(quotation)
        for name, value in values.items():
            setattr(quotation, name, value)
        priced_lines_write(quotation, SalesQuotationLine, cleaned)
        quotation.version += 1
        quotation.save()
        audit_record(
            actor=actor,
            action="update",
            obj=quotation,
            changes=diff(before, _snap(quotation)),
        )
    return quotation


def sales_quotation_send(*, actor, doc_id, expected_version=None) -> SalesQuotation:
    """Number the quotation and freeze its prices: it goes to the customer."""
    with transaction.atomic():
        quotation = locked(SalesQuotation, doc_id)
        if not quotation.lines.exists():
            raise BusinessRuleError(
                _("Add at least one line before sending the quotation."), code="no_lines"
            )
        return document_transition(
            actor=actor,
            doc=quotation,
            machine=QUOTATION_MACHINE,
            name="send",
            number_doc_type=DOC_TYPE,
            on_date=quotation.date,
            expected_version=expected_version,
        )


def sales_quotation_order(*, actor, doc_id, expected_version=None) -> SalesQuotation:
    """下推: the customer accepted — a draft sales order with the quotation's customer, price
    basis, address and lines, linked back to it; the quotation becomes accepted."""
    require_perm(actor, "sales.add_salesorder")
    with transaction.atomic():
        quotation = locked(SalesQuotation, doc_id)
        if quotation.state == S.SENT:
            _refuse_if_expired(quotation, timezone.localdate())
        quotation = document_transition(
            actor=actor,
            doc=quotation,
            machine=QUOTATION_MACHINE,
            name="order",
            expected_version=expected_version,
        )
        order = sales_order_create(
            actor=actor,
            header={
                "customer_id": quotation.customer_id,
                "date": timezone.localdate(),
                "price_includes_tax": quotation.price_includes_tax,
                "delivery_address": quotation.delivery_address,
                "note": quotation.note,
            },
            lines=[
                {f: getattr(x, f) for f in LINE_FIELDS} for x in quotation.lines.order_by("line_no")
            ],
        )
        order.quotation = quotation
        order.save(update_fields=["quotation", "updated_at"])
        audit_record(
            actor=actor, action="update", obj=order, changes={"quotation": ["", quotation.number]}
        )
    return quotation


def _refuse_if_expired(quotation: SalesQuotation, today: dt.date) -> None:
    if quotation.valid_until < today:
        raise BusinessRuleError(
            _(
                "%(doc)s was valid until %(until)s and has expired: its prices no longer hold. "
                "Make a new quotation for the customer."
            )
            % {"doc": quotation, "until": quotation.valid_until.isoformat()},
            code="quotation_expired",
        )


def sales_quotation_lose(
    *, actor, doc_id, expected_version=None, reason: str = ""
) -> SalesQuotation:
    """The customer bought elsewhere or not at all: the lost reason is required (won/lost
    analysis reads it)."""
    reason = str(reason or "").strip()[:200]
    with transaction.atomic():
        quotation = locked(SalesQuotation, doc_id)
        if not reason:
            raise field_error(
                "reason", _("Enter why the quotation was lost (price, lead time, ...).")
            )
        quotation = document_transition(
            actor=actor,
            doc=quotation,
            machine=QUOTATION_MACHINE,
            name="lose",
            expected_version=expected_version,
        )
        quotation.lost_reason = reason
        quotation.save(update_fields=["lost_reason", "updated_at"])
        audit_record(
            actor=actor, action="update", obj=quotation, changes={"lost_reason": ["", reason]}
        )
    return quotation


def sales_quotation_cancel(*, actor, doc_id, expected_version=None) -> SalesQuotation:
    with transaction.atomic():
        return document_transition(
            actor=actor,
            doc=locked(SalesQuotation, doc_id),
            machine=QUOTATION_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def sales_quotations_expire(*, today: dt.date | None = None) -> int:
    """Daily job: sent quotations whose validity date has passed become expired (one audit
    event each). Returns how many expired."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        due = SalesQuotation.objects.select_for_update().filter(state=S.SENT, valid_until__lt=today)
        for quotation in due.order_by("pk"):
            target = QUOTATION_MACHINE.transition_for(quotation.state, "expire").target
            quotation.state = target
            quotation.save(update_fields=["state", "updated_at"])
            audit_record(
                actor=None,
                action="transition",
                obj=quotation,
                changes={"state": [S.SENT, target]},
                note="expire",
            )
            count += 1
    return count

"""Sales invoices (销售发票), pushed down from a posted delivery note.

Posting books Dr 应收账款 (customer) / Cr 主营业务收入 / Cr 销项税额 through the voucher gate and
adds the receivable to the AR subledger (open item), so a 收款单 settles it. The revenue account
is the `sales_invoice` posting rule's credit (enterprise 6001, small-business 5001), the
receivable its debit (1122); output VAT is 22210102 in both charts. Prices, VAT rate and
discount come from the order line; each invoice line is rounded once (erp/masterdata/vat.py),
so Σ net + Σ VAT = total on the invoice and in the voucher.

Fapiao register: the 金税 number typed in — 8 digits (专票/普票, with its 10/12-digit code
printed beside it) or 20 digits (数电票) — unique over invoices that are not cancelled."""

import re

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError
from erp.core.ledger import NoPostingRule, ledger
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.core.voucher_drafts import DraftLine, VoucherDraft
from erp.sales.models import (
    DeliveryNote,
    DeliveryNoteLine,
    FapiaoType,
    SalesInvoice,
    SalesInvoiceLine,
    SalesOrder,
    SalesOrderLine,
)
from erp.sales.models import SalesDocState as S
from erp.sales.selectors import remaining_to_invoice
from erp.sales.services.common import (
    ZERO,
    as_int,
    date_of,
    field_error,
    line_error,
    locked,
    priced_values,
    quantity_of,
    refuse_unless_draft,
    totals_apply,
    version_check,
)
from erp.sales.services.orders import orders_close_if_complete
from erp.sales.states import INVOICE_MACHINE

DOC_TYPE = "sales.salesinvoice"
EVENT = "sales_invoice"
OUTPUT_VAT = "22210102"
DIGITAL = (FapiaoType.DIGITAL_SPECIAL, FapiaoType.DIGITAL_ORDINARY)
SPECIAL = (FapiaoType.SPECIAL, FapiaoType.DIGITAL_SPECIAL)


def _fapiao(header: dict) -> dict:
    kind = str(header.get("fapiao_type") or FapiaoType.SPECIAL)
    if kind not in FapiaoType.values:
        raise field_error("fapiao_type", _("Choose the fapiao type from the list."))
    number = str(header.get("fapiao_number") or "").strip()
    digits = 20 if kind in DIGITAL else 8
    if number and not re.fullmatch(rf"\d{{{digits}}}", number):
        raise field_error(
            "fapiao_number",
            _("Enter the fapiao number as %(digits)s digits, as printed on the fapiao.")
            % {"digits": digits},
        )
    fapiao_date = header.get("fapiao_date")
    return {
        "fapiao_type": kind,
        "fapiao_number": number,
        "fapiao_date": date_of(fapiao_date, "fapiao_date") if fapiao_date else None,
    }


def _fapiao_unused(number: str, invoice_id: int | None) -> None:
    if not number:
        return
    taken = (
        SalesInvoice.objects.filter(fapiao_number=number)
        .exclude(state=S.CANCELLED)
        .exclude(pk=invoice_id)
        .first()
    )
    if taken is not None:
        raise field_error(
            "fapiao_number",
            _("Fapiao number %(number)s is already registered on %(invoice)s.")
            % {"number": number, "invoice": taken},
        )


def _header(header: dict) -> dict:
    delivery = DeliveryNote.objects.filter(pk=as_int(header.get("delivery_id") or 0)).first()
    if delivery is None or delivery.state != S.POSTED:
        raise field_error("delivery", _("Choose a posted delivery note to invoice."))
    return {
        "delivery": delivery,
        "customer_id": delivery.customer_id,
        "date": date_of(header.get("date"), "date"),
        "note": str(header.get("note") or "").strip(),
        **_fapiao(header),
    }


def _pushdown_rows(delivery: DeliveryNote) -> list[dict]:
    return [
        {"delivery_line_id": x.pk, "quantity": remaining_to_invoice(x)}
        for x in delivery.lines.order_by("line_no")
        if remaining_to_invoice(x) > 0
    ]


def _lines(delivery: DeliveryNote, rows: list[dict]) -> list[dict]:
    """Lines of the header's delivery or of any other posted delivery of the same customer:
    one invoice may bill several deliveries (the header names the first)."""
    ids = [as_int(r.get("delivery_line_id") or 0) for r in rows]
    by_id = {
        x.pk: x
        for x in DeliveryNoteLine.objects.filter(
            pk__in=ids, document__state=S.POSTED, document__customer_id=delivery.customer_id
        ).select_related("material", "order_line__document")
    }
    cleaned = []
    for no, row in enumerate(rows, start=1):
        dline = by_id.get(as_int(row.get("delivery_line_id") or 0))
        if dline is None:
            raise line_error(
                no, "delivery_line", _("choose a line of a posted delivery of this customer.")
            )
        qty = quantity_of(row.get("quantity"), no=no)
        left = remaining_to_invoice(dline)
        if qty > left:
            raise line_error(no, "quantity", _over_invoice(dline, qty, left))
        oline = dline.order_line
        values = priced_values(
            {
                "unit_price": oline.unit_price,
                "vat_rate": oline.vat_rate,
                "discount_pct": oline.discount_pct,
                "quantity": qty,
            },
            no=no,
            material=dline.material,
            includes_tax=oline.document.price_includes_tax,
        )
        cleaned.append({**values, "delivery_line": dline})
    return cleaned


def _over_invoice(dline, qty, left) -> str:
    return str(
        _(
            "%(qty)s of %(material)s is more than the %(left)s delivered and not yet invoiced. "
            "Reduce the quantity."
        )
        % {
            "qty": f"{qty.normalize():f}",
            "material": dline.material.code,
            "left": f"{left.normalize():f}",
        }
    )


def _write(invoice: SalesInvoice, cleaned: list[dict]) -> None:
    invoice.lines.all().delete()
    SalesInvoiceLine.objects.bulk_create(
        SalesInvoiceLine(
            document=invoice, line_no=no, **{k: v for k, v in r.items() if not k.startswith("_")}
        )
        for no, r in enumerate(cleaned, start=1)
    )
    totals_apply(invoice, cleaned)


def _snap(invoice: SalesInvoice) -> dict:
    fields = ["delivery_id", "date", "fapiao_type", "fapiao_number", "fapiao_date", "total"]
    data = snapshot(invoice, fields)
    data["lines"] = [
        line_text(x.material.code, x.quantity, price=x.unit_price)
        for x in invoice.lines.select_related("material").order_by("line_no")
    ]
    return data


def sales_invoice_create(*, actor, header: dict, lines: list[dict]) -> SalesInvoice:
    """A draft invoice of a posted delivery; without lines, everything not yet invoiced."""
    require_perm(actor, "sales.add_salesinvoice")
    values = _header(header)
    _fapiao_unused(values["fapiao_number"], None)
    cleaned = _lines(values["delivery"], lines or _pushdown_rows(values["delivery"]))
    with transaction.atomic():
        invoice = SalesInvoice.objects.create(state=S.DRAFT, created_by=actor, **values)
        _write(invoice, cleaned)
        invoice.save()
        audit_record(actor=actor, action="create", obj=invoice, changes=diff({}, _snap(invoice)))
    return invoice


def sales_invoice_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> SalesInvoice:
    require_perm(actor, "sales.change_salesinvoice")
    with transaction.atomic():
        invoice = locked(SalesInvoice, doc_id)
        refuse_unless_draft(invoice)
        version_check(invoice, expected_version)
        current = snapshot(
            invoice, ["delivery_id", "date", "note", "fapiao_type", "fapiao_number", "fapiao_date"]
        )
        current.update({"date": invoice.date, "fapiao_date": invoice.fapiao_date})
        values = _header({**current, **{k: v for k, v in header.items() if v is not None}})
        if values["delivery"].pk != invoice.delivery_id:
            raise field_error("delivery", _("The delivery of an invoice cannot change."))
        _fapiao_unused(values["fapiao_number"], invoice.pk)
        if lines is None:
            lines = [
                {"delivery_line_id": x.delivery_line_id, "quantity": x.quantity}
                for x in invoice.lines.all()
            ]
        cleaned = _lines(values["delivery"], lines)
        before = _snap(invoice)
        for name, value in values.items():
            setattr(invoice, name, value)
        _write(invoice, cleaned)
        invoice.version += 1
        invoice.save()
        audit_record(
            actor=actor, action="update", obj=invoice, changes=diff(before, _snap(invoice))
        )
    return invoice


# --- posting ------------------------------------------------------------------------------------


def sales_invoice_post(*, actor, doc_id, expected_version=None) -> SalesInvoice:
    with transaction.atomic():
        invoice = locked(SalesInvoice, doc_id)
        lines = list(invoice.lines.select_related("material").order_by("line_no"))
        if not lines:
            raise BusinessRuleError(_("Add at least one line before posting."), code="no_lines")
        _invoice_data_check(invoice)
        _fapiao_unused(invoice.fapiao_number, invoice.pk)
        invoice = document_transition(
            actor=actor,
            doc=invoice,
            machine=INVOICE_MACHINE,
            name="post",
            number_doc_type=DOC_TYPE,
            on_date=invoice.date,
            expected_version=expected_version,
        )
        order_ids = _quantities_invoice(lines)
        receivable, revenue = _accounts()
        invoice.voucher = ledger().post_for_source(
            actor=actor, draft=invoice_voucher_draft(invoice, lines, receivable, revenue)
        )
        invoice.save(update_fields=["voucher", "updated_at"])
        ledger().open_item_create(
            actor=actor,
            kind="receivable",
            partner_id=invoice.customer_id,
            account_code=receivable,
            amount=invoice.total,
            doc_date=invoice.date,
            source_type=DOC_TYPE,
            source_id=str(invoice.pk),
            source_number=invoice.number,
            summary=_summary(invoice),
            voucher=invoice.voucher,
        )
        orders_close_if_complete(actor=actor, order_ids=order_ids)
    return invoice


def _invoice_data_check(invoice: SalesInvoice) -> None:
    """A 专票 needs the buyer's 开票信息: tax ID (统一社会信用代码) and invoice title."""
    customer = invoice.customer
    if invoice.fapiao_type in SPECIAL and not (customer.uscc and customer.invoice_title):
        raise BusinessRuleError(
            _(
                "%(customer)s has no invoicing data (unified social credit code and invoice "
                "title): a special VAT invoice (专票) cannot be issued. Complete the customer's "
                "开票信息 or choose an ordinary invoice (普票)."
            )
            % {"customer": customer.name},
            code="customer_invoice_data_missing",
        )


def _quantities_invoice(lines: list[SalesInvoiceLine]) -> set[int]:
    """Lock the delivery lines (by id), then the orders and their lines (the delivery's order
    → lines order, so an invoice and a delivery of one order cannot deadlock), refuse invoicing
    more than delivered, count it. Returns the ids of the orders invoiced."""
    ids = sorted({x.delivery_line_id for x in lines})
    dlines = {x.pk: x for x in DeliveryNoteLine.objects.select_for_update().filter(pk__in=ids)}
    order_ids = set(
        SalesOrderLine.objects.filter(
            pk__in={d.order_line_id for d in dlines.values()}
        ).values_list("document_id", flat=True)
    )
    list(SalesOrder.objects.select_for_update().filter(pk__in=sorted(order_ids)).order_by("pk"))
    olines = {
        x.pk: x
        for x in SalesOrderLine.objects.select_for_update().filter(
            pk__in=sorted({d.order_line_id for d in dlines.values()})
        )
    }
    for line in lines:
        dline = dlines[line.delivery_line_id]
        left = remaining_to_invoice(dline)
        if line.quantity > left:
            raise line_error(line.line_no, "quantity", _over_invoice(dline, line.quantity, left))
        dline.invoiced_qty += line.quantity
        olines[dline.order_line_id].invoiced_qty += line.quantity
    DeliveryNoteLine.objects.bulk_update(dlines.values(), ["invoiced_qty"])
    SalesOrderLine.objects.bulk_update(olines.values(), ["invoiced_qty"])
    return order_ids


def _accounts() -> tuple[str, str]:
    try:
        return ledger().rule_accounts(EVENT)
    except NoPostingRule:
        raise BusinessRuleError(
            _(
                "There is no posting rule for sales invoices. Finance sets it under Accounting → "
                "Posting rules (Dr 应收账款, Cr 主营业务收入)."
            ),
            code="no_posting_rule",
        ) from None


def _summary(invoice: SalesInvoice) -> str:
    return str(
        _("Sales invoice %(number)s %(customer)s")
        % {"number": invoice.number, "customer": invoice.customer.name}
    )[:200]


def invoice_voucher_draft(invoice, lines, receivable: str, revenue: str):
    """Dr receivable (customer) = total; Cr revenue = Σ net; Cr output VAT = Σ VAT."""
    net = sum((x.net_amount for x in lines), ZERO)
    tax = sum((x.tax_amount for x in lines), ZERO)
    summary = _summary(invoice)
    entries = [
        DraftLine(summary, receivable, debit=net + tax, customer_id=invoice.customer_id),
        DraftLine(summary, revenue, credit=net),
    ]
    if tax:
        entries.append(DraftLine(summary, OUTPUT_VAT, credit=tax))
    return VoucherDraft(
        date=invoice.date,
        lines=tuple(entries),
        source_type=DOC_TYPE,
        source_id=str(invoice.pk),
        source_number=invoice.number,
    )


def sales_invoice_fapiao(
    *, actor, doc_id, expected_version=None, fapiao_number="", fapiao_date=None, fapiao_type=None
) -> SalesInvoice:
    """Register (or correct) the fapiao of a posted invoice: type, number and date."""
    with transaction.atomic():
        invoice = locked(SalesInvoice, doc_id)
        values = _fapiao(
            {
                "fapiao_type": fapiao_type or invoice.fapiao_type,
                "fapiao_number": fapiao_number,
                "fapiao_date": fapiao_date or invoice.date,
            }
        )
        if not values["fapiao_number"]:
            raise field_error("fapiao_number", _("Enter the fapiao number."))
        _fapiao_unused(values["fapiao_number"], invoice.pk)
        before = _snap(invoice)
        invoice = document_transition(
            actor=actor,
            doc=invoice,
            machine=INVOICE_MACHINE,
            name="fapiao",
            expected_version=expected_version,
        )
        for name, value in values.items():
            setattr(invoice, name, value)
        invoice.save(update_fields=[*values, "updated_at"])
        audit_record(
            actor=actor, action="update", obj=invoice, changes=diff(before, _snap(invoice))
        )
    return invoice


def sales_invoice_cancel(*, actor, doc_id, expected_version=None) -> SalesInvoice:
    with transaction.atomic():
        return document_transition(
            actor=actor,
            doc=locked(SalesInvoice, doc_id),
            machine=INVOICE_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )

"""Purchase invoices (采购发票) with three-way match: order price × received quantity ×
invoiced price and quantity.

Each line names a posted receipt line; its quantity may not exceed what was received, less
returned and already invoiced. The line clears the receipt's value from 暂估应付款 (GR/IR): the
whole remaining value when it invoices the whole remaining quantity, else pro rata. The
difference to the invoice's net amount is the price variance, posted to the variance account
(材料成本差异). Beyond the tolerance (INVOICE_TOLERANCE_PCT of the cleared value, at least
INVOICE_TOLERANCE_AMOUNT) posting does not post: the invoice goes to the approvals engine with
its differences (draft → submitted); approved, it posts as any other (approved → posted);
returned or rejected, it is a draft again. With no approval rule for invoices the difference is
refused as before: nobody would be asked. Posting books the voucher through the gate and opens
the payable (AP open item) a 付款单 settles.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.approvals.contract import ApprovalSubject, approval_subject_register
from erp.approvals.services.matching import rule_select
from erp.approvals.services.requests import approval_require_approved, approval_submit
from erp.approvals.states import RequestState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.core.ledger import ledger
from erp.core.money import format_cny, round_amount
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.masterdata.models import Supplier
from erp.masterdata.vat import VatRate, document_totals, line_amounts
from erp.purchasing.builders import InvoiceAccounts, InvoiceFacts, invoice_voucher_draft
from erp.purchasing.models import GoodsReceipt, GoodsReceiptLine, PurchaseInvoice
from erp.purchasing.models import PurchaseInvoiceLine as Line
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
from erp.purchasing.states import INVOICE_MACHINE, InvoiceState, ReceiptState

DOC_TYPE = "purchasing.purchaseinvoice"
S = InvoiceState
INVOICE_TOLERANCE_PCT = Decimal("2")
INVOICE_TOLERANCE_AMOUNT = Decimal("10.00")
HEADER_FIELDS = ["date", "supplier_id", "invoice_no", "note", "net_total", "tax_total", "total"]


def uninvoiced(rl: GoodsReceiptLine) -> tuple[Decimal, Decimal]:
    """(quantity, GR/IR value) of a receipt line not yet invoiced nor returned."""
    return (
        rl.quantity - rl.returned_quantity - rl.invoiced_quantity,
        rl.value - rl.returned_value - rl.invoiced_value,
    )


def grir_of(rl: GoodsReceiptLine, quantity: Decimal) -> Decimal:
    open_qty, open_value = uninvoiced(rl)
    if quantity == open_qty:
        return open_value
    return round_amount(rl.value * quantity / rl.quantity)


def tolerance(grir: Decimal) -> Decimal:
    return max(round_amount(abs(grir) * INVOICE_TOLERANCE_PCT / 100), INVOICE_TOLERANCE_AMOUNT)


def _header_clean(header: dict) -> dict:
    supplier = Supplier.objects.filter(pk=header.get("supplier_id") or 0).first()
    if supplier is None:
        raise ValidationFailed(fields={"supplier": [str(_("Choose the supplier."))]})
    invoice_no = str(header.get("invoice_no") or "").strip()
    if invoice_no and (not invoice_no.isdigit() or len(invoice_no) > 40):
        raise ValidationFailed(
            fields={
                "invoice_no": [
                    str(_("Enter the invoice number in digits, e.g. 24312000000012345678."))
                ]
            }
        )
    return {
        "date": date_in(header.get("date") or timezone.localdate(), "date", _("the date")),
        "supplier": supplier,
        "invoice_no": invoice_no,
        "note": str(header.get("note") or "").strip(),
    }


def _lines_clean(header: dict, lines: list[dict]) -> list[dict[str, Any]]:
    too_many_lines(lines)
    receipt_lines = GoodsReceiptLine.objects.select_related("document", "order_line").in_bulk(
        {ln.get("receipt_line_id") or 0 for ln in lines}
    )
    cleaned = []
    for n, ln in enumerate(lines, 1):
        rl = receipt_lines.get(ln.get("receipt_line_id") or 0)
        if rl is None or rl.document.state != ReceiptState.POSTED:
            raise line_error(n, "receipt_line", _("choose a line of a posted goods receipt."))
        if rl.document.supplier_id != header["supplier"].pk:
            raise line_error(
                n,
                "receipt_line",
                _("receipt %(r)s is from another supplier than the invoice.")
                % {"r": rl.document.reference},
            )
        quantity = quantity_in(ln.get("quantity"), n)
        price = price_in(ln.get("price"), n)
        rate = ln.get("vat_rate") or rl.order_line.vat_rate
        if rate not in VatRate.values:
            raise line_error(n, "vat_rate", _("choose a VAT rate from the list."))
        amounts = line_amounts(quantity=quantity, price=price, price_includes_tax=False, rate=rate)
        cleaned.append(
            {
                "receipt_line": rl,
                "material_id": rl.material_id,
                "quantity": quantity,
                "price": price,
                "vat_rate": rate,
                "net_amount": amounts.net,
                "tax_amount": amounts.tax,
                "gross_amount": amounts.gross,
                "_amounts": amounts,
            }
        )
    return cleaned


def _lines_write(invoice: PurchaseInvoice, cleaned: list[dict]) -> None:
    invoice.lines.all().delete()
    Line.objects.bulk_create(
        Line(document=invoice, line_no=n, **{k: v for k, v in x.items() if k != "_amounts"})
        for n, x in enumerate(cleaned, 1)
    )
    totals = document_totals(x["_amounts"] for x in cleaned)
    invoice.net_total, invoice.tax_total, invoice.total = totals.net, totals.tax, totals.gross


def _snap(invoice: PurchaseInvoice) -> dict:
    data = snapshot(invoice, HEADER_FIELDS)
    data["lines"] = [
        line_text(x.receipt_line.order_line.material.code, x.quantity, price=x.price)
        for x in invoice.lines.select_related("receipt_line__order_line__material")
    ]
    return data


def purchase_invoice_create(*, actor, header: dict, lines: list[dict]) -> PurchaseInvoice:
    require_perm(actor, "purchasing.add_purchaseinvoice")
    cleaned_header = _header_clean(header)
    cleaned = _lines_clean(cleaned_header, lines)
    with transaction.atomic():
        invoice = PurchaseInvoice.objects.create(state=S.DRAFT, created_by=actor, **cleaned_header)
        _lines_write(invoice, cleaned)
        invoice.save(update_fields=["net_total", "tax_total", "total"])
        audit_record(actor=actor, action="create", obj=invoice, changes=diff({}, _snap(invoice)))
    return invoice


def purchase_invoice_update(
    *, actor, doc_id, header: dict, lines: list[dict] | None = None, expected_version=None
) -> PurchaseInvoice:
    require_perm(actor, "purchasing.change_purchaseinvoice")
    with transaction.atomic():
        invoice = locked(PurchaseInvoice, doc_id)
        version_check(invoice, expected_version)
        refuse_unless(invoice, (S.DRAFT,))
        current = {f: getattr(invoice, f) for f in ("date", "supplier_id", "invoice_no", "note")}
        cleaned_header = _header_clean({**current, **header})
        if lines is None:
            lines = [
                {
                    "receipt_line_id": x.receipt_line_id,
                    "quantity": x.quantity,
                    "price": x.price,
                    "vat_rate": x.vat_rate,
                }
                for x in invoice.lines.all()
            ]
        cleaned = _lines_clean(cleaned_header, lines)
        before = _snap(invoice)
        for name, value in cleaned_header.items():
            setattr(invoice, name, value)
        _lines_write(invoice, cleaned)
        invoice.version += 1
        invoice.save()
        audit_record(
            actor=actor, action="update", obj=invoice, changes=diff(before, _snap(invoice))
        )
    return invoice


def purchase_invoice_from_receipt(*, actor, receipt_id, invoice_no: str = "") -> PurchaseInvoice:
    """下推: a draft invoice for what the posted receipt has not had invoiced, at the order's
    net price and VAT rate (the accountant corrects it to the paper invoice)."""
    receipt = GoodsReceipt.objects.filter(pk=receipt_id, state=ReceiptState.POSTED).first()
    if receipt is None:
        raise BusinessRuleError(_("Only a posted receipt can be invoiced."), code="not_posted")
    lines = []
    for rl in receipt.lines.select_related("order_line").order_by("line_no"):
        open_qty, _value = uninvoiced(rl)
        if open_qty > 0:
            ol = rl.order_line
            price = (ol.net_amount / ol.quantity).quantize(Decimal("0.0001"))
            lines.append(
                {
                    "receipt_line_id": rl.pk,
                    "quantity": open_qty,
                    "price": price,
                    "vat_rate": ol.vat_rate,
                }
            )
    if not lines:
        raise BusinessRuleError(
            _("Everything on %(r)s has been invoiced or returned.") % {"r": receipt.reference},
            code="nothing_open",
        )
    header = {
        "date": timezone.localdate(),
        "supplier_id": receipt.supplier_id,
        "invoice_no": invoice_no,
    }
    return purchase_invoice_create(actor=actor, header=header, lines=lines)


# --- posting --------------------------------------------------------------------------------


def _match(invoice: PurchaseInvoice, lines, receipt_lines) -> list:
    """Three-way match under the receipt lines' locks: quantity per line (refused beyond what
    is open), price variance per line. Returns the lines whose variance is beyond tolerance."""
    beyond = []
    for ln in lines:
        rl = receipt_lines[ln.receipt_line_id]
        if rl.document.supplier_id != invoice.supplier_id:
            raise line_error(ln.line_no, "receipt_line", _("the receipt is from another supplier."))
        open_qty, _value = uninvoiced(rl)
        if ln.quantity > open_qty:
            raise line_error(
                ln.line_no,
                "quantity",
                _("%(qty)s is more than received and not yet invoiced (%(open)s).")
                % {"qty": f"{ln.quantity.normalize():f}", "open": f"{open_qty.normalize():f}"},
            )
        ln.grir_amount = grir_of(rl, ln.quantity)
        ln.variance = ln.net_amount - ln.grir_amount
        if abs(ln.variance) > tolerance(ln.grir_amount):
            beyond.append(ln)
        rl.invoiced_quantity += ln.quantity
        rl.invoiced_value += ln.grir_amount
    return beyond


def _beyond_error(ln, hint):
    return line_error(
        ln.line_no,
        "price",
        _(
            "the invoiced amount excl. tax %(net)s differs from the received value "
            "%(grir)s by %(diff)s, more than the tolerance %(tol)s. %(hint)s"
        )
        % {
            "net": ln.net_amount,
            "grir": ln.grir_amount,
            "diff": ln.variance,
            "tol": tolerance(ln.grir_amount),
            "hint": hint,
        },
    )


def _duplicate_refuse(invoice: PurchaseInvoice) -> None:
    if not invoice.invoice_no:
        raise ValidationFailed(
            fields={"invoice_no": [str(_("Enter the VAT invoice number before posting."))]},
            code="invoice_no_required",
        )
    twin = (
        PurchaseInvoice.objects.filter(
            supplier_id=invoice.supplier_id, invoice_no=invoice.invoice_no
        )
        .filter(state=S.POSTED)
        .exclude(pk=invoice.pk)
        .first()
    )
    if twin is not None:
        raise ValidationFailed(
            _("VAT invoice %(no)s of this supplier is already recorded on %(doc)s.")
            % {"no": invoice.invoice_no, "doc": twin.reference},
            code="invoice_no_duplicate",
            fields={"invoice_no": [str(_("This invoice number is already recorded."))]},
        )


def invoice_accounts() -> InvoiceAccounts:
    grir, payable = ledger().rule_accounts("purchase_invoice")
    variance = ledger().rule_accounts("purchase_price_variance")[0]
    return InvoiceAccounts(grir=grir, payable=payable, variance=variance)


def _lines_locked(invoice: PurchaseInvoice) -> tuple[list, dict]:
    lines = list(invoice.lines.order_by("line_no"))
    if not lines:
        raise BusinessRuleError(_("Add at least one line before posting."), code="no_lines")
    receipt_lines = {
        x.pk: x
        for x in GoodsReceiptLine.objects.select_for_update()
        .select_related("document")
        .filter(pk__in={ln.receipt_line_id for ln in lines})
        .order_by("pk")
    }
    return lines, receipt_lines


def purchase_invoice_post(*, actor, doc_id, expected_version=None) -> PurchaseInvoice:
    """Post; or, for a draft with a difference beyond tolerance, submit it for approval (the
    answer is the invoice waiting for approval, nothing booked)."""
    with transaction.atomic():
        invoice = locked(PurchaseInvoice, doc_id)
        _duplicate_refuse(invoice)
        lines, receipt_lines = _lines_locked(invoice)
        if invoice.state in (S.DRAFT, S.APPROVED):
            version_check(invoice, expected_version)
            beyond = _match(invoice, lines, receipt_lines)
            if beyond and invoice.state == S.DRAFT:
                return _differences_submit(actor, invoice, lines, beyond)
            if invoice.state == S.APPROVED:
                # the approved request must be for this very version of the invoice
                approval_require_approved(invoice)
        invoice = document_transition(
            actor=actor,
            doc=invoice,
            machine=INVOICE_MACHINE,
            name="post",
            number_doc_type=DOC_TYPE,
            on_date=invoice.date,
            expected_version=expected_version,
        )
        Line.objects.bulk_update(lines, ["grir_amount", "variance"])
        GoodsReceiptLine.objects.bulk_update(
            receipt_lines.values(), ["invoiced_quantity", "invoiced_value"]
        )
        _book(actor, invoice, lines)
    return invoice


def _book(actor, invoice: PurchaseInvoice, lines) -> None:
    """The voucher (Dr GR/IR, input VAT, ± variance / Cr payable) and the payable."""
    grir = sum((ln.grir_amount for ln in lines), Decimal(0))
    invoice.variance_total = sum((ln.variance for ln in lines), Decimal(0))
    accounts = invoice_accounts()
    facts = InvoiceFacts(
        invoice.pk,
        invoice.number,
        invoice.date,
        invoice.supplier_id,
        invoice.supplier.name,
        grir,
        invoice.tax_total,
        invoice.variance_total,
        invoice.total,
    )
    invoice.voucher = ledger().post_for_source(
        actor=actor, draft=invoice_voucher_draft(facts, accounts)
    )
    invoice.save(update_fields=["variance_total", "voucher", "updated_at"])
    ledger().open_item_create(
        actor=actor,
        kind="payable",
        partner_id=invoice.supplier_id,
        account_code=accounts.payable,
        amount=invoice.total,
        doc_date=invoice.date,
        source_type=DOC_TYPE,
        source_id=str(invoice.pk),
        source_number=invoice.number,
        summary=f"采购发票 {invoice.invoice_no}",
        voucher=invoice.voucher,
    )


# --- price differences for approval ---------------------------------------------------------


def _rule_fields(invoice: PurchaseInvoice) -> dict:
    return {"amount": abs(invoice.variance_total), "supplier": invoice.supplier.code}


def _differences_submit(actor, invoice: PurchaseInvoice, lines, beyond) -> PurchaseInvoice:
    """draft → submitted: the lines keep their computed differences for the approver; the
    receipt lines stay uninvoiced until the approved invoice posts."""
    require_perm(actor, "purchasing.post_purchaseinvoice")
    invoice.variance_total = sum((ln.variance for ln in lines), Decimal(0))
    rule = rule_select(
        doc_type=DOC_TYPE, fields=_rule_fields(invoice), on_date=timezone.localdate()
    )
    if rule is None:
        raise _beyond_error(
            beyond[0],
            _(
                "Check the price with the supplier (no approval rule for purchase invoice "
                "differences is set up: ask the administrator for one to approve it instead)."
            ),
        )
    Line.objects.bulk_update(lines, ["grir_amount", "variance"])
    invoice.save(update_fields=["variance_total", "updated_at"])
    _engine_transition(invoice, "submit", actor=actor)
    request = approval_submit(actor=actor, doc=invoice)
    if request.state == RequestState.APPROVED:  # a rule without steps
        _engine_transition(invoice, "approve", actor=actor, note=f"approval request {request.pk}")
    return invoice


def _engine_transition(invoice: PurchaseInvoice, name: str, *, actor=None, note="") -> None:
    """Move the locked invoice along an engine-driven transition; the version is the
    engine's (approval_submit bumps it), left alone here."""
    transition = INVOICE_MACHINE.transition_for(invoice.state, name)
    before = invoice.state
    invoice.state = transition.target
    invoice.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="transition",
        obj=invoice,
        changes={"state": [before, invoice.state]},
        note=f"{name}: {note}" if note else name,
    )


def _on_decided(invoice: PurchaseInvoice, request) -> None:
    if invoice.state != S.SUBMITTED:
        return
    name = "approve" if request.state == RequestState.APPROVED else "reopen"
    _engine_transition(invoice, name, note=f"approval request {request.pk}: {request.state}")


def _difference_rows(invoice: PurchaseInvoice) -> list[list[str]]:
    rows = []
    for ln in invoice.lines.select_related("material", "receipt_line__order_line"):
        ol = ln.receipt_line.order_line
        rows.append(
            [
                f"{ln.line_no} {ln.material}",
                f"{(ol.net_amount / ol.quantity).quantize(Decimal('0.0001')):f}",
                f"{ln.receipt_line.quantity.normalize():f}",
                f"{ln.price:f}",
                f"{ln.quantity.normalize():f}",
                format_cny(ln.grir_amount),
                format_cny(ln.net_amount),
                format_cny(ln.variance),
            ]
        )
    return rows


def _requester(invoice: PurchaseInvoice):
    """The purchaser of the order the goods came on: the one who answers for the price, so
    the engine never seats them as approver of its difference, and tells them the outcome."""
    line = invoice.lines.select_related("receipt_line__order_line__document__created_by").first()
    return line.receipt_line.order_line.document.created_by if line else invoice.created_by


def purchase_invoices_register() -> None:
    approval_subject_register(
        ApprovalSubject(
            doc_type=DOC_TYPE,
            model=PurchaseInvoice,
            label=_("Purchase invoice (price difference)"),
            rule_fields=_rule_fields,
            extra_fields={"supplier": ("code", _("Supplier"))},
            summary=lambda o: [
                (_("Supplier"), str(o.supplier)),
                (_("VAT invoice number"), o.invoice_no),
                (_("Amount excl. tax"), format_cny(o.net_total)),
                (_("Price variance"), format_cny(o.variance_total)),
            ],
            lines=lambda o: (
                [
                    _("Material"),
                    _("Ordered price excl. tax"),
                    _("Received quantity"),
                    _("Invoiced price excl. tax"),
                    _("Invoiced quantity"),
                    _("Received value"),
                    _("Invoiced amount excl. tax"),
                    _("Difference"),
                ],
                _difference_rows(o),
            ),
            url=lambda o: reverse("purchasing:purchaseinvoice_detail", args=[o.pk]),
            requester=_requester,
            on_decided=_on_decided,
        )
    )


def purchase_invoice_cancel(*, actor, doc_id, expected_version=None) -> PurchaseInvoice:
    with transaction.atomic():
        invoice = locked(PurchaseInvoice, doc_id)
        return document_transition(
            actor=actor,
            doc=invoice,
            machine=INVOICE_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )

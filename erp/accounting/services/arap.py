"""AR/AP subledgers: open items, customer receipts (收款单), supplier payments (付款单), the
pick-up of manual voucher lines and the opening AR/AP (期初应收/应付).

Who creates open items:
- source documents (sales and supplier invoices, later) call `open_item_create` inside their
  own posting transaction, next to `voucher_post_for_source`;
- `open_items_from_vouchers` picks up lines of MANUAL vouchers (no source document) on a
  control account that name a customer or supplier (其他应收/应付 entered as a voucher);
- `opening_arap_post` imports the open invoices at go-live, with one opening voucher;
- posting a receipt or payment leaves its unallocated remainder as an advance (预收/预付):
  an open item of negative amount on 2203/1123.

Lock order when posting a receipt: the receipt row (document_transition) → numbering → the
open items sorted by id → the gate (period → sequence → balances). Two receipts allocating the
same item therefore serialise on the item row and the second sees what the first allocated.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from erp.accounting.builders.arap import (
    ADVANCE_ACCOUNT,
    BANK_PREFIXES,
    INVOICE_ACCOUNT,
    PAYABLE,
    RECEIVABLE,
    ItemFacts,
    OpeningItemFacts,
    SettlementFacts,
    auto_plan,
    due_date,
    is_control,
    opening_arap_draft,
    settlement_draft,
    signed,
)
from erp.accounting.models import (
    Account,
    AccountPurpose,
    CustomerReceipt,
    CustomerReceiptLine,
    OpenItem,
    OpenItemState,
    SettlementState,
    SupplierPayment,
    SupplierPaymentLine,
    Voucher,
    VoucherLine,
)
from erp.accounting.services.gate import voucher_post, voucher_post_for_source
from erp.accounting.services.lines import parse_amount
from erp.accounting.states import VoucherState
from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from erp.core.money import format_cny
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.core.states import StateMachine, Transition
from erp.masterdata.models import Customer, Supplier

ZERO = Decimal("0")
MAX_LINES = 500
VOUCHER_LINE_SOURCE = "accounting.voucherline"
OPENING_SOURCE = {RECEIVABLE: "golive.openingar", PAYABLE: "golive.openingap"}
S = SettlementState


@dataclass(frozen=True)
class Side:
    """Everything that differs between receipts (AR) and payments (AP)."""

    kind: str
    model: Any
    line_model: Any
    line_fk: str
    partner_field: str
    partner_model: Any
    doc_type: str  # numbering rule and voucher source type
    number_rule: str
    post_perm: str
    machine: StateMachine


def _machine(perm: str) -> StateMachine:
    return StateMachine(
        SettlementState,
        [
            Transition(
                "post",
                (S.DRAFT,),
                S.POSTED,
                perm,
                _("Post"),
                style="success",
                confirm=_("Post this document? Its voucher and allocations cannot be changed."),
            )
        ],
    )


RECEIPTS = Side(
    RECEIVABLE,
    CustomerReceipt,
    CustomerReceiptLine,
    "receipt",
    "customer",
    Customer,
    "accounting.customerreceipt",
    "sales.customerreceipt",  # the CR rule of the core defaults
    "accounting.post_customerreceipt",
    _machine("accounting.post_customerreceipt"),
)
PAYMENTS = Side(
    PAYABLE,
    SupplierPayment,
    SupplierPaymentLine,
    "payment",
    "supplier",
    Supplier,
    "accounting.supplierpayment",
    "purchasing.supplierpayment",  # the PM rule
    "accounting.post_supplierpayment",
    _machine("accounting.post_supplierpayment"),
)
SIDES = {RECEIVABLE: RECEIPTS, PAYABLE: PAYMENTS}
# Vouchers of these sources carry their own open items; the pick-up never reads them.
OWN_SOURCES = (RECEIPTS.doc_type, PAYMENTS.doc_type, *OPENING_SOURCE.values())


def _int(value) -> int:
    return value if isinstance(value, int) else int(value) if str(value).isdigit() else -1


def _amount(value, field: str, *, allow_negative: bool = False) -> Decimal:
    amount = parse_amount(value)
    if amount is None or (amount <= ZERO and not allow_negative) or amount == ZERO:
        raise ValidationFailed(
            fields={field: [str(_("Enter an amount above 0 with at most 2 decimal places."))]}
        )
    return amount


# --- accounts -------------------------------------------------------------------------------


def control_leaf(code: str) -> Account:
    """The leaf account to post a control code to: the account itself, or its first leaf
    sub-account that is a control account (2202 → 220201 应付货款)."""
    account = Account.objects.filter(code=code).first()
    if account is not None and not account.is_leaf:
        leaves = Account.objects.filter(code__startswith=code, is_leaf=True, active=True)
        account = next((a for a in leaves.order_by("code") if is_control(a.code)), None)
    if account is None or not account.active:
        raise BusinessRuleError(
            _("The chart of accounts has no active account %(code)s. Seed the chart first.")
            % {"code": code},
            code="arap_account_missing",
        )
    return account


def _control_account(code: str) -> Account:
    account = Account.objects.filter(code=str(code).strip()).first()
    if account is None or not is_control(account.code) or not account.is_leaf:
        raise ValidationFailed(
            fields={
                "account": [
                    str(
                        _(
                            "Account %(code)s is not a receivable/payable control account. Use a "
                            "leaf account under 1122, 2202, 2203, 1123, 1221 or 2241."
                        )
                        % {"code": code}
                    )
                ]
            }
        )
    return account


def _bank_account(code) -> Account:
    account = Account.objects.filter(code=str(code or "").strip()).first()
    if (
        account is None
        or not account.is_leaf
        or not account.active
        or not account.code.startswith(BANK_PREFIXES)
    ):
        raise ValidationFailed(
            fields={
                "bank_account": [
                    str(
                        _(
                            "Choose an active bank account (a leaf under 1002 银行存款) or 1001 "
                            "库存现金."
                        )
                    )
                ]
            }
        )
    return account


def bank_accounts():
    return Account.objects.filter(is_leaf=True, active=True, code__regex=r"^(1002|1001)").order_by(
        "code"
    )


# --- open items -----------------------------------------------------------------------------


def _partner(kind: str, partner_id) -> Customer | Supplier:
    model = Customer if kind == RECEIVABLE else Supplier
    partner = model.objects.select_related("payment_term").filter(pk=_int(partner_id)).first()
    if partner is None:
        label = _("customer") if kind == RECEIVABLE else _("supplier")
        raise ValidationFailed(
            fields={"partner": [str(_("Choose an existing %(what)s.") % {"what": label})]}
        )
    return partner


def open_item_create(
    *,
    actor,
    kind: str,
    partner_id: int,
    account_code: str,
    amount: Decimal,
    doc_date: dt.date,
    source_type: str,
    source_id: str,
    source_line: str = "",
    source_number: str = "",
    due: dt.date | None = None,
    summary: str = "",
    voucher: Voucher | None = None,
) -> OpenItem:
    """Add an open item to the subledger. Called by a source document's posting service
    inside its own transaction (its permission authorises the write, as for
    `voucher_post_for_source`); the voucher posting the same amount to `account_code` must be
    part of that transaction, or the control tie-out shows the difference."""
    if kind not in (RECEIVABLE, PAYABLE):
        raise TypeError("kind must be 'receivable' or 'payable'")
    if not source_type or not source_id:
        raise TypeError("open_item_create needs source_type and source_id")
    amount = _amount(amount, "amount", allow_negative=True)
    partner = _partner(kind, partner_id)
    account = _control_account(account_code)
    term = partner.payment_term.days if partner.payment_term_id else 0
    with transaction.atomic():
        item = OpenItem.objects.create(
            kind=kind,
            customer=partner if kind == RECEIVABLE else None,
            supplier=partner if kind == PAYABLE else None,
            account=account,
            source_type=source_type,
            source_id=str(source_id),
            source_line=str(source_line),
            source_number=source_number[:40],
            summary=summary[:200],
            doc_date=doc_date,
            due_date=due or due_date(doc_date, term),
            amount=amount,
            voucher=voucher,
        )
        audit_record(actor=actor, action="create", obj=item, changes=diff({}, _snap(item)))
    return item


def _snap(item: OpenItem) -> dict:
    return snapshot(item, ["kind", "account_id", "amount", "allocated", "state", "due_date"])


def _allocate(actor, item: OpenItem, amount: Decimal, note: str) -> None:
    """Apply `amount` to a locked item; refuse more than it has open."""
    if amount <= ZERO or amount > item.open_amount:
        raise BusinessRuleError(
            _(
                "%(item)s of %(partner)s has %(open)s open; %(amount)s cannot be allocated to it. "
                "Reload the open items and allocate at most the open amount."
            )
            % {
                "item": item,
                "partner": item.partner,
                "open": format_cny(item.open_amount),
                "amount": format_cny(amount),
            },
            code="over_allocation",
            open_item=item.pk,
            open_amount=item.open_amount,
        )
    before = _snap(item)
    item.allocated += amount
    item.state = OpenItemState.CLOSED if item.allocated == item.amount else OpenItemState.OPEN
    item.save(update_fields=["allocated", "state"])
    audit_record(
        actor=actor, action="update", obj=item, changes=diff(before, _snap(item)), note=note
    )


@transaction.atomic
def open_items_from_vouchers(*, actor, voucher_ids: Sequence[int] | None = None) -> list[OpenItem]:
    """Register the lines of posted manual vouchers (no source document) that sit on a control
    account and name a customer or supplier: each becomes an open item (a debit to 1122 is a
    receivable; a credit to 2241 by supplier is a payable). Lines already registered are
    skipped, so running it twice registers nothing new."""
    require_perm(actor, "accounting.add_openitem")
    lines = (
        VoucherLine.objects.filter(voucher__state=VoucherState.POSTED, voucher__source_type="")
        .filter(_partner_q())
        .select_related("voucher", "account")
        .order_by("voucher__date", "pk")
    )
    if voucher_ids is not None:
        lines = lines.filter(voucher_id__in=list(voucher_ids))
    done = set(
        OpenItem.objects.filter(source_type=VOUCHER_LINE_SOURCE).values_list("source_id", flat=True)
    )
    created = []
    for line in lines:
        if str(line.pk) in done or not is_control(line.account.code):
            continue
        kind = RECEIVABLE if line.customer_id else PAYABLE
        amount = signed(kind, line.debit, line.credit)
        if not amount:
            continue
        created.append(
            open_item_create(
                actor=actor,
                kind=kind,
                partner_id=line.customer_id or line.supplier_id,
                account_code=line.account.code,
                amount=amount,
                doc_date=line.voucher.date,
                source_type=VOUCHER_LINE_SOURCE,
                source_id=str(line.pk),
                source_number=line.voucher.number,
                summary=line.summary,
                voucher=line.voucher,
            )
        )
    return created


def _partner_q():
    return Q(customer__isnull=False) | Q(supplier__isnull=False)


# --- receipts and payments ------------------------------------------------------------------


def _doc_locked(side: Side, doc_id) -> Any:
    doc = side.model.objects.select_for_update().filter(pk=_int(doc_id)).first()
    if doc is None:
        raise NotFound()
    return doc


def _lines_clean(side: Side, partner, amount: Decimal, rows) -> list[tuple[OpenItem, Decimal]]:
    if len(rows) > MAX_LINES:
        raise ValidationFailed(_("At most %(max)s allocations per document.") % {"max": MAX_LINES})
    ids = [_int(r.get("open_item_id")) for r in rows]
    if len(set(ids)) != len(ids):
        raise ValidationFailed(_("Allocate to each open item once."), code="allocation_twice")
    items = OpenItem.objects.in_bulk(ids)
    cleaned = []
    for number, (item_id, row) in enumerate(zip(ids, rows, strict=True), start=1):
        item = items.get(item_id)
        if (
            item is None
            or item.kind != side.kind
            or getattr(item, f"{side.partner_field}_id") != partner.pk
        ):
            raise ValidationFailed(
                _("Line %(line)s: choose an open item of %(partner)s.")
                % {"line": number, "partner": partner},
                code="allocation_item",
            )
        value = _amount(row.get("amount"), f"line {number}")
        if value > item.open_amount:
            raise BusinessRuleError(
                _("Line %(line)s: %(item)s has only %(open)s open; allocate at most that.")
                % {"line": number, "item": item, "open": format_cny(item.open_amount)},
                code="over_allocation",
            )
        cleaned.append((item, value))
    allocated = sum((v for _i, v in cleaned), ZERO)
    if allocated > amount:
        raise BusinessRuleError(
            _(
                "The allocations total %(allocated)s but the document is only %(amount)s. Lower "
                "the allocations or raise the amount."
            )
            % {"allocated": format_cny(allocated), "amount": format_cny(amount)},
            code="over_allocation",
        )
    return cleaned


def _settlement_save(
    side: Side,
    *,
    actor,
    doc_id: int | None,
    partner_id: int,
    date: dt.date,
    amount,
    bank_account_code: str,
    lines: list[dict[str, Any]],
    reference: str = "",
    note: str = "",
):
    require_perm(actor, f"accounting.{'change' if doc_id else 'add'}_{side.model._meta.model_name}")
    if not isinstance(date, dt.date):
        raise ValidationFailed(fields={"date": [str(_("Enter the date as 2026-03-01."))]})
    partner = _partner(side.kind, partner_id)
    value = _amount(amount, "amount")
    bank = _bank_account(bank_account_code)
    cleaned = _lines_clean(side, partner, value, lines or [])
    header = {
        side.partner_field: partner,
        "date": date,
        "amount": value,
        "bank_account": bank,
        "reference": str(reference or "").strip()[:60],
        "note": str(note or "").strip(),
    }
    with transaction.atomic():
        if doc_id:
            doc = _doc_locked(side, doc_id)
            if doc.state != S.DRAFT:
                raise Conflict(
                    _("%(doc)s is posted and can no longer be changed.") % {"doc": doc},
                    code="settlement_posted",
                )
            before = _doc_snap(side, doc)
            for name, val in header.items():
                setattr(doc, name, val)
            doc.version += 1
            doc.save()
            action = "update"
        else:
            doc = side.model.objects.create(state=S.DRAFT, created_by=actor, **header)
            before, action = {}, "create"
        _lines_write(side, doc, cleaned)
        audit_record(
            actor=actor, action=action, obj=doc, changes=diff(before, _doc_snap(side, doc))
        )
    return doc


def _lines_write(side: Side, doc, cleaned: list[tuple[OpenItem, Decimal]]) -> None:
    side.line_model.objects.filter(**{side.line_fk: doc}).delete()
    side.line_model.objects.bulk_create(
        side.line_model(**{side.line_fk: doc}, line_no=n, open_item=item, amount=value)
        for n, (item, value) in enumerate(cleaned, start=1)
    )


def _doc_snap(side: Side, doc) -> dict:
    data = snapshot(
        doc, [f"{side.partner_field}_id", "date", "amount", "bank_account_id", "reference", "note"]
    )
    data["lines"] = [
        line_text(x.open_item.source_number or x.open_item.summary, x.amount)
        for x in doc.lines.select_related("open_item").order_by("line_no")
    ]
    return data


def customer_receipt_save(
    *,
    actor,
    customer_id: int,
    date: dt.date,
    amount: Decimal,
    bank_account_code: str,
    lines: list[dict[str, Any]] | None = None,
    receipt_id: int | None = None,
    reference: str = "",
    note: str = "",
) -> CustomerReceipt:
    """Create (or, with receipt_id, replace) a draft receipt. `lines` allocate it to open
    items ({"open_item_id", "amount"}); none: oldest first when it is posted."""
    return _settlement_save(
        RECEIPTS,
        actor=actor,
        doc_id=receipt_id,
        partner_id=customer_id,
        date=date,
        amount=amount,
        bank_account_code=bank_account_code,
        lines=lines or [],
        reference=reference,
        note=note,
    )


def supplier_payment_save(
    *,
    actor,
    supplier_id: int,
    date: dt.date,
    amount: Decimal,
    bank_account_code: str,
    lines: list[dict[str, Any]] | None = None,
    payment_id: int | None = None,
    reference: str = "",
    note: str = "",
) -> SupplierPayment:
    return _settlement_save(
        PAYMENTS,
        actor=actor,
        doc_id=payment_id,
        partner_id=supplier_id,
        date=date,
        amount=amount,
        bank_account_code=bank_account_code,
        lines=lines or [],
        reference=reference,
        note=note,
    )


def _settlement_post(side: Side, *, actor, doc_id):
    require_perm(actor, side.post_perm)
    with transaction.atomic():
        doc = _doc_locked(side, doc_id)
        doc = document_transition(
            actor=actor,
            doc=doc,
            machine=side.machine,
            name="post",
            number_doc_type=side.number_rule,
            on_date=doc.date,
        )
        partner = getattr(doc, side.partner_field)
        allocations = _allocations_apply(side, actor, doc, partner)
        draft = settlement_draft(
            SettlementFacts(
                kind=side.kind,
                doc_id=doc.pk,
                number=doc.number,
                date=doc.date,
                amount=doc.amount,
                bank_code=doc.bank_account.code,
                partner_id=partner.pk,
                partner_name=partner.name,
                source_type=side.doc_type,
                allocations=tuple((item.account.code, value) for item, value in allocations),
                advance_code=control_leaf(ADVANCE_ACCOUNT[side.kind]).code,
            )
        )
        doc.voucher = voucher_post_for_source(actor=actor, draft=draft)
        doc.save(update_fields=["voucher", "updated_at"])
        remainder = doc.amount - sum((v for _i, v in allocations), ZERO)
        if remainder > ZERO:
            open_item_create(
                actor=actor,
                kind=side.kind,
                partner_id=partner.pk,
                account_code=control_leaf(ADVANCE_ACCOUNT[side.kind]).code,
                amount=-remainder,
                doc_date=doc.date,
                due=doc.date,
                source_type=side.doc_type,
                source_id=str(doc.pk),
                source_line="advance",
                source_number=doc.number,
                summary=str(_("Advance")),
                voucher=doc.voucher,
            )
    return doc


def _allocations_apply(side: Side, actor, doc, partner) -> list[tuple[OpenItem, Decimal]]:
    """Lock the open items (sorted by id), then allocate: the document's lines, or oldest
    first when it has none. Re-checked under the lock, so nothing is allocated twice."""
    lines = list(doc.lines.order_by("line_no"))
    if lines:
        ids = sorted(x.open_item_id for x in lines)
        items = {
            i.pk: i for i in OpenItem.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        plan = [(items[x.open_item_id], x.amount) for x in lines]
    else:
        candidates = list(
            OpenItem.objects.select_for_update()
            .filter(kind=side.kind, state=OpenItemState.OPEN, **{side.partner_field: partner})
            .select_related("account")
            .order_by("pk")
        )
        by_id = {i.pk: i for i in candidates}
        facts = [ItemFacts(i.pk, i.account.code, i.doc_date, i.open_amount) for i in candidates]
        plan = [(by_id[item_id], value) for item_id, value in auto_plan(doc.amount, facts)]
        _lines_write(side, doc, plan)
    if sum((v for _i, v in plan), ZERO) > doc.amount:
        raise BusinessRuleError(
            _("The allocations exceed the document amount. Lower them and post again."),
            code="over_allocation",
        )
    for item, value in plan:
        _allocate(actor, item, value, note=f"{side.doc_type} {doc.number}")
    return plan


def customer_receipt_post(*, actor, receipt_id: int) -> CustomerReceipt:
    """Post a receipt: number (CR), allocations, voucher Dr bank / Cr 应收账款 (customer), the
    remainder Cr 预收账款 as an advance open item."""
    return _settlement_post(RECEIPTS, actor=actor, doc_id=receipt_id)


def supplier_payment_post(*, actor, payment_id: int) -> SupplierPayment:
    """Post a payment: number (PM), allocations, voucher Dr 应付账款 (supplier) / Cr bank, the
    remainder Dr 预付账款 as an advance open item."""
    return _settlement_post(PAYMENTS, actor=actor, doc_id=payment_id)


@transaction.atomic
def settlement_delete(*, actor, kind: str, doc_id: int) -> None:
    """Delete a draft receipt or payment (posted ones are frozen)."""
    side = SIDES[kind]
    require_perm(actor, f"accounting.delete_{side.model._meta.model_name}")
    doc = _doc_locked(side, doc_id)
    if doc.state != S.DRAFT:
        raise Conflict(
            _("%(doc)s is posted and cannot be deleted.") % {"doc": doc}, code="settlement_posted"
        )
    audit_record(actor=actor, action="delete", obj=doc, changes=diff(_doc_snap(side, doc), {}))
    doc.delete()


# --- opening AR/AP --------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningItem:
    """One open invoice at go-live (or, with a negative amount, an advance)."""

    partner_id: int
    number: str
    doc_date: dt.date
    amount: Decimal
    due_date: dt.date | None = None
    account_code: str = ""


def opening_offset_account() -> Account:
    """The account opening balances post against: 未分配利润, as the opening stock rule does."""
    account = Account.objects.filter(
        purpose=AccountPurpose.UNDISTRIBUTED_PROFIT, is_leaf=True
    ).first()
    if account is None:
        raise BusinessRuleError(
            _("The chart has no 未分配利润 account. Seed the chart of accounts first."),
            code="chart_missing",
        )
    return account


def opening_arap_post(*, actor, kind: str, go_live: dt.date, items: list[OpeningItem]) -> Voucher:
    """Opening AR (kind receivable) or AP (payable): one open item per row and ONE 转 voucher
    dated the day before go-live, all or nothing. Refused a second time for the same date."""
    require_perm(actor, "accounting.post_voucher")
    source = OPENING_SOURCE[kind]
    if not items:
        raise ValidationFailed(_("The file has no open items. Fill at least one row."))
    opening_day = go_live - dt.timedelta(days=1)
    with transaction.atomic():
        if OpenItem.objects.filter(source_type=source, source_id=go_live.isoformat()).exists():
            raise Conflict(
                _(
                    "Opening %(what)s for go-live %(date)s was already imported. Correct single "
                    "items with a manual voucher instead of importing again."
                )
                % {"what": _label(kind), "date": go_live.isoformat()},
                code="opening_arap_exists",
            )
        facts, accounts = [], []
        for number, row in enumerate(items, start=1):
            if row.doc_date > opening_day:
                raise ValidationFailed(
                    _("Line %(line)s: the document date must be before go-live %(date)s.")
                    % {"line": number, "date": go_live.isoformat()},
                    code="opening_date",
                )
            _partner(kind, row.partner_id)
            account = _control_account(row.account_code or control_leaf(INVOICE_ACCOUNT[kind]).code)
            amount = _amount(row.amount, f"line {number}", allow_negative=True)
            accounts.append(account)
            facts.append(OpeningItemFacts(row.partner_id, account.code, amount, row.number))
        draft = opening_arap_draft(
            kind=kind,
            go_live=go_live,
            items=facts,
            offset_code=opening_offset_account().code,
            source_type=source,
        )
        voucher = voucher_post(actor=actor, draft=draft)
        for number, (row, fact) in enumerate(zip(items, facts, strict=True), start=1):
            open_item_create(
                actor=actor,
                kind=kind,
                partner_id=row.partner_id,
                account_code=fact.account_code,
                amount=fact.amount,
                doc_date=row.doc_date,
                due=row.due_date,
                source_type=source,
                source_id=go_live.isoformat(),
                source_line=str(number),
                source_number=row.number,
                summary=str(pgettext("ledger", "Opening balance")),
                voucher=voucher,
            )
    return voucher


def _label(kind: str) -> str:
    return str(_("receivables") if kind == RECEIVABLE else _("payables"))

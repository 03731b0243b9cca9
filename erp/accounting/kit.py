"""Document-kit declarations of the journal voucher (记账凭证), the customer receipt (收款单)
and the supplier payment (付款单).

The kit gives the voucher its detail page (action buttons by state and permission), its list
(the app's own ListConfig) and its REST list/read and transitions (review, unreview, post:
Idempotency-Key, 409 on a stale version). The keyboard entry page, the print layout and the
action page (which also reverses and deletes) stay the voucher's own (views.py); the create
and update endpoints too (api.py: accounts travel as codes).

Receipts and payments: the kit gives the detail page, transitions and REST list/read/post; the
allocation form (open items of the chosen partner, htmx), print, delete and the REST create
(partners travel as codes) stay in views_arap.py / api_arap.py."""

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from erp.accounting import lists, views, views_arap
from erp.accounting.models import OpenItem, SettlementState, Voucher, VoucherLine
from erp.accounting.selectors_stock import source_url
from erp.accounting.services import arap, gate, vouchers
from erp.accounting.states import VOUCHER_STATES, VoucherState
from erp.core.doc_kit.declaration import DocumentKit
from erp.core.doc_kit.versions import version_require
from erp.core.listing import Column
from erp.core.references import document_ref


class LineOut(Schema):
    line_no: int
    summary: str
    account_code: str
    debit: Decimal
    credit: Decimal


class VoucherOut(Schema):
    id: int
    number: str
    word: str
    date: dt.date
    period: str
    state: str
    version: int
    total: Decimal
    attachments: int
    note: str
    source_type: str
    source_number: str
    reversal_of_id: int | None
    lines: list[LineOut]


def voucher_out(voucher: Voucher) -> VoucherOut:
    """The API answer; lines from the prefetch (one query per page, not per voucher)."""
    return VoucherOut(
        id=voucher.pk,
        number=voucher.number,
        word=voucher.word,
        date=voucher.date,
        period=str(voucher.period),
        state=voucher.state,
        version=voucher.version,
        total=voucher.total,
        attachments=voucher.attachments,
        note=voucher.note,
        source_type=voucher.source_type,
        source_number=voucher.source_number,
        reversal_of_id=voucher.reversal_of_id,
        lines=[
            LineOut(
                line_no=x.line_no,
                summary=x.summary,
                account_code=x.account.code,
                debit=x.debit,
                credit=x.credit,
            )
            for x in voucher.lines.all()
        ],
    )


LINES_PREFETCH = Prefetch(
    "lines", queryset=VoucherLine.objects.select_related("account").order_by("line_no")
)


def _review(*, actor, doc_id, expected_version=None):
    return vouchers.voucher_review(actor=actor, voucher_id=doc_id, version=expected_version)


def _unreview(*, actor, doc_id, expected_version=None):
    version_require(Voucher, doc_id, expected_version)
    return vouchers.voucher_unreview(actor=actor, voucher_id=doc_id)


def _post(*, actor, doc_id, expected_version=None):
    # The gate locks period → sequence → voucher in its fixed order and re-checks the state
    # under the lock; the version is compared before, so a voucher edited since the client
    # read it is refused rather than posted unseen.
    version_require(Voucher, doc_id, expected_version)
    return gate.voucher_post(actor=actor, voucher_id=doc_id)


def _api_filter(qs, given: dict, user=None):
    """state (exact) and period "2026-03"."""
    if given.get("state"):
        qs = qs.filter(state=given["state"])
    period = given.get("period", "")
    if period:
        year, _sep, month = period.partition("-")
        if not (year.isdigit() and month.isdigit()):
            return qs.none()
        qs = qs.filter(period__year=int(year), period__month=int(month))
    return qs


def _detail_extra(request, voucher, lines) -> dict:
    voucher.line_list = lines
    user = request.user
    reversed_by = Voucher.objects.filter(reversal_of=voucher).first()
    posted = voucher.state == VoucherState.POSTED
    return {
        "can_delete": voucher.state == VoucherState.DRAFT
        and user.has_perm("accounting.delete_voucher"),
        "can_reverse": posted
        and not voucher.reversal_of_id
        and reversed_by is None
        and user.has_perm("accounting.reverse_voucher"),
        "reversed_by": reversed_by,
        # A system voucher posted directly by its document: 审核 after posting.
        "can_review_posted": posted
        and voucher.reviewed_by_id is None
        and bool(voucher.source_type)
        and user.has_perm("accounting.review_voucher"),
        "today": timezone.localdate(),
        "source_url": source_url(voucher.source_type, voucher.source_id),
    }


def _voucher_print_annotate(voucher, lines) -> None:
    """What the voucher's print template reads beyond fields: 字第 N 号 (草稿 before posting),
    the source document by type name and number, each line's account with its auxiliaries."""
    voucher.seq_shown = f"{voucher.seq:04d}" if voucher.seq else str(_("Draft"))
    voucher.source_shown = (
        str(document_ref(voucher.source_type, voucher.source_id)) if voucher.source_type else ""
    )
    for line in lines:
        parts = [f"{line.account.code} {line.account.name}"]
        for party in (line.customer, line.supplier, line.department, line.material):
            if party is not None:
                parts.append(party.name)
        if line.employee is not None:
            parts.append(line.employee.full_name or line.employee.username)
        line.account_shown = " / ".join(parts)


# The print template's declaration (the voucher's detail page has a layout of its own).
VOUCHER_PRINT_HEADER = (
    Column("word", _("Voucher word")),
    Column("seq_shown", _("Voucher sequence")),
    Column("period", _("Period")),
    Column("attachments", _("Attachments"), kind="num"),
    Column("source_shown", _("Source document")),
    Column("reviewed_by.full_name", _("Reviewed by")),
    Column("posted_by.full_name", _("Posted by")),
)
VOUCHER_PRINT_LINES = (
    Column("summary", _("Summary")),
    Column("account_shown", _("Account")),
    Column("debit", _("Debit"), kind="amount", total=True),
    Column("credit", _("Credit"), kind="amount", total=True),
)

VOUCHER = DocumentKit(
    app="accounting",
    model=Voucher,
    line_model=VoucherLine,
    machine=VOUCHER_STATES,
    slug="vouchers",
    title=_("Vouchers"),
    section=_("Finance"),
    create=None,
    update=None,
    transitions={"review": _review, "unreview": _unreview, "post": _post},
    own_pages={
        "create": views.voucher_entry,
        "edit": views.voucher_entry,
        "print": views.voucher_print,
        "action": views.voucher_action,
    },
    list=lists.VOUCHERS,
    select_related=("period", "reviewed_by", "posted_by", "last_edited_by", "reversal_of"),
    line_select_related=("account", "customer", "supplier", "department", "employee", "material"),
    line_annotate=_voucher_print_annotate,
    print_header_columns=VOUCHER_PRINT_HEADER,
    print_columns=VOUCHER_PRINT_LINES,
    detail_extra=_detail_extra,
    detail_header="accounting/voucher/_header.html",
    detail_buttons="accounting/voucher/_buttons.html",
    detail_sections=("accounting/voucher/_lines.html",),
    api_out=VoucherOut,
    api_dump=lambda actor, voucher: voucher_out(voucher),
    api_filters=("state", "period"),
    api_filter=_api_filter,
    api_prefetch=(LINES_PREFETCH,),
)


# --- customer receipts (收款单) and supplier payments (付款单) --------------------------------


class AllocationOut(Schema):
    open_item_id: int
    document: str
    amount: Decimal


class SettlementOut(Schema):
    id: int
    number: str
    state: str
    version: int
    partner_code: str
    date: dt.date
    amount: Decimal
    bank_account_code: str
    reference: str
    voucher: str | None
    allocations: list[AllocationOut]


def settlement_out(side, doc) -> SettlementOut:
    """The API answer; partner, bank account, voucher joined and allocations prefetched."""
    return SettlementOut(
        id=doc.pk,
        number=doc.number,
        state=doc.state,
        version=doc.version,
        partner_code=getattr(doc, side.partner_field).code,
        date=doc.date,
        amount=doc.amount,
        bank_account_code=doc.bank_account.code,
        reference=doc.reference,
        voucher=doc.voucher.number if doc.voucher else None,
        allocations=[
            AllocationOut(open_item_id=x.open_item_id, document=str(x.open_item), amount=x.amount)
            for x in doc.lines.all()
        ],
    )


def _settlement_post(side):
    post = (
        arap.customer_receipt_post if side.kind == arap.RECEIVABLE else arap.supplier_payment_post
    )
    key = "receipt_id" if side.kind == arap.RECEIVABLE else "payment_id"

    def run(*, actor, doc_id, expected_version=None):
        version_require(side.model, doc_id, expected_version)
        return post(actor=actor, **{key: doc_id})

    return run


def _settlement_extra(side):
    def extra(request, doc, lines) -> dict:
        advance = OpenItem.objects.filter(
            source_type=side.doc_type, source_id=str(doc.pk), source_line="advance"
        ).first()
        return {
            "side": side,
            "advance": advance,
            "can_delete": doc.state == SettlementState.DRAFT
            and request.user.has_perm(f"accounting.delete_{side.model._meta.model_name}"),
            "can_see_vouchers": request.user.has_perm("accounting.view_voucher"),
        }

    return extra


def _settlement(side, slug: str, api_slug: str, url: str) -> DocumentKit:
    model = side.model
    partner = model._meta.get_field(side.partner_field).verbose_name
    header = (
        Column("date", _("Date"), kind="date"),
        Column(side.partner_field, partner),
        Column("amount", _("Amount"), kind="amount"),
        Column("bank_account", _("Bank account")),
        Column("reference", _("Bank reference")),
    )
    return DocumentKit(
        app="accounting",
        model=model,
        line_model=side.line_model,
        machine=side.machine,
        number_doc_type=side.number_rule,
        slug=f"arap/{slug}",
        api_slug=api_slug,
        title=model._meta.verbose_name_plural,
        section=_("Finance"),
        create=None,
        update=None,
        transitions={"post": _settlement_post(side)},
        own_pages={  # (view, path defaults): the settlement views take the kind first
            "create": (views_arap.settlement_form, {"kind": slug}),
            "edit": (views_arap.settlement_form, {"kind": slug}),
            "print": (views_arap.settlement_print, {"kind": slug}),
            "action": (views_arap.settlement_action, {"kind": slug}),  # post; delete a draft
        },
        url_names={
            "list": f"arap_{slug}",
            "create": f"arap_{url}_create",
            "detail": f"arap_{url}_detail",
        },
        list=views_arap.settlement_config(side),
        select_related=(side.partner_field, "bank_account", "voucher"),
        header_columns=header,
        line_select_related=("open_item__account",),
        print_header_columns=(
            *header,
            Column("voucher", _("Voucher")),
        ),
        print_columns=(
            Column("open_item", _("Document number")),
            Column("open_item.doc_date", _("Document date"), kind="date"),
            Column("amount", _("Allocated amount"), kind="amount", total=True),
        ),
        detail_extra=_settlement_extra(side),
        detail_header="accounting/arap/_voucher_fact.html",
        detail_buttons="accounting/arap/_delete_button.html",
        detail_sections=("accounting/arap/_allocations.html",),
        api_out=SettlementOut,
        api_dump=lambda actor, doc: settlement_out(side, doc),
        api_prefetch=(
            Prefetch(
                "lines",
                queryset=side.line_model.objects.select_related("open_item").order_by("line_no"),
            ),
        ),
    )


CUSTOMER_RECEIPT = _settlement(arap.RECEIPTS, "receipts", "customer-receipts", "receipt")
SUPPLIER_PAYMENT = _settlement(arap.PAYMENTS, "payments", "supplier-payments", "payment")

# The expense claim's declaration lives in kit_expenses.py.
from erp.accounting.kit_expenses import EXPENSE_CLAIM  # noqa: E402

DOCUMENTS = [VOUCHER, CUSTOMER_RECEIPT, SUPPLIER_PAYMENT, EXPENSE_CLAIM]

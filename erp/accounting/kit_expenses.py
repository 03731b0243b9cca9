"""Document-kit declaration of the expense claim (费用报销单).

The kit gives the claim its list (all claims; "my claims" is views_expenses.MY_CLAIMS), the
draft form with its line grid, the detail page with buttons by state and permission (submit,
post, pay with the payment-account choice), print, xlsx and REST (list, read, create, PATCH,
submit/post/pay with Idempotency-Key and 409 on a stale version). Business rules stay in
services/expenses.py; approve/resubmit/reopen are driven by the approvals engine there and get
no button. Claimants see only their own claims (`scope`)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field

from erp.accounting import forms_expenses as forms
from erp.accounting.models import ExpenseCategory, ExpenseClaim, ExpenseClaimLine, Voucher
from erp.accounting.services import expenses as svc
from erp.accounting.views_expenses import CLAIMS
from erp.approvals.selectors import history_for_document, latest_request_for_document
from erp.core.access import has_perm
from erp.core.doc_kit.declaration import DocumentKit
from erp.core.doc_kit.schemas import patch_schema
from erp.core.errors import NotFound
from erp.core.listing import Column

AMOUNT = {"max_digits": 18, "decimal_places": 2}

# --- REST schemas (categories travel as codes, amounts as decimal strings) --------------------


class ClaimLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category_code: str
    amount: Decimal = Field(**AMOUNT)
    # "special" (专票) or "none" (无专票); left out: 专票 when a rate or VAT is given.
    invoice_type: str | None = None
    tax_rate: Decimal = Field(default=Decimal("0"), max_digits=5, decimal_places=4)
    tax_amount: Decimal | None = Field(default=None, **AMOUNT)
    attachments: int = Field(default=0, ge=0, le=999)
    note: str = Field(default="", max_length=200)


class ClaimIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    purpose: str = Field(max_length=200)
    department_id: int | None = None
    employee_id: int | None = None
    note: str = ""
    lines: list[ClaimLineIn]


ClaimPatch = patch_schema(ClaimIn)


class PostIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: dt.date | None = None


class PayIn(PostIn):
    # Code of the cash/bank account paid from: 1001 or a leaf under 1002 (e.g. "100201").
    payment_account: str = ""


class ClaimLineOut(Schema):
    line_no: int
    category_code: str
    category: str
    amount: Decimal
    invoice_type: str
    tax_rate: Decimal
    tax_amount: Decimal
    vat_deductible: bool
    attachments: int
    note: str


class ClaimOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    employee_id: int
    employee: str
    department: str
    purpose: str
    total: Decimal
    tax_total: Decimal
    attachments: int
    note: str
    voucher: str | None
    payment_voucher: str | None
    payment_account: str | None
    lines: list[ClaimLineOut]


def claim_out(claim: ExpenseClaim) -> dict:
    """The API answer, from the joined and prefetched rows (no query per claim)."""
    return {
        **{f: getattr(claim, f) for f in ("id", "number", "state", "version", "date")},
        **{f: getattr(claim, f) for f in ("employee_id", "purpose", "total", "tax_total")},
        "employee": str(claim.employee),
        "department": claim.department.code,
        "attachments": claim.attachments,
        "note": claim.note,
        "voucher": claim.voucher.number if claim.voucher else None,
        "payment_voucher": claim.payment_voucher.number if claim.payment_voucher else None,
        "payment_account": claim.payment_account.code if claim.payment_account else None,
        "lines": [
            {
                **{f: getattr(x, f) for f in ("line_no", "amount", "invoice_type", "tax_rate")},
                **{f: getattr(x, f) for f in ("tax_amount", "attachments", "note")},
                "category_code": x.category.code,
                "category": x.category.name,
                "vat_deductible": x.category.input_vat_deductible,
            }
            for x in claim.lines.all()
        ],
    }


# --- service adapters -------------------------------------------------------------------------


def _lines_in(lines: list[dict]) -> list[dict]:
    """API lines name the category by code; the service takes its id."""
    codes = [ln["category_code"] for ln in lines if "category_code" in ln]
    ids = dict(ExpenseCategory.objects.filter(code__in=codes).values_list("code", "pk"))
    return [
        {**{k: v for k, v in ln.items() if k != "category_code"}, "category_id": ids.get(code)}
        if (code := ln.get("category_code")) is not None
        else ln
        for ln in lines
    ]


def _create(*, actor, header: dict, lines: list[dict]) -> ExpenseClaim:
    return svc.expense_claim_create(actor=actor, lines=_lines_in(lines), **header)


def _update(*, actor, doc_id, header: dict, lines=None, expected_version=None) -> ExpenseClaim:
    """A PATCH leaves out what it does not change: the rest is the claim's current values."""
    claim = ExpenseClaim.objects.filter(pk=doc_id).first()
    if claim is None:
        raise NotFound()
    current = {"date": claim.date, "purpose": claim.purpose, "note": claim.note}
    if lines is None:
        fields = ("category_id", "amount", "invoice_type", "tax_rate", "tax_amount")
        lines = [
            {**{f: getattr(x, f) for f in fields}, "attachments": x.attachments, "note": x.note}
            for x in claim.lines.all()
        ]
    return svc.expense_claim_update(
        actor=actor,
        claim_id=doc_id,
        lines=_lines_in(lines),
        expected_version=expected_version,
        **{"department_id": claim.department_id, **current, **header},
    )


def _submit(*, actor, doc_id, expected_version=None):
    return svc.expense_claim_submit(actor=actor, claim_id=doc_id, expected_version=expected_version)


def _post(*, actor, doc_id, expected_version=None, date=None):
    return svc.expense_claim_post(
        actor=actor, claim_id=doc_id, on_date=date, expected_version=expected_version
    )


def _pay(*, actor, doc_id, expected_version=None, date=None, payment_account=""):
    return svc.expense_claim_pay(
        actor=actor,
        claim_id=doc_id,
        payment_account_code=payment_account,
        on_date=date,
        expected_version=expected_version,
    )


# --- pages --------------------------------------------------------------------------------------


def _actions_filter(user, claim, transitions) -> list:
    """Submitting needs the right to edit the claim (its filer, or finance)."""
    return [t for t in transitions if t.name != "submit" or svc.may_edit(user, claim)]


def _lines_annotate(claim, lines) -> None:
    for ln in lines:
        ln.category_shown = f"{ln.category.name} {ln.category.account.code}"
        if ln.invoice_type == "special":
            shown = f"{_('Special invoice')} {(ln.tax_rate * 100).normalize():f}%"
            if not ln.category.input_vat_deductible:
                shown += f" ({_('not deductible: VAT in the expense')})"
        else:
            shown = str(_("No special invoice"))
        ln.invoice_shown = shown


def _approvals(claim) -> dict:
    return {
        "approval_history": history_for_document(claim),
        "approval_request": latest_request_for_document(claim),
    }


def _detail_extra(request, claim, lines) -> dict:
    vouchers = Voucher.objects.filter(source_type=svc.DOC_TYPE, source_id=str(claim.pk))
    return {
        **_approvals(claim),
        "vouchers": vouchers.select_related("period").order_by("pk"),
        "can_see_vouchers": has_perm(request.user, "accounting.view_voucher"),
    }


def _api_filter(qs, given: dict, user):
    """state (exact) and mine=true (claims of the caller as employee)."""
    if given.get("state"):
        qs = qs.filter(state=given["state"])
    if str(given.get("mine", "")).lower() in ("true", "1", "yes", "on"):
        qs = qs.filter(employee=user)
    return qs


AMOUNT_INCL = _("Amount incl. tax")

EXPENSE_CLAIM = DocumentKit(
    app="accounting",
    model=ExpenseClaim,
    line_model=ExpenseClaimLine,
    machine=svc.CLAIM_STATES,
    number_doc_type=svc.DOC_TYPE,
    approval_subject=svc.DOC_TYPE,
    slug="expense-claims",
    title=_("Expense claims"),
    section=_("Finance"),
    create=_create,
    update=_update,
    transitions={"submit": _submit, "post": _post, "pay": _pay},
    transition_forms={"pay": forms.PayForm},
    transition_in={"post": PostIn, "pay": PayIn},
    header_form=forms.ClaimHeaderForm,
    line_form=forms.ClaimLineForm,
    form_title=_("Claim"),
    form_wide_fields=("purpose", "note"),
    form_template="accounting/expenses/form.html",
    list=CLAIMS,
    list_fallback="accounting:my_expenseclaim_list",
    scope=lambda user, qs: svc.claims_visible_to(user, qs),
    may_edit=svc.may_edit,
    edit_states=(svc.S.DRAFT, svc.S.SUBMITTED, svc.S.APPROVED),
    actions_filter=_actions_filter,
    select_related=("employee", "department", "voucher", "payment_voucher", "payment_account"),
    header_columns=(
        Column("date", _("Date"), kind="date"),
        Column("employee", _("Employee")),
        Column("department.name", _("Department")),
        Column("purpose", _("Purpose")),
        Column("payment_account", _("Paid from")),
    ),
    detail_header="accounting/expenses/_totals.html",
    detail_buttons="accounting/expenses/_buttons.html",
    detail_sections=("accounting/expenses/_approval_vouchers.html",),
    detail_extra=_detail_extra,
    line_columns=(
        Column("category_shown", _("Expense category")),
        Column("amount", AMOUNT_INCL, kind="amount"),
        Column("invoice_shown", _("Invoice / VAT rate")),
        Column("tax_amount", _("Input VAT"), kind="amount"),
        Column("net_amount", _("Net amount"), kind="amount"),
        Column("attachments", _("Attachments"), kind="num"),
        Column("note", _("Note")),
    ),
    print_columns=(
        Column("category.name", _("Expense category")),
        Column("amount", AMOUNT_INCL, kind="amount", total=True),
        Column("tax_amount", _("Input VAT"), kind="amount", total=True),
        Column("net_amount", _("Net amount"), kind="amount", total=True),
        Column("note", _("Note")),
    ),
    line_select_related=("category__account",),
    line_annotate=_lines_annotate,
    print_template="accounting/expenses/print.html",
    print_extra=lambda request, claim: _approvals(claim),
    print_signatures=(_("Approved by"), _("Accountant"), _("Cashier")),
    api_in=ClaimIn,
    api_patch=ClaimPatch,
    api_out=ClaimOut,
    api_dump=lambda user, claim: claim_out(claim),
    api_filters=("state", "mine"),
    api_filter=_api_filter,
    api_prefetch=(
        Prefetch(
            "lines",
            queryset=ExpenseClaimLine.objects.select_related("category").order_by("line_no"),
        ),
    ),
)

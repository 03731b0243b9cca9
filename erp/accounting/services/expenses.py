"""Expense claims (费用报销): save, submit for approval, post, pay.

draft → submitted (approval request) → approved → posted (voucher through the gate) → paid
(payment voucher, from a chosen cash/bank account). Every state change goes through
CLAIM_STATES: the approvals engine moves submitted claims to approved, or back to draft when a
request is returned, rejected or withdrawn (`on_decided` in the subject registered by
`expense_claims_register`), along the transitions declared for it. Editing a submitted or
approved claim bumps its version, which supersedes the approval, and submits it again.
Employees file and submit their own claims with `accounting.add_expenseclaim`; someone else's
claim needs `accounting.change_expenseclaim`.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.accounting.builders.expenses import (
    PAYMENT_PREFIXES,
    ClaimFacts,
    ClaimLineFacts,
    claim_payment_draft,
    claim_totals,
    claim_voucher_draft,
    tax_of,
)
from erp.accounting.models import (
    Account,
    ExpenseCategory,
    ExpenseClaim,
    ExpenseClaimLine,
    ExpenseClaimState,
    InvoiceType,
)
from erp.accounting.services.chart import account_add_child
from erp.accounting.services.gate import voucher_post_for_source
from erp.accounting.services.lines import parse_amount
from erp.approvals.contract import ApprovalSubject, approval_subject_register
from erp.approvals.services.requests import (
    approval_document_edited,
    approval_require_approved,
    approval_submit,
)
from erp.approvals.states import RequestState
from erp.core.access import has_perm, require_perm
from erp.core.errors import (
    BusinessRuleError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from erp.core.money import format_cny
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.core.states import StateMachine, Transition
from erp.iam.models import Department, User

DOC_TYPE = "accounting.expenseclaim"
MAX_LINES = 200
TAX_RATES = tuple(Decimal(r) for r in ("0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.13"))
# An entered VAT may differ from amount × rate / (1 + rate) by the invoice's own rounding.
VAT_TOLERANCE = Decimal("0.05")
ZERO_TAX = Decimal("0.00")
HEADER_FIELDS = ["employee_id", "department_id", "date", "purpose", "note", "total", "tax_total"]
S = ExpenseClaimState
# Transitions the approvals engine drives (no button, no permission of their own: the approver's
# seat on the request authorises them). They do not bump the claim's version, which the engine
# itself bumped and recorded on the request.
BY_APPROVALS = ""
ENGINE_TRANSITIONS = ("approve", "resubmit", "reopen")

CLAIM_STATES = StateMachine(
    ExpenseClaimState,
    [
        Transition("submit", (S.DRAFT,), S.SUBMITTED, "accounting.add_expenseclaim", _("Submit")),
        Transition(
            "approve",
            (S.SUBMITTED,),
            S.APPROVED,
            BY_APPROVALS,
            pgettext_lazy("document state", "Approved"),
        ),
        # An approved claim edited: its new version waits for approval again.
        Transition("resubmit", (S.APPROVED,), S.SUBMITTED, BY_APPROVALS, _("Submitted again")),
        # Request returned, rejected or withdrawn (or superseded by an edit): back to draft.
        Transition("reopen", (S.SUBMITTED, S.APPROVED), S.DRAFT, BY_APPROVALS, _("Back to draft")),
        Transition(
            "post",
            (S.APPROVED,),
            S.POSTED,
            "accounting.post_expenseclaim",
            _("Post"),
            style="success",
            confirm=_("Post this claim? Its voucher cannot be changed afterwards."),
        ),
        Transition(
            "pay",
            (S.POSTED,),
            S.PAID,
            "accounting.pay_expenseclaim",
            _("Pay"),
            style="success",
            confirm=_("Record the payment of this claim?"),
        ),
    ],
)

# Default categories: (code, name, sub-account suffix under 管理费用, input VAT deductible).
# 业务招待费 is consumption (餐饮、礼品): its VAT may not be deducted and stays in the expense.
DEFAULT_CATEGORIES = (
    ("TRAVEL", "差旅费", "01", True),
    ("OFFICE", "办公费", "02", True),
    ("ENTERTAIN", "业务招待费", "03", False),
    ("TRANSPORT", "交通费", "04", True),
    ("COMMS", "通讯费", "05", True),
)


# --- access ---------------------------------------------------------------------------------


def is_own(actor, claim: ExpenseClaim) -> bool:
    return actor is not None and actor.pk in (claim.employee_id, claim.created_by_id)


def may_view(actor, claim: ExpenseClaim) -> bool:
    return has_perm(actor, "accounting.view_expenseclaim") or (
        is_own(actor, claim) and has_perm(actor, "accounting.add_expenseclaim")
    )


def may_edit(actor, claim: ExpenseClaim) -> bool:
    return has_perm(actor, "accounting.change_expenseclaim") or (
        is_own(actor, claim) and has_perm(actor, "accounting.add_expenseclaim")
    )


def claims_visible_to(actor, queryset=None):
    """The claims `actor` may see (of `queryset`, default all): everyone's with the view
    permission, their own (as employee or filer) with the add permission, none otherwise."""
    qs = queryset if queryset is not None else ExpenseClaim.objects.all()
    qs = qs.select_related("employee", "department", "created_by")
    if has_perm(actor, "accounting.view_expenseclaim"):
        return qs
    if not has_perm(actor, "accounting.add_expenseclaim"):
        return qs.none()
    return qs.filter(Q(employee=actor) | Q(created_by=actor))


def _claim_locked(actor, claim_id) -> ExpenseClaim:
    claim = ExpenseClaim.objects.select_for_update().filter(pk=_int(claim_id)).first()
    if claim is None or not may_view(actor, claim):
        raise NotFound()
    return claim


def _int(value) -> int:
    return value if isinstance(value, int) else int(value) if str(value).isdigit() else -1


# --- lines ----------------------------------------------------------------------------------


def _line_problems(row: dict[str, Any], categories: dict) -> tuple[dict, list[str]]:
    problems: list[str] = []
    category = categories.get(_int(row.get("category_id") or 0))
    if category is None or not category.active:
        problems.append(str(_("Choose an active expense category.")))
    amount = parse_amount(row.get("amount"))
    if amount is None or amount <= 0:
        problems.append(str(_("Enter the amount incl. tax, more than 0, at most 2 decimals.")))
    rate = _rate(row.get("tax_rate"))
    if rate is None:
        problems.append(str(_("Choose a VAT rate from the list (0 when there is no 专票).")))
    entered = row.get("tax_amount")
    tax = parse_amount(entered) if entered not in (None, "") else None
    if entered not in (None, "") and (tax is None or tax < 0):
        problems.append(str(_("Enter the input VAT as a number ≥ 0 with at most 2 decimals.")))
    invoice = _invoice_type(row.get("invoice_type"), rate)
    if invoice is None:
        problems.append(str(_("Choose the invoice type: 专票 or 无专票.")))
    attachments = row.get("attachments") or 0
    if not str(attachments).isdigit() or int(attachments) > 999:
        problems.append(str(_("Enter the number of attachments, 0 to 999.")))
    if problems:
        return {}, problems
    problems = _vat_problems(amount, rate, tax, invoice)
    values = {
        "category": category,
        "amount": amount,
        "invoice_type": invoice,
        "tax_rate": rate,
        # The VAT of a non-deductible category (业务招待费 …) stays in the expense.
        "tax_amount": _vat_of(amount, rate, tax) if category.input_vat_deductible else ZERO_TAX,
        "attachments": int(attachments),
        "note": str(row.get("note") or "").strip()[:200],
    }
    return values, problems


def _invoice_type(raw, rate: Decimal | None) -> str | None:
    """The line's invoice type; not given: 专票 when a VAT rate is chosen, else 无专票 (the rate
    list's "none")."""
    if raw in (None, ""):
        return InvoiceType.SPECIAL if rate else InvoiceType.NONE
    return str(raw) if str(raw) in InvoiceType.values else None


def _vat_of(amount: Decimal, rate: Decimal, entered: Decimal | None) -> Decimal:
    return entered if entered is not None else tax_of(amount, rate)


def _vat_problems(amount, rate, entered, invoice) -> list[str]:
    """无专票 carries no VAT; an entered VAT must match the amount and rate (the invoice's own
    rounding allowed), so a VAT left over from an earlier amount is caught, not kept."""
    if invoice == InvoiceType.NONE:
        if rate or entered:
            return [
                str(
                    _(
                        "A line without a 专票 (无专票) cannot carry input VAT. Choose the invoice "
                        "type 专票, or set the VAT rate to none and clear the VAT."
                    )
                )
            ]
        return []
    if entered is None:
        return []
    expected = tax_of(amount, rate)
    if entered > amount:
        return [str(_("The input VAT cannot exceed the amount incl. tax."))]
    if abs(entered - expected) > VAT_TOLERANCE:
        return [
            str(
                _(
                    "The input VAT %(vat)s does not match the amount %(amount)s at %(rate)s%% "
                    "(expected about %(expected)s). Clear the VAT to compute it, or correct the "
                    "amount or rate from the invoice."
                )
                % {
                    "vat": format_cny(entered),
                    "amount": format_cny(amount),
                    "rate": f"{(rate * 100).normalize():f}",
                    "expected": format_cny(expected),
                }
            )
        ]
    return []


def _rate(raw) -> Decimal | None:
    if raw in (None, ""):
        return Decimal("0")
    if isinstance(raw, float):
        return None
    try:
        value = Decimal(str(raw).strip().rstrip("%"))
    except ArithmeticError:
        return None
    if value >= 1:  # "13" or "13%" means 13 %
        value = value / 100
    return next((r for r in TAX_RATES if r == value), None)


def _lines_clean(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        raise ValidationFailed(
            _("Add at least one line with an expense category and an amount."),
            fields={"lines": [str(_("Add at least one line."))]},
        )
    if len(rows) > MAX_LINES:
        raise ValidationFailed(
            _("A claim has at most %(max)s lines. Split it into several claims.")
            % {"max": MAX_LINES}
        )
    ids = {_int(r.get("category_id") or 0) for r in rows}
    categories = ExpenseCategory.objects.in_bulk(list(ids))
    cleaned, bad = [], {}
    for number, row in enumerate(rows, start=1):
        values, problems = _line_problems(row, categories)
        if problems:
            bad[f"line {number}"] = problems
        cleaned.append(values)
    if bad:
        first = next(iter(bad.items()))
        raise ValidationFailed(
            _("Line %(line)s: %(problem)s")
            % {"line": first[0].removeprefix("line "), "problem": first[1][0]},
            fields=bad,
        )
    return cleaned


def _header_clean(actor, *, employee_id, department_id, date, purpose) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    employee = actor
    if employee_id not in (None, "", actor.pk):
        if not has_perm(actor, "accounting.change_expenseclaim"):
            raise PermissionDenied(
                _("You can only file claims for yourself. Ask finance to file it for others.")
            )
        employee = User.objects.filter(pk=_int(employee_id), is_active=True).first()
        if employee is None:
            errors["employee"] = [str(_("Choose an active employee."))]
    department = None
    if department_id not in (None, ""):
        department = Department.objects.filter(pk=_int(department_id), is_active=True).first()
    elif employee is not None:
        department = employee.department
    if department is None:
        errors["department"] = [str(_("Choose the department the expense belongs to."))]
    if not isinstance(date, dt.date):
        errors["date"] = [str(_("Enter the date as 2026-03-01."))]
    purpose = str(purpose or "").strip()
    if not purpose or len(purpose) > 200:
        errors["purpose"] = [
            str(_("Enter the purpose, e.g. 上海客户拜访差旅 (at most 200 characters)."))
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    return {"employee": employee, "department": department, "date": date, "purpose": purpose}


def _lines_write(claim: ExpenseClaim, lines: list[dict[str, Any]]) -> None:
    claim.lines.all().delete()
    ExpenseClaimLine.objects.bulk_create(
        ExpenseClaimLine(claim=claim, line_no=n, **values) for n, values in enumerate(lines, 1)
    )
    facts = [ClaimLineFacts("", "", x["amount"], x["tax_amount"]) for x in lines]
    claim.total, claim.tax_total = claim_totals(facts)
    claim.attachments = min(sum(x["attachments"] for x in lines), 32767)


# --- save -----------------------------------------------------------------------------------


def expense_claim_create(
    *,
    actor,
    date: dt.date,
    purpose: str,
    lines: list[dict[str, Any]],
    department_id: int | None = None,
    employee_id: int | None = None,
    note: str = "",
) -> ExpenseClaim:
    require_perm(actor, "accounting.add_expenseclaim")
    header = _header_clean(
        actor, employee_id=employee_id, department_id=department_id, date=date, purpose=purpose
    )
    cleaned = _lines_clean(lines)
    with transaction.atomic():
        claim = ExpenseClaim.objects.create(
            state=S.DRAFT, created_by=actor, note=str(note or "").strip(), **header
        )
        _lines_write(claim, cleaned)
        claim.save(update_fields=["total", "tax_total", "attachments"])
        audit_record(actor=actor, action="create", obj=claim, changes=diff({}, _snap(claim)))
    return claim


def expense_claim_update(
    *,
    actor,
    claim_id: int,
    date: dt.date,
    purpose: str,
    lines: list[dict[str, Any]],
    department_id: int | None = None,
    employee_id: int | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> ExpenseClaim:
    """Replace a claim's header and lines. A submitted or approved claim goes back for
    approval: its version changes, the old request is superseded and a new one submitted.
    `expected_version`: the version the editor read; another edit meanwhile → 409."""
    with transaction.atomic():
        claim = _claim_locked(actor, claim_id)
        if not may_edit(actor, claim):
            raise PermissionDenied()
        if expected_version is not None and claim.version != expected_version:
            raise Conflict(
                _("The document was changed by someone else meanwhile. Reload it and try again."),
                code="version_conflict",
                expected=expected_version,
                actual=claim.version,
            )
        if claim.state not in (S.DRAFT, S.SUBMITTED, S.APPROVED):
            raise BusinessRuleError(
                _("%(claim)s is %(state)s and can no longer be changed.")
                % {"claim": claim, "state": claim.get_state_display()},
                code="claim_not_editable",
            )
        header = _header_clean(
            actor,
            employee_id=employee_id if employee_id is not None else claim.employee_id,
            department_id=department_id,
            date=date,
            purpose=purpose,
        )
        cleaned = _lines_clean(lines)
        before = _snap(claim)
        for name, value in header.items():
            setattr(claim, name, value)
        claim.note = str(note or "").strip()
        _lines_write(claim, cleaned)
        claim.version += 1
        claim.save()
        audit_record(actor=actor, action="update", obj=claim, changes=diff(before, _snap(claim)))
        if claim.state != S.DRAFT:
            approval_document_edited(actor=actor, doc=claim)
            _resubmit(actor, claim)
    return claim


def _snap(claim: ExpenseClaim) -> dict[str, Any]:
    data = snapshot(claim, HEADER_FIELDS)
    data["lines"] = [
        line_text(x.category, x.amount, f"+{x.tax_amount}" if x.tax_amount else "")
        for x in claim.lines.select_related("category").order_by("line_no")
    ]
    return data


# --- approval ------------------------------------------------------------------------------


def expense_claim_submit(
    *, actor, claim_id: int, expected_version: int | None = None
) -> ExpenseClaim:
    with transaction.atomic():
        claim = _claim_locked(actor, claim_id)
        if not may_edit(actor, claim):
            raise PermissionDenied()
        if claim.total <= 0:
            raise BusinessRuleError(
                _("The claim has no amount. Add its lines before submitting."),
                code="claim_empty",
            )
        claim = document_transition(
            actor=actor,
            doc=claim,
            machine=CLAIM_STATES,
            name="submit",
            number_doc_type=DOC_TYPE,
            on_date=claim.date,
            expected_version=expected_version,
        )
        _resubmit(actor, claim)
    return claim


def _resubmit(actor, claim: ExpenseClaim) -> None:
    request = approval_submit(actor=actor, doc=claim)
    if request.state == RequestState.APPROVED:
        _engine_transition(claim, "approve", actor=actor, note=f"approval request {request.pk}")
    else:
        _engine_transition(claim, "resubmit", actor=actor, note=f"approval request {request.pk}")


def _engine_transition(claim: ExpenseClaim, name: str, *, actor=None, note: str = "") -> None:
    """Move the locked claim along an approvals-driven transition of CLAIM_STATES. A claim
    already in the transition's target stays as it is; any other state not among its sources
    is refused (InvalidTransition names the state). The version is left alone: the engine has
    bumped it and recorded it on the request."""
    target = CLAIM_STATES.transitions[name].target
    if claim.state == target:
        return
    transition = CLAIM_STATES.transition_for(claim.state, name)
    before = claim.state
    claim.state = transition.target
    claim.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="transition",
        obj=claim,
        changes={"state": [before, claim.state]},
        note=f"{name}: {note}" if note else name,
    )


def _on_decided(claim: ExpenseClaim, request) -> None:
    """The engine finished a request: approved → approved; anything else → back to draft."""
    if claim.state not in (S.SUBMITTED, S.APPROVED):
        return
    name = "approve" if request.state == RequestState.APPROVED else "reopen"
    _engine_transition(claim, name, note=f"approval request {request.pk}: {request.state}")


# --- posting -------------------------------------------------------------------------------


def _facts(claim: ExpenseClaim) -> ClaimFacts:
    lines = claim.lines.select_related("category__account").order_by("line_no")
    return ClaimFacts(
        claim_id=claim.pk,
        number=claim.number,
        date=claim.date,
        purpose=claim.purpose,
        employee_id=claim.employee_id,
        employee_name=str(claim.employee.full_name or claim.employee.username),
        department_id=claim.department_id,
        attachments=claim.attachments,
        lines=tuple(
            ClaimLineFacts(
                x.category.account.code,
                x.category.name,
                x.amount,
                x.tax_amount,
                x.line_no,
                deductible=x.category.input_vat_deductible,
            )
            for x in lines
        ),
    )


def expense_claim_post(
    *,
    actor,
    claim_id: int,
    on_date: dt.date | None = None,
    expected_version: int | None = None,
) -> ExpenseClaim:
    """Post an approved claim: Dr expense accounts + 进项税额, Cr 其他应付款 (employee). The claim's
    posting permission authorises its voucher (as a stock receipt's does); the category's
    `input_vat_deductible` at posting time decides whether a line's VAT is 进项税额."""
    require_perm(actor, "accounting.post_expenseclaim")
    with transaction.atomic():
        claim = _claim_locked(actor, claim_id)
        if claim.state not in (S.POSTED, S.PAID):
            approval_require_approved(claim)
        claim = document_transition(
            actor=actor,
            doc=claim,
            machine=CLAIM_STATES,
            name="post",
            expected_version=expected_version,
        )
        draft = claim_voucher_draft(_facts(claim), on_date=on_date or timezone.localdate())
        claim.voucher = voucher_post_for_source(actor=actor, draft=draft)
        claim.save(update_fields=["voucher", "updated_at"])
    return claim


def payment_accounts():
    """The accounts a claim may be paid from: active leaves under 1001 库存现金 / 1002 银行存款."""
    return Account.objects.filter(
        is_leaf=True, active=True, code__regex=rf"^({'|'.join(PAYMENT_PREFIXES)})"
    ).order_by("code")


def _payment_account(code) -> Account:
    code = str(code or "").strip()
    if not code:
        raise ValidationFailed(
            _(
                "Choose the cash or bank account the claim is paid from (库存现金 or a bank "
                "account such as 100201)."
            ),
            code="payment_account_required",
            fields={"payment_account": [str(_("Choose the account the claim is paid from."))]},
        )
    account = payment_accounts().filter(code=code).first()
    if account is None:
        raise ValidationFailed(
            _(
                "%(code)s is not an active cash or bank account. Choose 库存现金 or a bank "
                "account under 1002 银行存款 that has no sub-accounts (e.g. 100201)."
            )
            % {"code": code},
            code="payment_account_invalid",
            fields={"payment_account": [str(_("Choose a cash or bank account from the list."))]},
        )
    return account


def expense_claim_pay(
    *,
    actor,
    claim_id: int,
    payment_account_code: str,
    on_date: dt.date | None = None,
    expected_version: int | None = None,
) -> ExpenseClaim:
    """Pay a posted claim from the chosen cash/bank account (a leaf under 1001/1002, e.g.
    100201): Dr 其他应付款 (employee), Cr that account. The cashier (出纳) holds the permission."""
    require_perm(actor, "accounting.pay_expenseclaim")
    account = _payment_account(payment_account_code)
    with transaction.atomic():
        claim = _claim_locked(actor, claim_id)
        claim = document_transition(
            actor=actor,
            doc=claim,
            machine=CLAIM_STATES,
            name="pay",
            expected_version=expected_version,
        )
        draft = claim_payment_draft(
            _facts(claim), on_date=on_date or timezone.localdate(), account_code=account.code
        )
        claim.payment_voucher = voucher_post_for_source(actor=actor, draft=draft)
        claim.payment_account = account
        claim.save(update_fields=["payment_voucher", "payment_account", "updated_at"])
    return claim


# --- categories and registration --------------------------------------------------------------


@transaction.atomic
def expense_categories_ensure_defaults(*, actor) -> list[ExpenseCategory]:
    """Create the default categories, each on its own sub-account of 管理费用 (6602, or 5602 in
    the small-enterprise chart); where 管理费用 already has postings, on 管理费用 itself."""
    parent = Account.objects.filter(code__in=("6602", "5602")).order_by("code").last()
    if parent is None:
        raise BusinessRuleError(
            _("The chart of accounts has no 管理费用 account. Seed the chart first."),
            code="chart_missing",
        )
    created = []
    for code, name, suffix, deductible in DEFAULT_CATEGORIES:
        if ExpenseCategory.objects.filter(code=code).exists():
            continue
        account = Account.objects.filter(code=parent.code + suffix).first()
        if account is None:
            try:
                account = account_add_child(
                    actor=actor, parent_id=parent.pk, code=parent.code + suffix, name=name
                )
            except BusinessRuleError:
                account = parent
        category = ExpenseCategory.objects.create(
            code=code, name=name, account=account, input_vat_deductible=deductible
        )
        audit_record(actor=actor, action="create", obj=category)
        created.append(category)
    return created


def expense_category_update(
    *,
    actor,
    category_id: int,
    input_vat_deductible: bool | None = None,
    active: bool | None = None,
) -> ExpenseCategory:
    """Change a category's settings. Turning `input_vat_deductible` off applies to every claim
    posted from then on: its lines' VAT goes into the expense, never 进项税额."""
    require_perm(actor, "accounting.change_expensecategory")
    with transaction.atomic():
        category = ExpenseCategory.objects.select_for_update().filter(pk=_int(category_id)).first()
        if category is None:
            raise NotFound()
        fields = ["input_vat_deductible", "active"]
        before = snapshot(category, fields)
        if input_vat_deductible is not None:
            category.input_vat_deductible = bool(input_vat_deductible)
        if active is not None:
            category.active = bool(active)
        category.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="update",
            obj=category,
            changes=diff(before, snapshot(category, fields)),
        )
    return category


def expense_claims_register() -> None:
    """Plug expense claims into the approvals engine (called from AccountingConfig.ready)."""
    approval_subject_register(
        ApprovalSubject(
            doc_type=DOC_TYPE,
            model=ExpenseClaim,
            label=_("Expense claim"),
            rule_fields=lambda c: {"amount": c.total, "department": c.department.code},
            summary=lambda c: [
                (_("Employee"), str(c.employee)),
                (_("Department"), c.department.name),
                (_("Date"), f"{c.date:%Y-%m-%d}"),
                (_("Purpose"), c.purpose),
                (_("Amount incl. tax"), format_cny(c.total)),
                (_("Input VAT"), format_cny(c.tax_total)),
                (_("Attachments"), str(c.attachments)),
            ],
            lines=lambda c: (
                [_("Expense category"), _("Amount incl. tax"), _("Input VAT"), _("Note")],
                [
                    [x.category.name, format_cny(x.amount), format_cny(x.tax_amount), x.note]
                    for x in c.lines.select_related("category")
                ],
            ),
            url=lambda c: reverse("accounting:expenseclaim_detail", args=[c.pk]),
            requester=lambda c: c.employee,
            on_decided=_on_decided,
        )
    )

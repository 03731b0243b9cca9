"""Expense claims (费用报销): save, submit for approval, post, pay.

draft → submitted (approval request) → approved → posted (voucher through the gate) → paid
(payment voucher). The approvals engine moves submitted claims to approved, or back to draft
when a request is returned, rejected or withdrawn (`on_decided` in the subject registered by
`expense_claims_register`). Editing a submitted or approved claim bumps its version, which
supersedes the approval, and submits it again. Employees file and submit their own claims with
`accounting.add_expenseclaim`; someone else's claim needs `accounting.change_expenseclaim`.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.accounting.builders.expenses import (
    PAYMENT_ACCOUNTS,
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
)
from erp.accounting.services.chart import account_add_child
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.lines import parse_amount
from erp.approvals.contract import ApprovalSubject, approval_subject_register
from erp.approvals.services.requests import (
    approval_document_edited,
    approval_require_approved,
    approval_submit,
)
from erp.approvals.states import RequestState
from erp.core.access import has_perm, require_perm
from erp.core.errors import BusinessRuleError, NotFound, PermissionDenied, ValidationFailed
from erp.core.money import format_cny
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.transitions import document_transition
from erp.core.states import StateMachine, Transition
from erp.iam.models import Department, User

DOC_TYPE = "accounting.expenseclaim"
MAX_LINES = 200
TAX_RATES = tuple(Decimal(r) for r in ("0", "0.01", "0.03", "0.05", "0.06", "0.09", "0.13"))
HEADER_FIELDS = ["employee_id", "department_id", "date", "purpose", "note", "total", "tax_total"]
S = ExpenseClaimState

CLAIM_STATES = StateMachine(
    ExpenseClaimState,
    [
        Transition("submit", (S.DRAFT,), S.SUBMITTED, "accounting.add_expenseclaim", _("Submit")),
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

# Default categories: (code, name, sub-account suffix under 管理费用).
DEFAULT_CATEGORIES = (
    ("TRAVEL", "差旅费", "01"),
    ("OFFICE", "办公费", "02"),
    ("ENTERTAIN", "业务招待费", "03"),
    ("TRANSPORT", "交通费", "04"),
    ("COMMS", "通讯费", "05"),
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


def claims_visible_to(actor):
    qs = ExpenseClaim.objects.select_related("employee", "department", "created_by")
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
    if problems:
        return {}, problems
    tax = tax if tax is not None else tax_of(amount, rate)
    if tax > amount:
        problems.append(str(_("The input VAT cannot exceed the amount incl. tax.")))
    attachments = row.get("attachments") or 0
    if not str(attachments).isdigit() or int(attachments) > 999:
        problems.append(str(_("Enter the number of attachments, 0 to 999.")))
    values = {
        "category": category,
        "amount": amount,
        "tax_rate": rate,
        "tax_amount": tax,
        "attachments": int(attachments) if str(attachments).isdigit() else 0,
        "note": str(row.get("note") or "").strip()[:200],
    }
    return values, problems


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
) -> ExpenseClaim:
    """Replace a claim's header and lines. A submitted or approved claim goes back for
    approval: its version changes, the old request is superseded and a new one submitted."""
    with transaction.atomic():
        claim = _claim_locked(actor, claim_id)
        if not may_edit(actor, claim):
            raise PermissionDenied()
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
        f"{x.category_id}:{x.amount}:{x.tax_amount}" for x in claim.lines.order_by("line_no")
    ]
    return data


# --- approval ------------------------------------------------------------------------------


def expense_claim_submit(*, actor, claim_id: int) -> ExpenseClaim:
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
        )
        _resubmit(actor, claim)
    return claim


def _resubmit(actor, claim: ExpenseClaim) -> None:
    request = approval_submit(actor=actor, doc=claim)
    target = S.APPROVED if request.state == RequestState.APPROVED else S.SUBMITTED
    _state_set(claim, target, actor=actor, note=f"approval request {request.pk}")


def _state_set(claim: ExpenseClaim, target: str, *, actor=None, note: str = "") -> None:
    if claim.state == target:
        return
    # A queryset update: the approvals engine has bumped the version on the row already.
    ExpenseClaim.objects.filter(pk=claim.pk).update(state=target, updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="transition",
        obj=claim,
        changes={"state": [claim.state, target]},
        note=note,
    )
    claim.state = target


def _on_decided(claim: ExpenseClaim, request) -> None:
    """The engine finished a request: approved → approved; anything else → back to draft."""
    if claim.state not in (S.SUBMITTED, S.APPROVED):
        return
    target = S.APPROVED if request.state == RequestState.APPROVED else S.DRAFT
    _state_set(claim, target, note=f"approval request {request.pk}: {request.state}")


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
                x.category.account.code, x.category.name, x.amount, x.tax_amount, x.line_no
            )
            for x in lines
        ),
    )


def expense_claim_post(*, actor, claim_id: int, on_date: dt.date | None = None) -> ExpenseClaim:
    """Post an approved claim: Dr expense accounts + 进项税额, Cr 其他应付款 (employee)."""
    require_perm(actor, "accounting.post_expenseclaim")
    with transaction.atomic():
        claim = _claim_locked(actor, claim_id)
        if claim.state not in (S.POSTED, S.PAID):
            approval_require_approved(claim)
        claim = document_transition(actor=actor, doc=claim, machine=CLAIM_STATES, name="post")
        draft = claim_voucher_draft(_facts(claim), on_date=on_date or timezone.localdate())
        claim.voucher = voucher_post(actor=actor, draft=draft)
        claim.save(update_fields=["voucher", "updated_at"])
    return claim


def expense_claim_pay(
    *, actor, claim_id: int, on_date: dt.date | None = None, method: str = "bank"
) -> ExpenseClaim:
    """Pay a posted claim: Dr 其他应付款 (employee), Cr 银行存款 (or 库存现金)."""
    require_perm(actor, "accounting.pay_expenseclaim")
    if method not in PAYMENT_ACCOUNTS:
        raise ValidationFailed(fields={"method": [str(_("Choose bank or cash."))]})
    with transaction.atomic():
        claim = _claim_locked(actor, claim_id)
        claim = document_transition(actor=actor, doc=claim, machine=CLAIM_STATES, name="pay")
        draft = claim_payment_draft(
            _facts(claim), on_date=on_date or timezone.localdate(), method=method
        )
        claim.payment_voucher = voucher_post(actor=actor, draft=draft)
        claim.save(update_fields=["payment_voucher", "updated_at"])
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
    for code, name, suffix in DEFAULT_CATEGORIES:
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
        category = ExpenseCategory.objects.create(code=code, name=name, account=account)
        audit_record(actor=actor, action="create", obj=category)
        created.append(category)
    return created


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

"""Expense claims: amounts, approval thresholds (the demo rules), self-approval, posting only
after approval, edits resetting approval, vouchers balanced and linked, payment."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erp.accounting.builders.expenses import (
    ClaimFacts,
    ClaimLineFacts,
    claim_payment_draft,
    claim_voucher_draft,
    tax_of,
)
from erp.accounting.models import AccountPeriodBalance, ExpenseCategory, ExpenseClaim, Voucher
from erp.accounting.services import expenses as svc
from erp.approvals.errors import ApprovalRequired, SelfApprovalRefused
from erp.approvals.models import ApprovalRequest, ApprovalRule
from erp.approvals.services.requests import approval_decide
from erp.core.errors import NotFound, PermissionDenied, ValidationFailed

ON = dt.date(2026, 3, 10)

# --- pure: tax split and builders -------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)
rates = st.sampled_from(svc.TAX_RATES)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(amounts, rates), min_size=1, max_size=12))
def test_tax_rounding_net_plus_tax_equals_total(lines):
    facts = ClaimFacts(
        claim_id=1,
        number="EX2026030001",
        date=ON,
        purpose="差旅",
        employee_id=7,
        employee_name="王芳",
        department_id=3,
        attachments=2,
        lines=tuple(
            ClaimLineFacts(f"66020{i % 3 + 1}", "c", amount, tax_of(amount, rate))
            for i, (amount, rate) in enumerate(lines)
        ),
    )
    total = sum((a for a, _r in lines), Decimal("0"))
    net = sum((x.amount - x.tax for x in facts.lines), Decimal("0"))
    tax = sum((x.tax for x in facts.lines), Decimal("0"))
    assert net + tax == total
    for x in facts.lines:
        assert x.tax.as_tuple().exponent == -2 and Decimal("0") <= x.tax <= x.amount
    draft = claim_voucher_draft(facts, on_date=ON)
    assert draft.total_debit == draft.total_credit == total
    assert all(isinstance(line.debit, Decimal) for line in draft.lines)
    payment = claim_payment_draft(facts, on_date=ON, account_code="100201")
    assert payment.total_debit == payment.total_credit == total


def test_tax_of_known_values():
    assert tax_of(Decimal("1130.00"), Decimal("0.13")) == Decimal("130.00")
    assert tax_of(Decimal("106.00"), Decimal("0.06")) == Decimal("6.00")
    assert tax_of(Decimal("100.00"), Decimal("0.03")) == Decimal("2.91")
    assert tax_of(Decimal("100.00"), Decimal("0")) == Decimal("0.00")


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def setup(books, make_user):
    return claims_world(make_user)


def claims_world(make_user) -> dict:
    """Users of every role involved, department SALES, categories, the demo approval rules."""
    from erp.approvals.demo import load_demo
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import Department

    admin = make_user("admin", "admin")
    people = {
        "admin": admin,
        "emp": make_user("wangfang", "sales", full_name="王芳"),
        "fm": make_user("fm", "finance_manager", full_name="马超"),
        "gm": make_user("gm", "general_manager", full_name="刘总"),
        "acc": make_user("acc", "accountant", full_name="孙莉"),
        "other": make_user("other", "sales"),
    }
    sales = Department.objects.create(code="SALES", name="销售部")
    for user in (people["emp"], people["other"]):
        user.department = sales
        user.save(update_fields=["department"])
    numbering_rules_ensure_defaults()
    svc.expense_categories_ensure_defaults(actor=admin)
    load_demo(actor=admin)
    people["dept"] = sales
    return people


def _line(code="TRAVEL", amount="1000.00", **kw):
    category = ExpenseCategory.objects.get(code=code)
    return {"category_id": category.pk, "amount": amount, **kw}


def _claim(p, *lines, by="emp"):
    return svc.expense_claim_create(
        actor=p[by], date=ON, purpose="上海客户拜访", lines=list(lines) or [_line()]
    )


def _approved(p, amount="4000.00"):
    claim = _claim(p, _line(amount=amount))
    return svc.expense_claim_submit(actor=p["emp"], claim_id=claim.pk)


# --- saving -----------------------------------------------------------------------------------


def test_create_totals_are_decimal_and_tax_computed(setup):
    claim = _claim(
        setup,
        _line("TRAVEL", "1130.00", tax_rate="0.13", attachments=2),
        _line("OFFICE", "250.50", attachments=1),
    )
    claim.refresh_from_db()
    assert claim.state == "draft" and claim.number == ""
    assert claim.total == Decimal("1380.50") and isinstance(claim.total, Decimal)
    assert claim.tax_total == Decimal("130.00")
    assert claim.attachments == 3
    assert claim.department == setup["dept"] and claim.employee == setup["emp"]
    assert [x.tax_amount for x in claim.lines.order_by("line_no")] == [
        Decimal("130.00"),
        Decimal("0.00"),
    ]


@pytest.mark.parametrize(
    "row, fragment",
    [
        ({"amount": "0"}, "more than 0"),
        ({"amount": "12.345"}, "at most 2 decimals"),
        ({"amount": 12.5}, "at most 2 decimals"),
        ({"tax_rate": "0.07"}, "VAT rate"),
        ({"tax_rate": "0.13", "tax_amount": "2000"}, "cannot exceed"),
    ],
)
def test_bad_lines_are_refused_with_a_message(setup, row, fragment):
    with pytest.raises(ValidationFailed) as err:
        _claim(setup, _line(**row))
    assert fragment in str(err.value.message)
    assert not ExpenseClaim.objects.exists()


def test_employee_cannot_file_for_someone_else_nor_see_others_claims(setup):
    with pytest.raises(PermissionDenied):
        svc.expense_claim_create(
            actor=setup["emp"],
            employee_id=setup["other"].pk,
            date=ON,
            purpose="x",
            lines=[_line()],
        )
    claim = _claim(setup, by="other")
    with pytest.raises(NotFound):
        svc.expense_claim_submit(actor=setup["emp"], claim_id=claim.pk)
    assert list(svc.claims_visible_to(setup["emp"])) == []
    assert list(svc.claims_visible_to(setup["fm"])) == [claim]


# --- approval thresholds (demo rules: > 5,000 财务经理; > 20,000 also 总经理) ------------------


def test_4000_is_approved_automatically_and_numbered(setup):
    claim = _approved(setup, "4000.00")
    assert claim.state == "approved"
    assert claim.number.startswith("EX202603")
    request = ApprovalRequest.objects.get(object_id=claim.pk)
    assert request.state == "approved" and request.rule is None


def test_8000_needs_the_finance_manager(setup):
    claim = _approved(setup, "8000.00")
    assert claim.state == "submitted"
    request = ApprovalRequest.objects.get(object_id=claim.pk)
    assert [s.role_code for s in request.steps.order_by("seq")] == ["finance_manager"]
    with pytest.raises(PermissionDenied):  # the GM is not on this step
        approval_decide(actor=setup["gm"], request_id=request.pk, action="approve")
    approval_decide(actor=setup["fm"], request_id=request.pk, action="approve")
    claim.refresh_from_db()
    assert claim.state == "approved"


def test_25000_needs_finance_manager_then_general_manager(setup):
    claim = _approved(setup, "25000.00")
    request = ApprovalRequest.objects.get(object_id=claim.pk)
    assert [s.role_code for s in request.steps.order_by("seq")] == [
        "finance_manager",
        "general_manager",
    ]
    approval_decide(actor=setup["fm"], request_id=request.pk, action="approve")
    claim.refresh_from_db()
    assert claim.state == "submitted"
    with pytest.raises(ApprovalRequired):
        svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    approval_decide(actor=setup["gm"], request_id=request.pk, action="approve")
    claim.refresh_from_db()
    assert claim.state == "approved"
    claim = svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    assert claim.state == "posted" and claim.voucher.state == "posted"


def test_self_approval_is_refused_even_holding_the_role(setup):
    fm2 = setup["fm"]
    fm2.department = setup["dept"]
    fm2.save(update_fields=["department"])
    other_fm = type(fm2).objects.create_user(username="fm_b", password="pw-Secret-123")
    other_fm.groups.add(*fm2.groups.all())
    claim = svc.expense_claim_create(
        actor=fm2, date=ON, purpose="培训", lines=[_line(amount="9000")]
    )
    claim = svc.expense_claim_submit(actor=fm2, claim_id=claim.pk)
    assert claim.state == "submitted"
    request = ApprovalRequest.objects.get(object_id=claim.pk)
    with pytest.raises(SelfApprovalRefused):
        approval_decide(actor=fm2, request_id=request.pk, action="approve")
    claim.refresh_from_db()
    assert claim.state == "submitted"
    approval_decide(actor=other_fm, request_id=request.pk, action="approve")
    claim.refresh_from_db()
    assert claim.state == "approved"


def test_post_is_refused_before_submission_and_approval(setup):
    claim = _claim(setup, _line(amount="8000"))
    with pytest.raises(ApprovalRequired) as err:
        svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    assert err.value.status == 409 and "not been submitted" in str(err.value.message)
    svc.expense_claim_submit(actor=setup["emp"], claim_id=claim.pk)
    with pytest.raises(ApprovalRequired) as err:
        svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    assert "waiting for approval" in str(err.value.message)
    assert not Voucher.objects.filter(source_type="accounting.expenseclaim").exists()


def test_returned_claim_goes_back_to_draft_and_can_be_resubmitted(setup):
    claim = _approved(setup, "8000.00")
    request = ApprovalRequest.objects.get(object_id=claim.pk)
    approval_decide(actor=setup["fm"], request_id=request.pk, action="return", comment="缺发票")
    claim.refresh_from_db()
    assert claim.state == "draft"
    number = claim.number
    claim = svc.expense_claim_submit(actor=setup["emp"], claim_id=claim.pk)
    assert claim.state == "submitted" and claim.number == number


def test_editing_an_approved_claim_sends_it_back_for_approval(setup):
    claim = _approved(setup, "8000.00")
    request = ApprovalRequest.objects.get(object_id=claim.pk)
    approval_decide(actor=setup["fm"], request_id=request.pk, action="approve")
    claim = svc.expense_claim_update(
        actor=setup["emp"],
        claim_id=claim.pk,
        date=ON,
        purpose="上海客户拜访",
        lines=[_line(amount="9500.00")],
    )
    claim.refresh_from_db()
    assert claim.state == "submitted" and claim.total == Decimal("9500.00")
    request.refresh_from_db()
    assert request.state == "superseded"
    newest = ApprovalRequest.objects.filter(object_id=claim.pk).latest("id")
    assert newest.state == "pending" and newest.doc_version == claim.version
    with pytest.raises(ApprovalRequired):
        svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)


def test_edit_down_below_threshold_is_approved_again_automatically(setup):
    claim = _approved(setup, "8000.00")
    claim = svc.expense_claim_update(
        actor=setup["emp"], claim_id=claim.pk, date=ON, purpose="x", lines=[_line(amount="300")]
    )
    assert claim.state == "approved"


def test_threshold_changed_by_the_administrator_applies_to_the_next_claim(setup):
    from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save

    rule = ApprovalRule.objects.get(name__contains="> ¥5,000")
    first = _approved(setup, "4000.00")
    assert first.state == "approved"
    approval_rule_save(
        actor=setup["admin"],
        rule_id=rule.pk,
        doc_type="accounting.expenseclaim",
        name="报销 > ¥3,000：财务经理",
        priority=rule.priority,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "3000")],
        steps=[StepSpec("role", "finance_manager", name="财务经理审批")],
    )
    second = _approved(setup, "4000.00")
    assert second.state == "submitted"
    request = ApprovalRequest.objects.get(object_id=second.pk)
    assert request.rule_name == "报销 > ¥3,000：财务经理"


# --- vouchers and payment -----------------------------------------------------------------------


def test_posted_voucher_is_balanced_and_linked(setup):
    claim = _claim(
        setup,
        _line("TRAVEL", "1130.00", tax_rate="13"),
        _line("TRAVEL", "200.00"),
        _line("ENTERTAIN", "800.00"),
    )
    claim = svc.expense_claim_submit(actor=setup["emp"], claim_id=claim.pk)
    claim = svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    voucher = claim.voucher
    rows = {
        (x.account.code, x.debit, x.credit, x.employee_id, x.department_id)
        for x in voucher.lines.select_related("account")
    }
    emp, dept = setup["emp"].pk, setup["dept"].pk
    assert rows == {
        ("660201", Decimal("1200.00"), Decimal("0.00"), None, dept),
        ("660203", Decimal("800.00"), Decimal("0.00"), None, dept),
        ("22210101", Decimal("130.00"), Decimal("0.00"), None, None),
        ("2241", Decimal("0.00"), Decimal("2130.00"), emp, None),
    }
    assert voucher.total == Decimal("2130.00")
    assert (voucher.source_type, voucher.source_id, voucher.source_number) == (
        "accounting.expenseclaim",
        str(claim.pk),
        claim.number,
    )
    balance = AccountPeriodBalance.objects.get(account__code="2241", period=voucher.period)
    assert balance.credit == Decimal("2130.00")
    with pytest.raises(Exception) as err:  # a second post is a replay
        svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    assert getattr(err.value, "status", None) == 409


def test_employee_cannot_post_own_claim(setup):
    claim = _approved(setup, "100.00")
    with pytest.raises(PermissionDenied):
        svc.expense_claim_post(actor=setup["emp"], claim_id=claim.pk, on_date=ON)


def test_payment_clears_the_payable(setup):
    claim = _approved(setup, "500.00")
    with pytest.raises(Exception) as err:
        svc.expense_claim_pay(
            actor=setup["fm"], claim_id=claim.pk, on_date=ON, payment_account_code="1002"
        )
    assert getattr(err.value, "code", "") == "invalid_transition"
    claim = svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    with pytest.raises(PermissionDenied):  # the accountant role has no pay permission
        svc.expense_claim_pay(
            actor=setup["acc"], claim_id=claim.pk, on_date=ON, payment_account_code="1002"
        )
    claim = svc.expense_claim_pay(
        actor=setup["fm"], claim_id=claim.pk, on_date=ON, payment_account_code="1002"
    )
    assert claim.state == "paid"
    pay = claim.payment_voucher
    assert pay.word == "付" and pay.total == Decimal("500.00")
    lines = {(x.account.code, x.debit, x.credit) for x in pay.lines.select_related("account")}
    assert lines == {("2241", Decimal("500.00"), Decimal("0")), ("1002", 0, Decimal("500.00"))}
    balance = AccountPeriodBalance.objects.get(account__code="2241", period=pay.period)
    assert balance.debit == balance.credit == Decimal("500.00")


def test_posting_into_a_closed_period_is_refused_and_nothing_changes(setup):
    from erp.accounting.errors import PeriodClosed
    from erp.accounting.models import Period

    claim = _approved(setup, "100.00")
    Period.objects.filter(year=2026, month=3).update(state="closed")
    with pytest.raises(PeriodClosed):
        svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    claim.refresh_from_db()
    assert claim.state == "approved" and claim.voucher is None

"""Expense claim controls (issue #10 point 4): the payment account is chosen from the cash/bank
accounts; the cashier (出纳) pays and settles but never reviews vouchers; non-deductible
categories and 无专票 lines book no 进项税额; an edited line recomputes its VAT; claims change
state only along their declared state machine."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.accounting.builders.expenses import ClaimFacts, ClaimLineFacts, claim_voucher_draft
from erp.accounting.models import Account, ExpenseCategory, ExpenseClaim, Voucher
from erp.accounting.services import expenses as svc
from erp.accounting.services.chart import account_add_child
from erp.accounting.tests.test_expenses import ON, claims_world
from erp.approvals.models import ApprovalRequest
from erp.approvals.services.requests import approval_decide, approval_withdraw
from erp.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent

D = Decimal


@pytest.fixture
def setup(books, make_user):
    """The claims world plus a bank sub-account 100201 (so 1002 is no longer a leaf) and the
    cashier 钱芳."""
    people = claims_world(make_user)
    bank = Account.objects.get(code="1002")
    account_add_child(actor=people["fm"], parent_id=bank.pk, code="100201", name="工商银行")
    people["cashier"] = make_user("qianfang", "cashier", full_name="钱芳")
    return people


def _line(code="TRAVEL", amount="1000.00", **kw):
    return {"category_id": ExpenseCategory.objects.get(code=code).pk, "amount": amount, **kw}


def _posted(p, *lines):
    claim = svc.expense_claim_create(
        actor=p["emp"], date=ON, purpose="客户拜访", lines=list(lines) or [_line()]
    )
    claim = svc.expense_claim_submit(actor=p["emp"], claim_id=claim.pk)
    return svc.expense_claim_post(actor=p["acc"], claim_id=claim.pk, on_date=ON)


def _voucher_rows(voucher: Voucher) -> set:
    return {(x.account.code, x.debit, x.credit) for x in voucher.lines.select_related("account")}


# --- 1. the payment account is chosen ----------------------------------------------------------


def test_cashier_pays_from_the_chosen_bank_sub_account(setup):
    """The company posts to 100201 工商银行. Claim ¥500.00 (no VAT) paid by the cashier from
    100201: 付 voucher Dr 2241 500.00 / Cr 100201 500.00 (not 1002, which is now a parent)."""
    claim = _posted(setup, _line(amount="500.00"))
    claim = svc.expense_claim_pay(
        actor=setup["cashier"], claim_id=claim.pk, on_date=ON, payment_account_code="100201"
    )
    assert claim.state == "paid" and claim.payment_account.code == "100201"
    assert claim.payment_voucher.word == "付"
    assert _voucher_rows(claim.payment_voucher) == {
        ("2241", D("500.00"), D("0.00")),
        ("100201", D("0.00"), D("500.00")),
    }


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "payment_account_required"),
        ("1002", "payment_account_invalid"),  # a parent account now
        ("6602", "payment_account_invalid"),  # not cash or bank
        ("1122", "payment_account_invalid"),
    ],
)
def test_pay_refuses_a_missing_or_non_cash_account(setup, code, error):
    claim = _posted(setup, _line(amount="500.00"))
    with pytest.raises(ValidationFailed) as err:
        svc.expense_claim_pay(
            actor=setup["cashier"], claim_id=claim.pk, on_date=ON, payment_account_code=code
        )
    assert err.value.code == error and "payment_account" in err.value.details["fields"]
    assert "cash or bank account" in str(err.value.message)
    claim.refresh_from_db()
    assert claim.state == "posted" and claim.payment_voucher is None


def test_pay_page_lists_cash_and_bank_leaves_and_needs_a_choice(client, setup):
    claim = _posted(setup, _line(amount="500.00"))
    client.force_login(setup["cashier"])
    url = reverse("accounting:expenseclaim_detail", args=[claim.pk])
    page = client.get(url).content.decode()
    assert 'name="payment_account"' in page and 'value="100201"' in page
    assert 'value="1002"' not in page and 'value="1001"' in page
    action = reverse("accounting:expenseclaim_action", args=[claim.pk, "pay"])
    client.post(action, {"payment_account": ""})
    claim.refresh_from_db()
    assert claim.state == "posted"
    assert "请选择付款的现金或银行账户" in client.get(url).content.decode()  # the user's language
    client.post(action, {"payment_account": "100201"})
    claim.refresh_from_db()
    assert claim.state == "paid" and claim.payment_account.code == "100201"


def test_pay_api_takes_the_account_and_refuses_none(client, setup):
    from erp.iam.services.tokens import api_token_create

    claim = _posted(setup, _line(amount="500.00"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=setup['cashier'], name='t')[1]}"}
    url = f"/api/v1/expense-claims/{claim.pk}/pay"
    none = client.post(url, '{"date": "2026-03-10"}', content_type="application/json", **auth)
    assert none.status_code == 400 and none.json()["code"] == "payment_account_required"
    body = '{"date": "2026-03-10", "payment_account": "100201"}'
    paid = client.post(url, body, content_type="application/json", **auth)
    assert paid.status_code == 200, paid.content
    assert paid.json()["state"] == "paid" and paid.json()["payment_account"] == "100201"


# --- 2. the cashier ----------------------------------------------------------------------------


def test_cashier_settles_receipts_and_payments_but_keeps_no_accounts(setup):
    """出纳 pays claims and posts a customer receipt (¥1,000.00 into 100201, an advance since
    nothing is open), but cannot post claims, enter, review or post vouchers."""
    from erp.accounting.services import arap
    from erp.accounting.services.vouchers import voucher_review, voucher_save
    from erp.accounting.tests.conftest import rows
    from erp.masterdata.models import Customer, Supplier

    cashier = setup["cashier"]
    for perm in (
        "accounting.pay_expenseclaim",
        "accounting.post_customerreceipt",
        "accounting.post_supplierpayment",
    ):
        assert cashier.has_perm(perm), perm
    for perm in (
        "accounting.review_voucher",
        "accounting.post_voucher",
        "accounting.add_voucher",
        "accounting.change_voucher",
        "accounting.reverse_voucher",
        "accounting.post_expenseclaim",
    ):
        assert not cashier.has_perm(perm), perm
    customer = Customer.objects.create(code="C-001", name="华东化工")
    receipt = arap.customer_receipt_save(
        actor=cashier,
        customer_id=customer.pk,
        date=ON,
        amount=D("1000.00"),
        bank_account_code="100201",
    )
    receipt = arap.customer_receipt_post(actor=cashier, receipt_id=receipt.pk)
    assert receipt.state == "posted"
    assert ("100201", D("1000.00"), D("0.00")) in _voucher_rows(receipt.voucher)
    supplier = Supplier.objects.create(code="S-001", name="江苏树脂")
    payment = arap.supplier_payment_save(
        actor=cashier, supplier_id=supplier.pk, date=ON, amount=D("300.00"),
        bank_account_code="100201",
    )  # fmt: skip
    assert arap.supplier_payment_post(actor=cashier, payment_id=payment.pk).state == "posted"
    claim = svc.expense_claim_create(actor=setup["emp"], date=ON, purpose="x", lines=[_line()])
    claim = svc.expense_claim_submit(actor=setup["emp"], claim_id=claim.pk)
    with pytest.raises(PermissionDenied):
        svc.expense_claim_post(actor=cashier, claim_id=claim.pk, on_date=ON)
    cash, bank = Account.objects.get(code="1001"), Account.objects.get(code="100201")
    entered = voucher_save(actor=setup["acc"], date=ON, lines=rows("50.00", cash.pk, bank.pk))
    with pytest.raises(PermissionDenied):
        voucher_save(actor=cashier, date=ON, lines=rows("50.00", cash.pk, bank.pk))
    with pytest.raises(PermissionDenied):
        voucher_review(actor=cashier, voucher_id=entered.pk)
    entered.refresh_from_db()
    assert entered.state == "draft" and entered.reviewed_by_id is None


def test_demo_has_a_cashier_login():
    from erp.core.demo import DEMO_NAMES
    from erp.iam.services.roles import load_role_specs

    cashier = next(s for s in load_role_specs() if s.code == "cashier")
    assert cashier.name == "出纳" and DEMO_NAMES["cashier"] == "钱芳"


# --- 3. non-deductible categories and 无专票 ------------------------------------------------------


def test_entertainment_vat_stays_in_the_expense(setup):
    """业务招待费 ¥1,060.00 on a 6 % 专票: VAT 1060 × 0.06 / 1.06 = 60.00 is not deductible, so the
    claim carries no input VAT and posts Dr 660203 1,060.00 / Cr 2241 1,060.00 — no 22210101.
    With a travel line ¥1,090.00 at 9 % (VAT 90.00 deductible): Dr 660201 1,000.00, 22210101
    90.00; total 2,150.00."""
    assert not ExpenseCategory.objects.get(code="ENTERTAIN").input_vat_deductible
    claim = _posted(
        setup,
        _line("ENTERTAIN", "1060.00", tax_rate="0.06"),
        _line("TRAVEL", "1090.00", tax_rate="0.09"),
    )
    assert claim.tax_total == D("90.00") and claim.total == D("2150.00")
    entertain = claim.lines.get(category__code="ENTERTAIN")
    assert entertain.tax_amount == D("0.00") and entertain.invoice_type == "special"
    assert _voucher_rows(claim.voucher) == {
        ("660203", D("1060.00"), D("0.00")),
        ("660201", D("1000.00"), D("0.00")),
        ("22210101", D("90.00"), D("0.00")),
        ("2241", D("0.00"), D("2150.00")),
    }


def test_entered_vat_on_a_non_deductible_line_is_not_booked(setup):
    claim = _posted(setup, _line("ENTERTAIN", "1060.00", tax_rate="6", tax_amount="60.00"))
    assert claim.tax_total == D("0.00")
    assert "22210101" not in {code for code, _d, _c in _voucher_rows(claim.voucher)}


def test_builder_puts_non_deductible_vat_into_the_expense():
    """Even facts carrying VAT 60.00 on a non-deductible line post 1,060.00 to the expense."""
    facts = ClaimFacts(
        1, "BX1", ON, "答谢", 7, "王芳", 3, 1,
        (ClaimLineFacts("660203", "业务招待费", D("1060.00"), D("60.00"), 1, deductible=False),),
    )  # fmt: skip
    draft = claim_voucher_draft(facts, on_date=ON)
    assert [(x.account_code, x.debit, x.credit) for x in draft.lines] == [
        ("660203", D("1060.00"), D("0")),
        ("2241", D("0"), D("1060.00")),
    ]


def test_category_made_non_deductible_after_saving_posts_no_input_vat(setup):
    """办公费 ¥1,130.00 at 13 % saved with VAT 130.00; the category is then marked non-deductible:
    posting books Dr 660202 1,130.00 / Cr 2241 1,130.00."""
    claim = svc.expense_claim_create(
        actor=setup["emp"], date=ON, purpose="x", lines=[_line("OFFICE", "1130.00", tax_rate="13")]
    )
    ExpenseCategory.objects.filter(code="OFFICE").update(input_vat_deductible=False)
    claim = svc.expense_claim_submit(actor=setup["emp"], claim_id=claim.pk)
    claim = svc.expense_claim_post(actor=setup["acc"], claim_id=claim.pk, on_date=ON)
    assert _voucher_rows(claim.voucher) == {
        ("660202", D("1130.00"), D("0.00")),
        ("2241", D("0.00"), D("1130.00")),
    }


def test_category_setting_through_the_api_is_permission_checked(client, setup):
    """Finance turns 办公费 non-deductible; the employee may read the setting but not change it."""
    from erp.iam.services.tokens import api_token_create

    def bearer(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t')[1]}"}

    listing = client.get("/api/v1/expense-categories/", **bearer(setup["emp"])).json()["items"]
    assert {c["code"]: c["input_vat_deductible"] for c in listing}["ENTERTAIN"] is False
    office = next(c["id"] for c in listing if c["code"] == "OFFICE")
    url, body = f"/api/v1/expense-categories/{office}", '{"input_vat_deductible": false}'
    denied = client.patch(url, body, content_type="application/json", **bearer(setup["emp"]))
    assert denied.status_code == 403
    done = client.patch(url, body, content_type="application/json", **bearer(setup["fm"]))
    assert done.status_code == 200 and done.json()["input_vat_deductible"] is False
    assert not ExpenseCategory.objects.get(code="OFFICE").input_vat_deductible
    assert AuditEvent.objects.filter(object_type="accounting.expensecategory", action="update")


@pytest.mark.parametrize(
    "line",
    [
        {"tax_rate": "0", "tax_amount": "50.00"},  # "None (no 专票)" with VAT typed in
        {"invoice_type": "none", "tax_rate": "0.06"},
        {"invoice_type": "none", "tax_amount": "50.00"},
    ],
)
def test_no_special_invoice_cannot_carry_input_vat(setup, line):
    with pytest.raises(ValidationFailed) as err:
        svc.expense_claim_create(
            actor=setup["emp"], date=ON, purpose="x", lines=[_line("OFFICE", "1000.00", **line)]
        )
    assert "无专票" in str(err.value.message)
    assert not ExpenseClaim.objects.exists()


def test_no_special_invoice_line_has_no_vat(setup):
    claim = svc.expense_claim_create(
        actor=setup["emp"], date=ON, purpose="x", lines=[_line("OFFICE", "1000.00")]
    )
    line = claim.lines.get()
    assert (line.invoice_type, line.tax_amount, claim.tax_total) == ("none", D("0"), D("0"))


# --- 3b. an edited line recomputes its VAT -----------------------------------------------------


def _field_value(page: str, name: str) -> str:
    tag = re.search(rf'<[^>]*name="{re.escape(name)}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def test_editing_the_amount_on_the_page_recomputes_the_vat(client, setup):
    """差旅费 ¥6,200.00 on a 6 % 专票: VAT 6200 × 0.06 / 1.06 = 350.94. The employee corrects the
    amount to ¥62,000.00 in the edit form and saves it as shown: VAT 62000 × 0.06 / 1.06 =
    3,509.43 (not the old 350.94)."""
    line = _line("TRAVEL", "6200.00", tax_rate="0.06")
    claim = svc.expense_claim_create(actor=setup["emp"], date=ON, purpose="上海展会", lines=[line])
    assert claim.tax_total == D("350.94")
    client.force_login(setup["emp"])
    url = reverse("accounting:expenseclaim_edit", args=[claim.pk])
    page = client.get(url).content.decode()
    names = ["date", "purpose", "department", "note"]
    data = {n: _field_value(page, n) for n in names}
    data["department"] = str(setup["dept"].pk)
    fields = ["category", "amount", "tax_rate", "tax_amount", "attachments", "note"]
    data.update({f"lines-0-{n}": _field_value(page, f"lines-0-{n}") for n in fields})
    data["lines-0-category"] = str(ExpenseCategory.objects.get(code="TRAVEL").pk)
    data["lines-0-tax_rate"] = "0.06"
    data.update({"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "1"})
    data.update({"lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "200"})
    data["lines-0-amount"] = "62000.00"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim.refresh_from_db()
    assert claim.total == D("62000.00") and claim.tax_total == D("3509.43")
    assert claim.lines.get().tax_amount == D("3509.43")


def test_update_with_a_stale_vat_is_refused(setup):
    """An API client sending back the old VAT 350.94 with the new amount 62,000.00 is told it
    does not match (expected about 3,509.43) instead of the stale figure being kept."""
    claim = svc.expense_claim_create(
        actor=setup["emp"], date=ON, purpose="x", lines=[_line("TRAVEL", "6200.00", tax_rate="6")]
    )
    stale = _line("TRAVEL", "62000.00", tax_rate="0.06", tax_amount="350.94")
    with pytest.raises(ValidationFailed) as err:
        svc.expense_claim_update(
            actor=setup["emp"], claim_id=claim.pk, date=ON, purpose="x", lines=[stale]
        )
    assert "3,509.43" in str(err.value.message)
    claim.refresh_from_db()
    assert claim.total == D("6200.00") and claim.tax_total == D("350.94")
    fresh = _line("TRAVEL", "62000.00", tax_rate="0.06")
    claim = svc.expense_claim_update(
        actor=setup["emp"], claim_id=claim.pk, date=ON, purpose="x", lines=[fresh]
    )
    assert claim.tax_total == D("3509.43")


def test_vat_typed_from_the_invoice_within_rounding_is_kept(setup):
    """专票 net 100.00 + VAT 13.00 = 113.00; 113 × 0.13 / 1.13 = 13.00. A typed 12.99 (the
    invoice's own rounding) is kept; 14.00 is refused."""
    claim = svc.expense_claim_create(
        actor=setup["emp"], date=ON, purpose="x",
        lines=[_line("OFFICE", "113.00", tax_rate="0.13", tax_amount="12.99")],
    )  # fmt: skip
    assert claim.tax_total == D("12.99")
    with pytest.raises(ValidationFailed):
        svc.expense_claim_create(
            actor=setup["emp"], date=ON, purpose="x",
            lines=[_line("OFFICE", "113.00", tax_rate="0.13", tax_amount="14.00")],
        )  # fmt: skip


# --- 4. the declared state machine -------------------------------------------------------------


def _declared(before: str, after: str) -> bool:
    return any(
        before in t.sources and t.target == after for t in svc.CLAIM_STATES.transitions.values()
    )


def test_every_state_change_of_a_claim_is_a_declared_transition(setup):
    """A ¥8,000 claim goes to the finance manager: submit, withdraw, submit, return, submit,
    approve, edit (approved → submitted again), approve, post, pay. Every recorded state change
    is one of CLAIM_STATES' transitions."""
    p = setup
    claim = svc.expense_claim_create(
        actor=p["emp"], date=ON, purpose="北京展会", lines=[_line(amount="8000.00")]
    )

    def request():
        return ApprovalRequest.objects.filter(object_id=claim.pk).order_by("-pk").first()

    svc.expense_claim_submit(actor=p["emp"], claim_id=claim.pk)
    approval_withdraw(actor=p["emp"], request_id=request().pk)
    svc.expense_claim_submit(actor=p["emp"], claim_id=claim.pk)
    approval_decide(actor=p["fm"], request_id=request().pk, action="return", comment="缺发票")
    svc.expense_claim_submit(actor=p["emp"], claim_id=claim.pk)
    approval_decide(actor=p["fm"], request_id=request().pk, action="approve")
    claim.refresh_from_db()
    assert claim.state == "approved"
    svc.expense_claim_update(
        actor=p["emp"], claim_id=claim.pk, date=ON, purpose="北京展会", lines=[_line(amount="8100")]
    )
    claim.refresh_from_db()
    assert claim.state == "submitted"
    approval_decide(actor=p["fm"], request_id=request().pk, action="approve")
    svc.expense_claim_post(actor=p["acc"], claim_id=claim.pk, on_date=ON)
    svc.expense_claim_pay(
        actor=p["cashier"], claim_id=claim.pk, on_date=ON, payment_account_code="100201"
    )
    changes = [
        e.changes["state"]
        for e in AuditEvent.objects.filter(
            object_type="accounting.expenseclaim", object_id=str(claim.pk), action="transition"
        ).order_by("pk")
        if "state" in e.changes
    ]
    assert changes[-1] == ["posted", "paid"]
    assert ["submitted", "draft"] in changes and ["approved", "submitted"] in changes
    undeclared = [c for c in changes if not _declared(*c)]
    assert undeclared == []


def test_an_engine_transition_from_a_wrong_state_is_refused(setup):
    claim = _posted(setup, _line(amount="100.00"))
    with pytest.raises(InvalidTransition):
        svc._engine_transition(claim, "reopen")
    claim.refresh_from_db()
    assert claim.state == "posted"


def test_engine_transitions_are_no_buttons(client, setup):
    claim = svc.expense_claim_create(
        actor=setup["emp"], date=ON, purpose="x", lines=[_line(amount="8000.00")]
    )
    svc.expense_claim_submit(actor=setup["emp"], claim_id=claim.pk)
    client.force_login(setup["admin"])
    page = client.get(reverse("accounting:expenseclaim_detail", args=[claim.pk])).content.decode()
    for name in svc.ENGINE_TRANSITIONS:
        assert f'data-action="{name}"' not in page

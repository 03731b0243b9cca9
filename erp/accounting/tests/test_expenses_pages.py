"""Expense claim pages and API: create with lines, detail with approval history and vouchers,
actions, print, scoping of other people's claims."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.accounting.models import ExpenseCategory, ExpenseClaim
from erp.accounting.services import expenses as svc
from erp.accounting.tests.test_expenses import ON, claims_world
from erp.approvals.models import ApprovalRequest
from erp.approvals.services.requests import approval_decide


@pytest.fixture
def setup(books, make_user):
    return claims_world(make_user)


def _form(category_id, amount="8000.00", **extra):
    data = {
        "date": "2026-03-10",
        "purpose": "北京展会差旅",
        "department": "",
        "note": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-category": str(category_id),
        "lines-0-amount": amount,
        "lines-0-tax_rate": "0.06",
        "lines-0-tax_amount": "",
        "lines-0-attachments": "3",
        "lines-0-note": "机票",
    }
    data.update(extra)
    return data


def test_employee_files_and_submits_through_the_pages(client, setup):
    emp = setup["emp"]
    client.force_login(emp)
    assert client.get(reverse("accounting:expenseclaim_create")).status_code == 200
    row = client.get(reverse("accounting:expenseclaim_row"), {"index": 1})
    assert row.status_code == 200 and "lines-1-amount" in row.content.decode()
    travel = ExpenseCategory.objects.get(code="TRAVEL")
    response = client.post(
        reverse("accounting:expenseclaim_create"),
        _form(travel.pk, department=str(setup["dept"].pk)),
    )
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert claim.total == Decimal("8000.00") and claim.tax_total == Decimal("452.83")
    response = client.post(reverse("accounting:expenseclaim_action", args=[claim.pk, "submit"]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == "submitted"
    page = client.get(reverse("accounting:expenseclaim_detail", args=[claim.pk])).content.decode()
    assert claim.number in page and "¥8,000.00" in page
    assert 'data-action="submit"' in page  # approval history lists the submission
    assert 'data-action="post"' not in page  # no post button for the employee
    mine = client.get(reverse("accounting:my_expenseclaim_list")).content.decode()
    assert claim.number in mine
    assert client.get(reverse("accounting:expenseclaim_list")).status_code == 403


def test_bad_line_shows_the_form_again_with_the_message(client, setup):
    client.force_login(setup["emp"])
    travel = ExpenseCategory.objects.get(code="TRAVEL")
    response = client.post(
        reverse("accounting:expenseclaim_create"),
        _form(travel.pk, department=str(setup["dept"].pk), **{"lines-0-tax_amount": "9000"}),
    )
    assert response.status_code == 400
    assert "进项税额不能大于含税金额" in response.content.decode()
    assert not ExpenseClaim.objects.exists()


def test_other_employees_claim_is_not_found(client, setup):
    claim = svc.expense_claim_create(
        actor=setup["other"],
        date=ON,
        purpose="x",
        lines=[{"category_id": ExpenseCategory.objects.first().pk, "amount": "10"}],
    )
    client.force_login(setup["emp"])
    assert client.get(reverse("accounting:expenseclaim_detail", args=[claim.pk])).status_code == 404


def test_accountant_posts_and_detail_shows_the_voucher(client, setup):
    claim = svc.expense_claim_create(
        actor=setup["emp"],
        date=ON,
        purpose="x",
        lines=[{"category_id": ExpenseCategory.objects.first().pk, "amount": "8000"}],
    )
    claim = svc.expense_claim_submit(actor=setup["emp"], claim_id=claim.pk)
    request = ApprovalRequest.objects.get(object_id=claim.pk)
    approval_decide(actor=setup["fm"], request_id=request.pk, action="approve")
    client.force_login(setup["acc"])
    response = client.post(reverse("accounting:expenseclaim_action", args=[claim.pk, "post"]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == "posted"
    page = client.get(reverse("accounting:expenseclaim_detail", args=[claim.pk])).content.decode()
    assert claim.voucher.number in page
    assert reverse("accounting:voucher_detail", args=[claim.voucher.pk]) in page
    printed = client.get(reverse("accounting:expenseclaim_print", args=[claim.pk]))
    assert printed.status_code == 200


def test_api_create_submit_post_pay(client, setup):
    from erp.iam.services.tokens import api_token_create

    def bearer(user):
        return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t')[1]}"}

    body = {
        "date": "2026-03-10",
        "purpose": "客户招待",
        "lines": [{"category_code": "ENTERTAIN", "amount": "1200.00", "attachments": 1}],
    }
    emp = bearer(setup["emp"])
    url = "/api/v1/expense-claims/"
    response = client.post(url, json.dumps(body), content_type="application/json", **emp)
    assert response.status_code == 201, response.content
    claim_id = response.json()["id"]
    sneaky = {**body, "state": "posted"}
    response = client.post(url, json.dumps(sneaky), content_type="application/json", **emp)
    assert response.status_code in (400, 422)
    response = client.post(f"{url}{claim_id}/submit", **emp)
    assert response.json()["state"] == "approved"
    response = client.post(f"{url}{claim_id}/post", "{}", content_type="application/json", **emp)
    assert response.status_code == 403
    acc = bearer(setup["acc"])
    data = json.dumps({"date": "2026-03-11"})
    response = client.post(f"{url}{claim_id}/post", data, content_type="application/json", **acc)
    assert response.status_code == 200 and response.json()["voucher"].startswith("2026-03 记-")
    fm = bearer(setup["fm"])
    data = json.dumps({"date": "2026-03-11", "payment_account": "1002"})
    response = client.post(f"{url}{claim_id}/pay", data, content_type="application/json", **fm)
    assert response.json()["state"] == "paid"
    listing = client.get(url, **bearer(setup["other"])).json()
    assert listing["count"] == 0
    assert client.get(f"{url}{claim_id}", **bearer(setup["other"])).status_code == 404
    assert dt.date.fromisoformat(client.get(f"{url}{claim_id}", **emp).json()["date"]) == ON


def test_demo_claims_in_every_state(books, make_user):
    from erp.accounting.demo_expenses import load_demo

    admin = make_user("admin", "admin")
    make_user("sales", "sales", full_name="张敏")
    make_user("accountant", "accountant")
    make_user("finance_manager", "finance_manager")
    make_user("cashier", "cashier", full_name="钱芳")
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    load_demo(actor=admin)
    states = dict(ExpenseClaim.objects.values_list("purpose", "state"))
    assert states == {
        "杭州客户拜访差旅": "paid",
        "上海展会差旅及布展": "submitted",
        "华南区年度客户答谢会": "submitted",
    }
    big = ExpenseClaim.objects.get(total=Decimal("25000.00"))
    steps = ApprovalRequest.objects.get(object_id=big.pk).steps.order_by("seq")
    assert [s.role_code for s in steps] == ["finance_manager", "general_manager"]

"""Finance set-up without the demo loader or the shell (issue #12): expense categories and
posting rules created and changed in the browser and the API, audited, guarded; the periods
page opens the next month."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.models import ExpenseCategory, Period, PostingRule
from erp.accounting.services.expense_categories import (
    expense_category_create,
    expense_category_edit,
)
from erp.accounting.services.periods import period_open_next
from erp.accounting.services.posting_rules import (
    posting_rule_create,
    posting_rule_delete,
    posting_rule_update,
)
from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def plant(db):
    from erp.masterdata.models import MaterialCategory, Warehouse

    MaterialCategory.objects.create(code="RM", name="原材料")
    Warehouse.objects.create(code="WH1", name="原料仓")


def _auth(user):
    from erp.iam.services.tokens import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t')[1]}"}


# --- expense categories -----------------------------------------------------------------------


def test_expense_category_created_and_edited_with_audit(books, manager):
    category = expense_category_create(
        actor=manager, code="travel", name="差旅费", account_code="6602"
    )
    assert (category.code, category.account.code, category.input_vat_deductible) == (
        "TRAVEL",
        "6602",
        True,
    )
    expense_category_edit(
        actor=manager,
        category_id=category.pk,
        name="业务招待费",
        account_code="6601",
        input_vat_deductible=False,
        active=True,
    )
    category.refresh_from_db()
    assert (category.name, category.account.code, category.input_vat_deductible) == (
        "业务招待费",
        "6601",
        False,
    )
    change = AuditEvent.objects.filter(object_type="accounting.expensecategory", action="update")
    assert change.get().changes["account"] == ["6602", "6601"]


def test_expense_category_refuses_a_non_expense_account_and_a_duplicate(books, manager):
    with pytest.raises(ValidationFailed) as caught:
        expense_category_create(actor=manager, code="X", name="错", account_code="1002")
    assert "account" in caught.value.details["fields"]
    expense_category_create(actor=manager, code="OFFICE", name="办公费", account_code="6602")
    with pytest.raises(ValidationFailed):
        expense_category_create(actor=manager, code="office", name="办公费", account_code="6602")
    assert ExpenseCategory.objects.count() == 1


def test_warehouse_cannot_create_expense_categories(books, make_user):
    with pytest.raises(PermissionDenied):
        expense_category_create(
            actor=make_user("cangku", "warehouse"), code="X", name="X", account_code="6602"
        )


def test_expense_category_pages_and_api(client, books, manager):
    client.force_login(manager)
    response = client.post(
        "/accounting/expense-categories/new/",
        {
            "code": "TRAVEL",
            "name": "差旅费",
            "account": "6602",
            "input_vat_deductible": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    page = client.get("/accounting/expense-categories/").content.decode()
    assert "差旅费" in page and "6602" in page
    category = ExpenseCategory.objects.get()
    response = client.post(
        f"/accounting/expense-categories/{category.pk}/",
        {"name": "差旅费", "account": "1002", "active": "on"},
    )
    assert response.status_code == 200  # the form again, with the account's error
    assert ExpenseCategory.objects.get().account.code == "6602"

    auth = _auth(manager)
    created = client.post(
        "/api/v1/expense-categories/",
        {
            "code": "ENTERTAIN",
            "name": "业务招待费",
            "account": "6601",
            "input_vat_deductible": False,
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    changed = client.put(
        f"/api/v1/expense-categories/{created.json()['id']}",
        {"name": "业务招待费", "account": "6602", "input_vat_deductible": False, "active": False},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["account"] == "6602"
    assert not ExpenseCategory.objects.get(code="ENTERTAIN").active


# --- posting rules ----------------------------------------------------------------------------


def test_posting_rule_override_created_changed_and_deleted_with_audit(books, manager, plant):
    rule = posting_rule_create(
        actor=manager,
        event="stock_receipt",
        category_code="RM",
        debit_account="1403",
        credit_account="2241",
    )
    posting_rule_update(actor=manager, rule_id=rule.pk, debit_account="1403", credit_account="1901")
    events = AuditEvent.objects.filter(object_type="accounting.postingrule")
    assert events.get(action="update").changes == {"credit_account": ["2241", "1901"]}
    posting_rule_delete(actor=manager, rule_id=rule.pk)
    assert not PostingRule.objects.filter(pk=rule.pk).exists()
    assert events.filter(action="delete").count() == 1


def test_posting_rule_refuses_bad_input(books, manager, plant):
    default = PostingRule.objects.get(event="stock_receipt", category_code="", warehouse_code="")
    with pytest.raises(BusinessRuleError):
        posting_rule_delete(actor=manager, rule_id=default.pk)
    with pytest.raises(ValidationFailed):  # one rule per event and scope
        posting_rule_create(
            actor=manager, event="stock_receipt", debit_account="1403", credit_account="1901"
        )
    with pytest.raises(ValidationFailed):  # unknown category
        posting_rule_create(
            actor=manager,
            event="stock_issue",
            category_code="NOPE",
            debit_account="500101",
            credit_account="1403",
        )
    with pytest.raises(ValidationFailed):  # a parent account takes no postings
        posting_rule_update(
            actor=manager, rule_id=default.pk, debit_account="1403", credit_account="2202"
        )


def test_moving_stock_held_on_an_account_to_another_is_refused(books, manager, make_user):
    """10 kg at ¥5.00 = ¥50.00 received into WH1 sits on 1403 (stock_receipt default). A rule
    holding category RM on 1405 would leave the ¥50.00 behind on 1403: refused. Changing only
    the offset (credit) side is fine."""
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.inventory.services import ReceiptLine, StockSource, stock_receive
    from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    category = MaterialCategory.objects.create(code="RM", name="原材料")
    location = Location.objects.create(
        warehouse=Warehouse.objects.create(code="WH1", name="原料仓"), code="A-01", name="A-01"
    )
    material = Material.objects.create(
        code="RM-1",
        name="树脂",
        category=category,
        inventory_type="raw",
        procurement="buy",
        base_unit=kg,
    )
    stock_receive(
        actor=make_user("cangku", "warehouse"),
        lines=[ReceiptLine(material.pk, location.pk, Decimal("10"), Decimal("5"))],
        posting_date=dt.date.today(),
        source=StockSource("test.receipt", 1, "T-1"),
        reason="test",
    )
    with pytest.raises(BusinessRuleError) as caught:
        posting_rule_create(
            actor=manager,
            event="stock_receipt",
            category_code="RM",
            debit_account="1405",
            credit_account="1901",
        )
    assert caught.value.code == "posting_rule_moves_stock"
    assert "1403" in str(caught.value.message) and "¥50.00" in str(caught.value.message)
    default = PostingRule.objects.get(event="stock_receipt", category_code="", warehouse_code="")
    posting_rule_update(
        actor=manager, rule_id=default.pk, debit_account="1403", credit_account="2241"
    )


def test_posting_rule_pages_with_preview_and_api(client, books, manager, plant):
    client.force_login(manager)
    form = client.get("/accounting/posting-rules/new/?event=stock_receipt").content.decode()
    assert "stock_receipt" in form
    preview = client.get(
        "/accounting/posting-rules/new/?preview=1&debit_account=1403&credit_account=2241",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "1403" in preview and "2241" in preview and "1000.00" in preview
    response = client.post(
        "/accounting/posting-rules/new/",
        {
            "event": "stock_receipt",
            "category_code": "RM",
            "warehouse_code": "",
            "debit_account": "1403",
            "credit_account": "2241",
        },
    )
    assert response.status_code == 302
    rule = PostingRule.objects.get(category_code="RM")
    page = client.get("/accounting/posting-rules/").content.decode()
    assert f"/accounting/posting-rules/{rule.pk}/" in page

    auth = _auth(manager)
    listed = client.get("/api/v1/posting-rules/?event=stock_receipt", **auth).json()
    assert {r["category_code"] for r in listed} == {"", "RM"}
    mine = next(r for r in listed if r["category_code"] == "RM")
    assert mine["preview"][1]["account"] == "2241"
    changed = client.put(
        f"/api/v1/posting-rules/{rule.pk}",
        {"debit_account": "1403", "credit_account": "1901"},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["credit_account"] == "1901"
    assert client.delete(f"/api/v1/posting-rules/{rule.pk}", **auth).status_code == 204


def test_warehouse_user_cannot_change_posting_rules(client, books, make_user):
    keeper = make_user("cangku", "warehouse")
    rule = PostingRule.objects.get(event="stock_receipt", category_code="", warehouse_code="")
    with pytest.raises(PermissionDenied):
        posting_rule_update(
            actor=keeper, rule_id=rule.pk, debit_account="1405", credit_account="1901"
        )
    client.force_login(keeper)
    assert client.get(f"/accounting/posting-rules/{rule.pk}/").status_code == 403


# --- periods ----------------------------------------------------------------------------------


def test_open_next_period_after_the_latest(books, manager, client):
    latest = Period.objects.order_by("-year", "-month").first()
    assert latest.month == 12
    period = period_open_next(actor=manager)
    assert (period.year, period.month) == (latest.year + 1, 1)
    assert period.end == dt.date(latest.year + 1, 1, 31)
    client.force_login(manager)
    page = client.get("/accounting/periods/").content.decode()
    assert f"{latest.year + 1}-02" in page
    client.post("/accounting/periods/", {"next": "month"})
    assert Period.objects.filter(year=latest.year + 1, month=2).exists()
    assert AuditEvent.objects.filter(note="period_open_next").count() == 2

"""AR/AP pages and API: receipt entry with allocation, post, aging drill-down, statement
xlsx/PDF, tie-out with registration of manual voucher lines, integrity check, permissions."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.models import CustomerReceipt, OpenItem
from erp.accounting.services import arap as svc

pytestmark = pytest.mark.django_db
D = Decimal
GO_LIVE = dt.date(2026, 2, 1)


@pytest.fixture
def customer(books):
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.masterdata.models import Customer

    numbering_rules_ensure_defaults()
    customer = Customer.objects.create(code="C-001", name="华东化工")
    svc.opening_arap_post(
        actor=books,
        kind="receivable",
        go_live=GO_LIVE,
        items=[
            svc.OpeningItem(customer.pk, "INV-1", dt.date(2025, 11, 5), D("1000.00")),
            svc.OpeningItem(customer.pk, "INV-2", dt.date(2026, 1, 10), D("500.00")),
        ],
    )
    return customer


def test_receipt_entry_allocate_and_post_in_the_browser_flow(client, customer, accountant):
    client.force_login(accountant)
    page = client.get(f"/accounting/arap/receipts/new/?partner={customer.pk}")
    assert page.status_code == 200 and "INV-1" in page.content.decode()
    item = OpenItem.objects.get(source_number="INV-2")
    response = client.post(
        "/accounting/arap/receipts/new/",
        {"partner": customer.pk, "date": "2026-02-10", "amount": "800.00", "bank": "1002",
         f"alloc_{item.pk}": "500.00"},
    )  # fmt: skip
    receipt = CustomerReceipt.objects.get()
    assert response.status_code == 302 and receipt.lines.get().amount == D("500.00")
    client.post(f"/accounting/arap/receipts/{receipt.pk}/post/")
    receipt.refresh_from_db()
    assert receipt.state == "posted" and receipt.voucher is not None
    body = client.get(f"/accounting/arap/receipts/{receipt.pk}/").content.decode()
    assert receipt.number in body
    assert "-¥300.00" in body  # the advance
    too_much = client.post(
        "/accounting/arap/receipts/new/",
        {"partner": customer.pk, "date": "2026-02-10", "amount": "5000", "bank": "1002",
         f"alloc_{item.pk}": "1.00"},
    )  # fmt: skip
    assert too_much.status_code == 400 and "¥0.00" in too_much.content.decode()
    assert client.get("/accounting/arap/receipts/").status_code == 200
    assert client.get("/accounting/arap/open-items/").status_code == 200
    pdf = client.get(f"/accounting/arap/receipts/{receipt.pk}/print/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_aging_statement_and_exports(client, customer, accountant):
    client.force_login(accountant)
    page = client.get(f"/accounting/arap/aging/?as_of=2026-02-28&partner={customer.pk}")
    body = page.content.decode()
    assert page.status_code == 200 and "¥1,500.00" in body and "INV-2" in body
    xlsx = client.get("/accounting/arap/aging/?as_of=2026-02-28&export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    url = f"/accounting/arap/statement/?partner={customer.pk}&from=2026-01-01&to=2026-02-28"
    body = client.get(url).content.decode()
    assert "¥1,000.00" in body and "¥1,500.00" in body  # opening, closing
    assert client.get(url + "&export=xlsx").content[:2] == b"PK"
    pdf = client.get(url + "&export=pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_tie_out_registers_manual_lines(client, customer, accountant, books):
    from erp.accounting.builders.drafts import DraftLine, VoucherDraft
    from erp.accounting.integrity import arap_equals_control
    from erp.accounting.services.gate import voucher_post

    assert arap_equals_control() == []
    voucher_post(
        actor=books,
        draft=VoucherDraft(
            date=dt.date(2026, 2, 3),
            lines=(
                DraftLine("补记应收", "1122", debit=D("70.00"), customer_id=customer.pk),
                DraftLine("补记应收", "6051", credit=D("70.00")),
            ),
        ),
    )
    assert len(arap_equals_control()) == 1
    client.force_login(accountant)
    body = client.get("/accounting/arap/tie-out/?as_of=2026-02-28").content.decode()
    assert "¥70.00" in body and "arap/register-vouchers" in body
    client.post("/accounting/arap/register-vouchers/")
    assert arap_equals_control() == []
    assert OpenItem.objects.filter(source_type="accounting.voucherline").count() == 1


def test_salesperson_sees_no_ar_pages_and_cannot_post_by_api(client, customer, make_user):
    seller = make_user("xiaoshou", "sales")
    client.force_login(seller)
    assert client.get("/accounting/arap/aging/").status_code == 403
    assert client.get("/accounting/arap/receipts/new/").status_code == 403
    answer = client.post(
        "/api/v1/customer-receipts/",
        {"partner_code": "C-001", "date": "2026-02-10", "amount": "1.00"},
        content_type="application/json",
    )
    assert answer.status_code == 403


def test_api_receipt_create_and_post(client, customer, accountant):
    client.force_login(accountant)
    created = client.post(
        "/api/v1/customer-receipts/",
        {"partner_code": "C-001", "date": "2026-02-10", "amount": "1200.00"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    doc_id = created.json()["id"]
    posted = client.post(f"/api/v1/customer-receipts/{doc_id}/post")
    data = posted.json()
    assert posted.status_code == 200 and data["state"] == "posted"
    assert [a["amount"] for a in data["allocations"]] == ["1000.00", "200.00"]
    assert client.post(f"/api/v1/customer-receipts/{doc_id}/post").status_code == 409
    aging = client.get("/api/v1/aging/receivable?as_of=2026-02-28").json()
    assert aging[0]["total"] == "300.00"
    extra = client.post(
        "/api/v1/customer-receipts/",
        {"partner_code": "C-001", "date": "2026-02-10", "amount": "1", "state": "posted"},
        content_type="application/json",
    )
    assert extra.status_code in (400, 422)

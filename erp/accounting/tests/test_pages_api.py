import datetime as dt
import json
from decimal import Decimal

import pytest

from erp.accounting.models import Account, Voucher
from erp.accounting.services.gate import voucher_post

from .conftest import draft

pytestmark = pytest.mark.django_db


def _entry_post(client, cash, bank, debit="300.00", credit="300.00"):
    empty = {f"{n}_id": ["", ""] for n in Account.AUX_FIELDS}
    return client.post(
        "/accounting/vouchers/new/",
        {
            "word": "付",
            "date": "2026-01-09",
            "attachments": "2",
            "note": "",
            "summary": ["付办公费", "付办公费"],
            "account_id": [str(cash.pk), str(bank.pk)],
            "debit": [debit, ""],
            "credit": ["", credit],
            **empty,
        },
    )


def test_enter_review_post_in_browser(client, books, accountant, reviewer):
    cash, bank = Account.objects.get(code="6602"), Account.objects.get(code="1002")
    Account.objects.filter(pk=cash.pk).update(aux_department=False)
    client.force_login(accountant)
    assert client.get("/accounting/vouchers/new/").status_code == 200
    response = _entry_post(client, cash, bank, credit="299.99")
    assert response.status_code == 400 and not Voucher.objects.exists()
    response = _entry_post(client, cash, bank)
    voucher = Voucher.objects.get()
    assert response.status_code == 302 and voucher.state == "draft" and voucher.attachments == 2
    client.force_login(reviewer)
    client.post(f"/accounting/vouchers/{voucher.pk}/review/")
    client.force_login(accountant)
    client.post(f"/accounting/vouchers/{voucher.pk}/post/")
    voucher.refresh_from_db()
    assert voucher.state == "posted" and voucher.number == "2026-01 付-0001"
    page = client.get(f"/accounting/vouchers/{voucher.pk}/")
    assert "叁佰元整" in page.content.decode()
    pdf = client.get(f"/accounting/vouchers/{voucher.pk}/print/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_reports_render_and_export(client, books, accountant):
    voucher_post(actor=books, draft=draft("1234.50"))
    client.force_login(accountant)
    for url in (
        "/accounting/trial-balance/",
        "/accounting/general-ledger/?account=1002&year=2026",
        "/accounting/detail-ledger/?account=1002&from=2026-01-01&to=2026-01-31",
        "/accounting/periods/",
        "/accounting/vouchers/",
        "/accounting/accounts/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    tb = client.get("/accounting/trial-balance/").content.decode()
    assert "¥1,234.50" in tb
    xlsx = client.get("/accounting/trial-balance/?export=xlsx")
    assert xlsx.content.startswith(b"PK")


def test_pages_deny_without_role(client, books, make_user):
    client.force_login(make_user("clerk", "sales"))
    assert client.get("/accounting/trial-balance/").status_code == 403
    assert client.get("/accounting/vouchers/new/").status_code == 403


def test_api_refuses_unbalanced_and_mass_assignment(client, books, accountant, reviewer):
    client.force_login(accountant)
    body = {
        "date": "2026-01-10",
        "lines": [
            {"summary": "a", "account_code": "1001", "debit": "10.00"},
            {"summary": "a", "account_code": "1002", "credit": "9.00"},
        ],
    }
    response = client.post("/api/v1/vouchers/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "voucher_unbalanced"
    body["lines"][1]["credit"] = "10.00"
    sneaky = {**body, "state": "posted"}
    response = client.post("/api/v1/vouchers/", json.dumps(sneaky), content_type="application/json")
    assert response.status_code == 400 and not Voucher.objects.exists()
    response = client.post("/api/v1/vouchers/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    vid = response.json()["id"]
    assert client.post(f"/api/v1/vouchers/{vid}/review").status_code == 400  # own voucher
    client.force_login(reviewer)
    assert client.post(f"/api/v1/vouchers/{vid}/review").status_code == 200
    posted = client.post(f"/api/v1/vouchers/{vid}/post")
    assert posted.status_code == 200 and posted.json()["state"] == "posted"
    assert client.delete(f"/api/v1/vouchers/{vid}").status_code in (400, 403)
    tb = client.get("/api/v1/trial-balance/2026/1").json()
    assert tb["balanced"] and Decimal(tb["rows"][0]["debit"]) >= 0


def test_period_require_open_for_other_modules(books):
    from erp.accounting.errors import PeriodClosed
    from erp.accounting.models import Period
    from erp.accounting.services.periods import period_require_open

    assert period_require_open(dt.date(2026, 5, 5), lock=False).month == 5
    Period.objects.filter(year=2026, month=5).update(state="closed")
    with pytest.raises(PeriodClosed):
        period_require_open(dt.date(2026, 5, 5), lock=False)


def test_demo_books(admin_user, make_user):
    from erp.accounting.demo import load_demo
    from erp.accounting.integrity import period_balances, vouchers_balanced
    from erp.accounting.models import Period
    from erp.accounting.selectors import trial_balance

    make_user("accountant", "accountant")
    make_user("finance_manager", "finance_manager")
    load_demo(actor=admin_user)
    assert Period.objects.get(year=2026, month=10).state == "closed"
    assert Period.objects.get(year=2026, month=11).state == "open"
    assert Voucher.objects.filter(state="reviewed", date__month=11).count() == 1
    assert trial_balance(Period.objects.get(year=2026, month=11)).balanced
    assert vouchers_balanced() == [] and period_balances() == []

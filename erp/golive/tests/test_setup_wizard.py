"""The first-run wizard: an empty database becomes a company with chart, posting rules,
periods, go-live date and administrator — and nobody can reach the wizard afterwards, nor from
another address without the one-time token."""

import datetime as dt

import pytest
from django.urls import reverse

from erp.accounting.models import Account, Period, PostingRule
from erp.core.models import Company
from erp.golive.models import CutOver
from erp.golive.services.setup import (
    SetupData,
    SetupDone,
    SetupForbidden,
    setup_complete,
    setup_token_issue,
)
from erp.iam.models import User

pytestmark = pytest.mark.django_db
LOCAL = {"REMOTE_ADDR": "127.0.0.1"}
REMOTE = {"REMOTE_ADDR": "10.1.2.3"}
URL = "/golive/setup/"


def _data(**over) -> SetupData:
    values = {
        "company_name": "苏州新材料有限公司",
        "uscc": "",
        "address": "苏州",
        "phone": "",
        "standard": "enterprise",
        "first_period": dt.date(2026, 10, 1),
        "admin_username": "boss",
        "admin_full_name": "王总",
        "admin_password": "Go-Live-2026!x",
    }
    values.update(over)
    return SetupData(**values)


def _post(client, **over):
    data = {
        "company_name": "苏州新材料有限公司",
        "standard": "small",
        "first_period": "2027-01",
        "admin_username": "boss",
        "admin_full_name": "王总",
        "admin_password": "Go-Live-2026!x",
        "admin_password2": "Go-Live-2026!x",
    }
    data.update(over)
    return client.post(URL, data, REMOTE_ADDR=over.pop("REMOTE_ADDR", "127.0.0.1"))


def test_setup_creates_company_chart_rules_periods_go_live_and_admin():
    admin = setup_complete(meta=LOCAL, token="", data=_data())
    assert admin.has_perm("accounting.add_voucher")
    assert not admin.is_superuser and not admin.must_change_password
    assert Company.objects.get().name == "苏州新材料有限公司"
    # 企业会计准则: 1122 by customer, 6602 by department; the opening_stock rule exists.
    assert Account.objects.get(code="1122").aux_customer
    assert Account.objects.get(code="6602").aux_department
    assert PostingRule.objects.filter(event="opening_stock").exists()
    assert Period.objects.filter(year=2026).count() == 12
    assert CutOver.objects.get().go_live_date == dt.date(2026, 10, 1)


def test_january_go_live_opens_the_december_before_for_the_opening_balances():
    setup_complete(meta=LOCAL, token="", data=_data(first_period=dt.date(2027, 1, 1)))
    assert Period.objects.filter(year=2026, month=12).exists()
    assert Period.objects.filter(year=2027).count() == 12


def test_wizard_cannot_run_twice_once_a_user_exists():
    setup_complete(meta=LOCAL, token="", data=_data())
    with pytest.raises(SetupDone):
        setup_complete(meta=LOCAL, token="", data=_data(admin_username="intruder"))
    assert list(User.objects.values_list("username", flat=True)) == ["boss"]


def test_wizard_refused_from_another_address_without_token_and_writes_nothing():
    with pytest.raises(SetupForbidden):
        setup_complete(meta=REMOTE, token="", data=_data())
    with pytest.raises(SetupForbidden):
        setup_complete(meta=REMOTE, token="guessed", data=_data())
    # A loopback peer behind a proxy is someone else's request.
    with pytest.raises(SetupForbidden):
        setup_complete(
            meta={"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9"},
            token="",
            data=_data(),
        )
    assert not User.objects.exists() and not Account.objects.exists()


def test_the_printed_token_opens_it_from_another_address_once():
    token = setup_token_issue()
    setup_complete(meta=REMOTE, token=token, data=_data())
    assert User.objects.filter(username="boss").exists()
    assert setup_token_issue() == ""  # no token once a user exists


def test_a_new_token_replaces_the_old_one():
    old = setup_token_issue()
    new = setup_token_issue()
    with pytest.raises(SetupForbidden):
        setup_complete(meta=REMOTE, token=old, data=_data())
    setup_complete(meta=REMOTE, token=new, data=_data())


def test_weak_password_refused_and_nothing_written():
    from erp.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        setup_complete(meta=LOCAL, token="", data=_data(admin_password="123"))
    assert not User.objects.exists() and not Company.objects.exists()


def test_empty_database_login_page_leads_to_the_wizard(client):
    response = client.get(reverse("iam:login"))
    assert response.status_code == 302 and response["Location"] == URL


def test_wizard_page_sets_up_and_logs_the_admin_in(client):
    assert client.get(URL).status_code == 200
    response = _post(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("golive:cockpit")
    # 小企业会计准则: 本年利润 3103.
    assert Account.objects.filter(code="3103").exists()
    assert client.get(reverse("golive:cockpit")).status_code == 200
    # Afterwards the wizard sends everyone to the login page.
    client.logout()
    assert client.get(URL)["Location"] == reverse("iam:login")


def test_wizard_page_forbidden_from_another_address(client):
    response = client.get(URL, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 403
    assert "erp setup --no-demo" in response.content.decode()
    response = client.post(
        URL, {"company_name": "X", "admin_username": "x"}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 403 and not User.objects.exists()


def test_posting_rules_page_previews_the_voucher(client):
    """The page the "no posting rule" message names: after set-up (企业会计准则) the
    opening_stock rule previews Dr 1403 原材料 1000.00 / Cr 410415 未分配利润 1000.00."""
    admin = setup_complete(meta=LOCAL, token="", data=_data())
    client.force_login(admin)
    page = client.get("/accounting/posting-rules/?event=opening_stock").content.decode()
    assert "过账规则" in page
    assert "1403 原材料" in page and "410415 未分配利润" in page and "1000.00" in page
    assert 'data-rule="stock_issue"' not in page  # filtered to one event

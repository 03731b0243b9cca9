"""Issue #13 point 8 — the rest of "everything the UI does" over the API, against the demo:
the go-live cockpit (checklist, go-live date, cut-over lock and its two-person unlock, marks),
the month-end close (checklist, carry-forward, the close as a job) and registering AR/AP open
items from manual vouchers. Each group: success, permission refused (403), bad input (400) and
a state conflict (409), in the JSON error format, with nothing written on a refusal. The
set-up wizard needs an empty database: erp/golive/tests/test_api_setup.py."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

import config.urls  # noqa: F401  (mounts the app routers on the API)
from erp.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    from erp.iam.services.tokens import api_token_create

    _token, secret = api_token_create(actor=user, name="integrator")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def finance(demo_user):
    return _client(demo_user("finance_manager"))


def _json(client, method, url, body=None):
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, url, data, content_type="application/json")


def _error(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.content[:400])
    body = response.json()
    assert {"code", "message", "details"} <= set(body) and body["message"], body
    if code:
        assert body["code"] == code, body
    return body


def _locked():
    from erp.golive.models import CutOver
    from erp.golive.services.cutover import cutover_get

    cutover_get()
    CutOver.objects.filter(pk=1).update(state="locked", go_live_date=dt.date(2026, 10, 1))


# --- go-live cockpit -----------------------------------------------------------------------


def test_cockpit_reads_the_phases_the_cut_over_and_the_tie_out(finance):
    response = finance.get("/api/v1/go-live/cockpit")
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["phases"]) == 4
    codes = {item["code"] for phase in body["phases"] for item in phase["items"]}
    assert {"company", "chart", "periods", "uat", "numbering"} <= codes
    chart = next(i for p in body["phases"] for i in p["items"] if i["code"] == "chart")
    assert chart["done"] is True and chart["url"] == "/accounting/accounts/"
    assert body["can_lock"] is True and body["can_mark"] is True
    assert body["can_approve_unlock"] is False  # the general manager approves unlocks
    assert body["cutover"]["state"] in ("open", "locked")
    if body["cutover"]["go_live_date"]:
        checks = {c["code"] for c in body["tie_out"]["checks"]}
        assert checks == {"balanced", "stock", "arap", "reviewed"}


def test_go_live_date_is_set_and_a_mid_month_or_malformed_date_refused(finance):
    from erp.golive.models import CutOver

    CutOver.objects.update_or_create(pk=1, defaults={"state": "open"})
    response = _json(finance, "PUT", "/api/v1/go-live/date", {"go_live_date": "2026-10-01"})
    assert response.status_code == 200, response.content
    assert response.json()["go_live_date"] == "2026-10-01"
    before = AuditEvent.objects.count()
    for bad in ("2026-10-15", "abcd-xx", None):
        response = _json(finance, "PUT", "/api/v1/go-live/date", {"go_live_date": bad})
        _error(response, 400, "validation_failed")
    assert AuditEvent.objects.count() == before
    assert CutOver.objects.get(pk=1).go_live_date == dt.date(2026, 10, 1)


def test_cockpit_writes_need_their_permissions(demo_user):
    _error(_client(demo_user("warehouse")).get("/api/v1/go-live/cockpit"), 403)
    accountant = _client(demo_user("accountant"))  # sees the cockpit, may not lock or mark
    finance = _client(demo_user("finance_manager"))
    assert accountant.get("/api/v1/go-live/cockpit").status_code == 200
    before = AuditEvent.objects.count()
    body = {"go_live_date": "2026-11-01"}
    _error(_json(accountant, "PUT", "/api/v1/go-live/date", body), 403, "permission_denied")
    _error(accountant.post("/api/v1/go-live/lock"), 403, "permission_denied")
    _error(_json(accountant, "POST", "/api/v1/go-live/checklist/uat/mark", {}), 403)
    _error(finance.post("/api/v1/go-live/unlock-approve"), 403)  # approving is not theirs
    assert AuditEvent.objects.count() == before


def test_locked_cut_over_unlocks_with_two_people_and_refuses_a_new_date(finance, demo_user):
    from erp.golive.models import CutOver

    _locked()
    _error(_json(finance, "PUT", "/api/v1/go-live/date", {"go_live_date": "2026-11-01"}), 409)
    _error(finance.post("/api/v1/go-live/lock"), 409, "golive_already_locked")
    manager = _client(demo_user("general_manager"))
    _error(manager.post("/api/v1/go-live/unlock-approve"), 409, "golive_unlock_not_requested")
    _error(_json(finance, "POST", "/api/v1/go-live/unlock-request", {"reason": "  "}), 400)
    response = _json(finance, "POST", "/api/v1/go-live/unlock-request", {"reason": "期初库存漏导"})
    assert response.status_code == 200, response.content
    assert response.json()["unlock_requested_by"] == demo_user("finance_manager").username
    assert response.json()["state"] == "locked"
    response = manager.post("/api/v1/go-live/unlock-approve")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "open" and response.json()["unlock_reason"] == ""
    assert CutOver.objects.get(pk=1).state == "open"
    _error(_json(finance, "POST", "/api/v1/go-live/unlock-request", {"reason": "x"}), 409)
    event = AuditEvent.objects.filter(object_type="golive.cutover").order_by("-pk").first()
    assert "期初库存漏导" in event.note


def test_lock_needs_the_date_and_a_green_tie_out(finance):
    from erp.golive.models import CutOver

    CutOver.objects.update_or_create(pk=1, defaults={"state": "open", "go_live_date": None})
    _error(finance.post("/api/v1/go-live/lock"), 400, "golive_date_missing")
    assert CutOver.objects.get(pk=1).state == "open"


def test_checklist_item_is_marked_and_an_unknown_item_refused(finance):
    response = _json(finance, "POST", "/api/v1/go-live/checklist/uat/mark", {"note": "UAT 11-20"})
    assert response.status_code == 200, response.content
    assert response.json()["code"] == "uat" and response.json()["note"] == "UAT 11-20"
    cockpit = finance.get("/api/v1/go-live/cockpit").json()
    uat = next(i for p in cockpit["phases"] for i in p["items"] if i["code"] == "uat")
    assert uat["done"] is True and uat["mark"] is True
    before = AuditEvent.objects.count()
    _error(_json(finance, "POST", "/api/v1/go-live/checklist/nope/mark", {}), 400)
    _error(_json(finance, "POST", "/api/v1/go-live/checklist/uat/mark", {"note": 7}), 400)
    assert AuditEvent.objects.count() == before


# --- month-end -----------------------------------------------------------------------------


def _period(year, month):
    from erp.accounting.models import Period

    return Period.objects.get(year=year, month=month)


def test_month_end_checklist_lists_the_checks_with_links(finance):
    november = _period(2026, 11)
    response = finance.get(f"/api/v1/periods/{november.pk}/checklist")
    assert response.status_code == 200, response.content
    body = response.json()
    codes = [c["code"] for c in body["checks"]]
    assert "vouchers_posted" in codes and body["period"] == str(november)
    assert body["all_ok"] == all(c["ok"] for c in body["checks"])
    _error(finance.get("/api/v1/periods/999999/checklist"), 404, "not_found")
    _error(finance.get("/api/v1/periods/abc/checklist"), 400, "validation_failed")


def _year_2099(client):
    """The months of 2099, nothing booked in them, every earlier month closed (set directly)."""
    from erp.accounting.models import Period

    _json(client, "POST", "/api/v1/periods/years", {"year": 2099})
    Period.objects.filter(year__lt=2099).update(state="closed")


def test_month_end_close_of_an_empty_month_runs_as_a_job_then_is_a_409(finance):
    """Nothing booked in 2099-01: every check green, the close needs no voucher. The test
    settings run the job at once."""
    _year_2099(finance)
    january = _period(2099, 1)
    assert finance.get(f"/api/v1/periods/{january.pk}/month-end").json()["state"] == "none"
    response = finance.post(f"/api/v1/periods/{january.pk}/month-end")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "succeeded" and body["period_state"] == "closed", body
    status = finance.get(f"/api/v1/periods/{january.pk}/month-end").json()
    assert status["state"] == "succeeded" and status["finished_at"] and status["error"] == ""
    _error(finance.post(f"/api/v1/periods/{january.pk}/month-end"), 409, "period_already_closed")


def test_month_end_is_not_queued_twice_while_it_runs(finance):
    from erp.accounting.tasks import month_end_task
    from erp.core.models import JobRun

    _year_2099(finance)
    february = _period(2099, 2)
    JobRun.objects.create(
        task=month_end_task(february.pk), started_at=timezone.now(), message="2/4 转出未交增值税"
    )
    _error(finance.post(f"/api/v1/periods/{february.pk}/month-end"), 409, "month_end_running")
    status = finance.get(f"/api/v1/periods/{february.pk}/month-end").json()
    assert (status["state"], status["step"], status["percent"]) == ("running", 2, 50)
    assert JobRun.objects.filter(task=month_end_task(february.pk)).count() == 1


def test_month_end_needs_the_close_permission(demo_user):
    from erp.accounting.tasks import month_end_task
    from erp.core.models import JobRun

    accountant = _client(demo_user("accountant"))  # posts vouchers, does not close months
    january = _period(2026, 11)
    _error(accountant.post(f"/api/v1/periods/{january.pk}/month-end"), 403, "permission_denied")
    assert not JobRun.objects.filter(task=month_end_task(january.pk)).exists()
    _error(_client(demo_user("warehouse")).get(f"/api/v1/periods/{january.pk}/checklist"), 403)


def test_carry_forward_posts_one_transfer_voucher_then_nothing(finance, demo_user):
    """November's income and expense accounts are cleared into 本年利润 (4103) once."""
    from erp.accounting.models import Voucher

    november = _period(2026, 11)
    response = finance.post(f"/api/v1/periods/{november.pk}/carry-forward")
    assert response.status_code == 200, response.content
    voucher = response.json()["voucher"]
    assert voucher is not None and " 转-" in voucher["number"], response.json()
    assert voucher["date"] == "2026-11-30"
    posted = Voucher.objects.get(pk=voucher["id"])
    assert posted.state == "posted"
    assert sum((line.debit for line in posted.lines.all()), Decimal("0")) == sum(
        (line.credit for line in posted.lines.all()), Decimal("0")
    )
    again = finance.post(f"/api/v1/periods/{november.pk}/carry-forward")
    assert again.status_code == 200 and again.json() == {"voucher": None}
    warehouse = _client(demo_user("warehouse"))
    _error(warehouse.post(f"/api/v1/periods/{november.pk}/carry-forward"), 403)


# --- AR/AP open items from manual vouchers ----------------------------------------------


def _manual_receivable(finance_user, amount: str):
    """A posted manual voucher: 代垫运费 charged to a demo customer on 1221, paid by bank."""
    from erp.accounting.builders.drafts import DraftLine, VoucherDraft
    from erp.accounting.services.gate import voucher_post
    from erp.masterdata.models import Customer

    customer = Customer.objects.order_by("code").first()
    draft = VoucherDraft(
        date=dt.date(2026, 11, 20),
        lines=(
            DraftLine("代垫运费", "1221", debit=Decimal(amount), customer_id=customer.pk,
                      employee_id=finance_user.pk),
            DraftLine("代垫运费", "1002", credit=Decimal(amount)),
        ),
    )  # fmt: skip
    return voucher_post(actor=finance_user, draft=draft), customer


def test_register_vouchers_makes_open_items_once(finance, demo_user):
    voucher, customer = _manual_receivable(demo_user("finance_manager"), "86.40")
    response = _json(
        finance, "POST", "/api/v1/open-items/register-vouchers", {"voucher_ids": [voucher.pk]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["registered"] == 1
    (item,) = body["items"]
    assert item["kind"] == "receivable" and Decimal(item["amount"]) == Decimal("86.40")
    assert item["partner_code"] == customer.code and item["account_code"] == "1221"
    assert item["source"]["number"] == voucher.number
    again = _json(finance, "POST", "/api/v1/open-items/register-vouchers", {})  # {}: all
    assert again.status_code == 200 and voucher.number not in json.dumps(again.json()["items"])


def test_register_vouchers_refuses_bad_input_and_users_without_the_permission(finance, demo_user):
    from erp.accounting.models import OpenItem

    before = OpenItem.objects.count()
    url = "/api/v1/open-items/register-vouchers"
    _error(_json(finance, "POST", url, {"voucher_ids": ["x"]}), 400, "validation_failed")
    _error(_json(finance, "POST", url, {"voucher_id": 1}), 400, "validation_failed")
    _error(_json(_client(demo_user("warehouse")), "POST", url, {}), 403, "permission_denied")
    _error(_json(_client(demo_user("cashier")), "POST", url, {}), 403, "permission_denied")
    assert OpenItem.objects.count() == before

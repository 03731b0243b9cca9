"""Issue #13 point 8 — "a complete API": what an integrator needs beside the documents, driven
with an API token against the demo company: chart of accounts, periods, the stock ledger,
statements, AR/AP open items, approval rules, numbering rules, imports and backups; and
`limit`/`offset` paging beside `page`/`page_size` (erp/core/api_pagination.py)."""

import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import config.urls  # noqa: F401  (mounts the app routers on the API)
from erp.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    from erp.iam.services.tokens import api_token_create

    _token, secret = api_token_create(actor=user, name="integrator")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def admin(demo_user):
    return _client(demo_user("admin"))


def _json(client, method, url, body=None):
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, url, data, content_type="application/json")


def _error(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.content[:400])
    body = response.json()
    assert {"code", "message", "details"} <= set(body), body
    if code:
        assert body["code"] == code, body
    return body


# --- pagination ------------------------------------------------------------------------------


def test_limit_offset_page_the_same_rows_as_page_and_page_size(admin):
    every = admin.get("/api/v1/accounts/", {"page_size": 500}).json()
    codes = [a["code"] for a in every["items"]]
    assert every["count"] == len(codes) > 12
    by_offset = admin.get("/api/v1/accounts/", {"limit": 5, "offset": 10}).json()
    by_page = admin.get("/api/v1/accounts/", {"page": 3, "page_size": 5}).json()
    assert [a["code"] for a in by_offset["items"]] == codes[10:15]
    assert by_offset["items"] == by_page["items"]
    assert by_offset["count"] == by_page["count"] == every["count"]
    first = admin.get("/api/v1/accounts/", {"limit": 4}).json()
    assert [a["code"] for a in first["items"]] == codes[:4]


@pytest.mark.parametrize(
    "query", [{"page": 0}, {"page": "x"}, {"offset": -1}, {"limit": 0}, {"page_size": "all"}]
)
def test_bad_paging_values_are_a_json_400(admin, query):
    _error(admin.get("/api/v1/accounts/", query), 400, "validation_failed")


# --- chart of accounts --------------------------------------------------------------------


def test_accounts_filter_by_code_prefix_category_and_active(admin):
    rows = admin.get("/api/v1/accounts/", {"code_prefix": "1122", "limit": 500}).json()["items"]
    assert rows and all(r["code"].startswith("1122") for r in rows)
    assets = admin.get("/api/v1/accounts/", {"category": "asset", "limit": 500}).json()["items"]
    assert assets and {r["category"] for r in assets} == {"asset"}
    inactive = admin.get("/api/v1/accounts/", {"active": "false"}).json()
    assert all(not r["active"] for r in inactive["items"])


def test_add_sub_account_then_rename_and_deactivate_it(admin):
    parent = admin.get("/api/v1/accounts/", {"code_prefix": "6602", "limit": 1}).json()["items"][0]
    free = next(
        f"{parent['code']}{n:02d}"
        for n in range(90, 100)
        if not admin.get("/api/v1/accounts/", {"code_prefix": f"{parent['code']}{n:02d}"}).json()[
            "count"
        ]
    )
    response = _json(
        admin, "POST", f"/api/v1/accounts/{parent['id']}/children", {"code": free, "name": "接口费"}
    )
    assert response.status_code == 201, response.content
    child = response.json()
    assert child["parent_code"] == parent["code"] and child["level"] == parent["level"] + 1
    assert child["category"] == parent["category"] and child["is_leaf"]
    response = _json(
        admin, "PATCH", f"/api/v1/accounts/{child['id']}", {"name": "接口服务费", "active": False}
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "接口服务费" and response.json()["active"] is False
    assert admin.get(f"/api/v1/accounts/{parent['id']}").json()["is_leaf"] is False


def test_sub_account_with_a_wrong_code_is_refused_with_the_field(admin):
    parent = admin.get("/api/v1/accounts/", {"code_prefix": "6602", "limit": 1}).json()["items"][0]
    before = AuditEvent.objects.count()
    response = _json(
        admin, "POST", f"/api/v1/accounts/{parent['id']}/children", {"code": "9", "name": "x"}
    )
    assert "code" in _error(response, 400, "validation_failed")["details"]["fields"]
    assert AuditEvent.objects.count() == before


def test_account_changes_need_the_permission(demo_user):
    warehouse = _client(demo_user("warehouse"))
    _error(warehouse.get("/api/v1/accounts/"), 403, "permission_denied")
    _error(_json(warehouse, "PATCH", "/api/v1/accounts/1", {"name": "x"}), 403)


def test_unknown_account_is_the_uniform_404(admin):
    _error(admin.get("/api/v1/accounts/999999"), 404, "not_found")


# --- periods -------------------------------------------------------------------------------


def test_periods_list_read_open_next_and_a_year(admin):
    listed = admin.get("/api/v1/periods/").json()
    assert listed["count"] >= 1
    latest = listed["items"][0]
    assert admin.get(f"/api/v1/periods/{latest['id']}").json()["key"] == latest["key"]
    response = admin.post("/api/v1/periods/open-next")
    assert response.status_code == 201, response.content
    opened = response.json()
    year, month = latest["year"], latest["month"]
    expected = (year + 1, 1) if month == 12 else (year, month + 1)
    assert (opened["year"], opened["month"]) == expected and opened["state"] == "open"
    response = _json(admin, "POST", "/api/v1/periods/years", {"year": 2099})
    assert response.status_code == 201
    assert sorted(p["month"] for p in response.json()) == list(range(1, 13))
    assert admin.get("/api/v1/periods/", {"year": 2099}).json()["count"] == 12


def test_close_refused_while_earlier_months_are_open_and_reopen_needs_a_reason(admin):
    _json(admin, "POST", "/api/v1/periods/years", {"year": 2099})
    months = {
        p["month"]: p["id"]
        for p in admin.get("/api/v1/periods/", {"year": 2099, "limit": 12}).json()["items"]
    }
    _error(admin.post(f"/api/v1/periods/{months[6]}/close"), 400, "period_earlier_open")
    _error(_json(admin, "POST", f"/api/v1/periods/{months[6]}/reopen", {"reason": "x"}), 409)
    _error(_json(admin, "POST", f"/api/v1/periods/{months[6]}/reopen", {}), 400)


def test_period_open_needs_the_permission(demo_user):
    _error(_client(demo_user("warehouse")).post("/api/v1/periods/open-next"), 403)


def test_close_then_reopen_a_month_with_the_reason_in_the_audit_log(admin, monkeypatch):
    """Every month before 2099 closed (set up directly) and the month-end checklist green (its
    items are the closing service's own tests): 2099-01 closes, a second close is a 409, and
    it reopens with a reason that the audit trail keeps."""
    from erp.accounting.models import Period
    from erp.accounting.services import closing

    monkeypatch.setattr(closing, "period_checklist", lambda period: [])

    _json(admin, "POST", "/api/v1/periods/years", {"year": 2099})
    Period.objects.filter(year__lt=2099).update(state="closed")
    january = Period.objects.get(year=2099, month=1)
    response = admin.post(f"/api/v1/periods/{january.pk}/close")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed" and response.json()["closed_by"] == "admin"
    _error(admin.post(f"/api/v1/periods/{january.pk}/close"), 409, "period_already_closed")
    response = _json(admin, "POST", f"/api/v1/periods/{january.pk}/reopen", {"reason": "补录发票"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "open"
    event = AuditEvent.objects.filter(object_type="accounting.period").order_by("-pk").first()
    assert "补录发票" in event.note


# --- stock ledger ------------------------------------------------------------------------


def test_stock_moves_filter_by_material_lot_source_and_dates(admin):
    from erp.inventory.models import StockMove

    move = StockMove.objects.exclude(lot=None).order_by("pk").first()
    rows = admin.get("/api/v1/stock-moves/", {"material_id": move.material_id}).json()
    assert rows["count"] == StockMove.objects.filter(material_id=move.material_id).count()
    assert {r["material_code"] for r in rows["items"]} == {move.material.code}
    by_lot = admin.get("/api/v1/stock-moves/", {"lot_id": move.lot_id, "limit": 500}).json()
    assert move.pk in [r["id"] for r in by_lot["items"]]
    assert {r["lot_number"] for r in by_lot["items"]} == {move.lot.number}
    day = move.posting_date.isoformat()
    same_day = admin.get("/api/v1/stock-moves/", {"date_from": day, "date_to": day}).json()
    assert same_day["count"] == StockMove.objects.filter(posting_date=move.posting_date).count()
    by_source = admin.get(
        "/api/v1/stock-moves/", {"source_type": move.source_type, "source_id": move.source_id}
    ).json()
    first = next(r for r in by_source["items"] if r["id"] == move.pk)
    assert first["source"]["type"] == move.source_type
    assert first["source"]["number"] and first["source"]["label"] != move.source_type
    location = move.to_location_id or move.from_location_id
    by_location = admin.get("/api/v1/stock-moves/", {"location_id": location}).json()
    assert by_location["count"] >= 1


def test_stock_move_list_query_count_does_not_grow_with_the_page(admin):
    """One page of 3 moves and one of 40 cost the same queries (count, page, one per source
    type for the document references) — no query per move."""

    def queries(limit):
        with CaptureQueriesContext(connection) as ctx:
            response = admin.get("/api/v1/stock-moves/", {"limit": limit})
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["items"])

    small, n_small = queries(3)
    big, n_big = queries(40)
    assert n_big > n_small
    types = {
        r["source"]["type"]
        for r in admin.get("/api/v1/stock-moves/", {"limit": 40}).json()["items"]
    }
    assert big - small <= len(types), (small, big, types)
    small_types = {
        r["source"]["type"] for r in admin.get("/api/v1/stock-moves/", {"limit": 3}).json()["items"]
    }
    # Six fixed queries (session, user, permissions, count, page, ...) and one per source type.
    assert small <= 6 + len(small_types), (small, small_types)


# --- statements --------------------------------------------------------------------------


def _period_with_postings():
    from erp.accounting.models import AccountPeriodBalance

    balance = AccountPeriodBalance.objects.select_related("period").order_by("-period__start")
    period = balance.first().period
    return f"{period.year}-{period.month:02d}"


def test_balance_sheet_income_statement_and_trial_balance_as_strings(admin):
    key = _period_with_postings()
    sheet = admin.get("/api/v1/statements/balance-sheet", {"period": key}).json()
    assert sheet["period"] == key and sheet["key"] == "balance_sheet"
    assert sheet["balanced"] is True
    totals = [r for r in sheet["rows"] if r["values"][0] is not None]
    assert totals and all(isinstance(r["values"][0], str) for r in totals)
    assert all(len(v.split(".")[1]) == 2 for r in totals for v in r["values"] if v)
    income = admin.get("/api/v1/statements/income-statement", {"period": key}).json()
    assert income["key"] == "income_statement" and len(income["columns"]) == 2
    tb = admin.get("/api/v1/statements/trial-balance", {"period": key}).json()
    assert tb["balanced"] is True and tb["rows"]
    assert tb["totals"]["debit"] == tb["totals"]["credit"]
    assert isinstance(tb["rows"][0]["closing"], str)


@pytest.mark.parametrize("period", ["abcd-xx", "2026-13", "2026-1", "", "2026-12; DROP"])
def test_statements_refuse_a_malformed_period_as_json_400(admin, period):
    for name in ("balance-sheet", "income-statement", "trial-balance"):
        _error(admin.get(f"/api/v1/statements/{name}", {"period": period}), 400)


def test_statement_of_an_unknown_month_is_404(admin):
    _error(admin.get("/api/v1/statements/balance-sheet", {"period": "1999-01"}), 404)


# --- AR/AP open items -------------------------------------------------------------------


def test_open_items_filter_by_customer_and_open_only(admin):
    from erp.accounting.models import OpenItem

    item = OpenItem.objects.filter(kind="receivable").order_by("pk").first()
    if item is None:
        pytest.skip("the demo has no receivable")
    rows = admin.get("/api/v1/open-items/", {"customer_id": item.customer_id, "limit": 500}).json()
    assert rows["count"] == OpenItem.objects.filter(customer_id=item.customer_id).count()
    assert {r["partner_id"] for r in rows["items"]} == {item.customer_id}
    open_rows = admin.get("/api/v1/open-items/", {"open_only": "true", "limit": 500}).json()
    assert open_rows["count"] == OpenItem.objects.filter(state="open").count()
    assert all(r["state"] == "open" for r in open_rows["items"])
    row = admin.get(f"/api/v1/open-items/{item.pk}").json()
    assert row["open_amount"] == str(item.amount - item.allocated)
    assert row["source"] is None or row["source"]["number"]
    _error(admin.get("/api/v1/open-items/", {"kind": "both"}), 400)


# --- approval rules ---------------------------------------------------------------------


def _rule_body(doc_type, **over):
    return {
        "doc_type": doc_type,
        "name": "接口规则",
        "priority": 5,
        "conditions": [{"field": "amount", "operator": "gt", "value": "50000"}],
        "steps": [{"assignee_kind": "role", "role_code": "finance_manager"}],
        **over,
    }


def test_approval_rules_create_read_replace_and_list(admin):
    from erp.approvals.models import ApprovalRule

    doc_type = ApprovalRule.objects.values_list("doc_type", flat=True).first()
    if doc_type is None:
        pytest.skip("the demo has no approval rule")
    response = _json(admin, "POST", "/api/v1/approval-rules/", _rule_body(doc_type))
    assert response.status_code == 201, response.content
    rule = response.json()
    assert rule["steps"][0]["role_code"] == "finance_manager"
    assert rule["conditions"][0]["summary"].endswith("> 50000")
    changed = _rule_body(doc_type, name="接口规则二", is_active=False, conditions=[])
    response = _json(admin, "PUT", f"/api/v1/approval-rules/{rule['id']}", changed)
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "接口规则二" and response.json()["conditions"] == []
    listed = admin.get("/api/v1/approval-rules/", {"doc_type": doc_type, "active": "false"}).json()
    assert rule["id"] in [r["id"] for r in listed["items"]]


def test_approval_rule_with_an_unknown_role_is_refused(admin):
    from erp.approvals.models import ApprovalRule

    doc_type = ApprovalRule.objects.values_list("doc_type", flat=True).first() or "x.y"
    body = _rule_body(doc_type, steps=[{"assignee_kind": "role", "role_code": "nobody"}])
    _error(_json(admin, "POST", "/api/v1/approval-rules/", body), 400)
    bad_kind = _rule_body(doc_type, steps=[{"assignee_kind": "robot"}])
    _error(_json(admin, "POST", "/api/v1/approval-rules/", bad_kind), 400, "validation_failed")


# --- numbering rules --------------------------------------------------------------------


def test_numbering_rules_list_read_and_change_the_prefix(admin):
    rules = admin.get("/api/v1/numbering-rules/", {"limit": 500}).json()["items"]
    rule = next(r for r in rules if r["doc_type"] == "accounting.expenseclaim")
    assert rule["doc_type_label"] != rule["doc_type"]  # 费用报销单, not the raw code
    detail = admin.get(f"/api/v1/numbering-rules/{rule['id']}").json()
    assert detail["next_number"].startswith(rule["prefix"])
    response = _json(admin, "PATCH", f"/api/v1/numbering-rules/{rule['id']}", {"prefix": "BX"})
    assert response.status_code == 200, response.content
    assert response.json()["prefix"] == "BX" and response.json()["next_number"].startswith("BX")
    bad = _json(admin, "PATCH", f"/api/v1/numbering-rules/{rule['id']}", {"prefix": "报销"})
    assert "prefix" in _error(bad, 400, "validation_failed")["details"]["fields"]
    _error(_json(admin, "PATCH", f"/api/v1/numbering-rules/{rule['id']}", {"doc_type": "x"}), 400)


# --- imports ----------------------------------------------------------------------------


def _unit_file(code: str) -> bytes:
    from erp.golive.importing.spec import spec_get
    from erp.golive.importing.workbook import workbook_bytes

    spec = spec_get("masterdata.unit")
    row = {"code": code, "name": f"接口{code}", "kind": "", "decimal_places": 2}
    return workbook_bytes(spec, [[row.get(c.field, "") for c in spec.columns]])


def test_import_upload_dry_run_confirm_and_status(admin):
    from erp.masterdata.models import Unit

    specs = admin.get("/api/v1/import-specs/", {"limit": 500}).json()["items"]
    assert "masterdata.unit" in [s["key"] for s in specs]
    template = admin.get("/api/v1/import-specs/masterdata.unit/template")
    assert template.status_code == 200 and template.content[:2] == b"PK"
    upload = io.BytesIO(_unit_file("APIU"))
    upload.name = "units.xlsx"
    response = admin.post("/api/v1/imports/", {"spec_key": "masterdata.unit", "file": upload})
    assert response.status_code == 201, response.content
    log = response.json()
    assert log["result"] == "dry_run_ok", log
    assert log["created_count"] == 1 and log["can_confirm"]
    assert not Unit.objects.filter(code="APIU").exists()  # a dry run writes nothing
    response = admin.post(f"/api/v1/imports/{log['id']}/confirm")
    assert response.status_code == 200, response.content
    assert response.json()["result"] == "applied"
    assert Unit.objects.filter(code="APIU").exists()
    status = admin.get(f"/api/v1/imports/{log['id']}").json()
    assert status["result"] == "applied" and status["applied_at"]
    _error(admin.post(f"/api/v1/imports/{log['id']}/confirm"), 409)
    listed = admin.get("/api/v1/imports/", {"spec_key": "masterdata.unit"}).json()
    assert log["id"] in [x["id"] for x in listed["items"]]


def test_import_of_a_file_that_is_not_a_workbook_reports_why(admin):
    upload = io.BytesIO(b"not a workbook")
    upload.name = "units.xlsx"
    response = admin.post("/api/v1/imports/", {"spec_key": "masterdata.unit", "file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["result"] == "dry_run_failed" and response.json()["message"]
    upload.seek(0)
    _error(admin.post("/api/v1/imports/", {"spec_key": "no.such", "file": upload}), 404)
    _error(admin.post("/api/v1/imports/", {"spec_key": "masterdata.unit"}), 400)


# --- backups ----------------------------------------------------------------------------


def test_backup_start_is_a_job_with_a_status_and_download_is_for_admins(
    admin, demo_user, monkeypatch, tmp_path, settings
):
    """The job itself (archive + restore drill) is the ops module's; here it is replaced by a
    quick stand-in that records a backup file in the backup directory."""
    from django.utils import timezone

    from erp.ops import tasks
    from erp.ops.models import BackupRecord

    settings.ERP_BACKUP_DIR = tmp_path
    archive = tmp_path / "erp-backup-test.tar.gz"
    archive.write_bytes(b"archive")

    def fake_backup(*, actor, trigger, verify):
        now = timezone.now()
        return BackupRecord.objects.create(
            created_at=now,
            finished_at=now,
            trigger=trigger,
            path=str(archive),
            ok=True,
            size=7,
            verify_ok=True,
            verified_at=now,
        )

    monkeypatch.setattr(tasks, "backup_create", fake_backup)
    response = admin.post("/api/v1/backups/")
    assert response.status_code == 202, response.content
    job = admin.get("/api/v1/backups/job").json()
    assert job["task"] == "ops_backup_now" and job["state"] == "succeeded"
    listed = admin.get("/api/v1/backups/", {"ok": "true"}).json()
    record = listed["items"][0]
    assert record["file_name"] == archive.name and record["trigger"] == "manual"
    assert admin.get(f"/api/v1/backups/{record['id']}").json()["id"] == record["id"]
    download = admin.get(f"/api/v1/backups/{record['id']}/download")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"archive"
    manager = _client(demo_user("general_manager"))
    assert manager.get("/api/v1/backups/").status_code == 200
    _error(manager.get(f"/api/v1/backups/{record['id']}/download"), 403, "permission_denied")
    _error(manager.post("/api/v1/backups/"), 403)

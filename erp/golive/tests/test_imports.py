"""Import engine end to end with the master data specs: template, dry run, apply, re-run,
all-or-nothing, permissions, log, round trip."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from erp.core.errors import PermissionDenied
from erp.core.models import AuditEvent
from erp.golive.importing.workbook import INSTRUCTIONS_SHEET
from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply, import_dry_run
from erp.masterdata.imports import CUSTOMERS, MATERIALS, UNITS, WAREHOUSES
from erp.masterdata.models import Customer, Material, Unit, Warehouse

from .workbooks import filled

pytestmark = pytest.mark.django_db


def material_row(code, name="环氧树脂", **over):
    values = {
        "code": code, "name": name, "specification": "25kg/桶", "category": "RM",
        "inventory_type": "原材料", "procurement": "外购", "base_unit": "kg",
        "batch_managed": "是", "shelf_life_days": 365, "safety_stock": 0.1 + 0.2,
        "standard_cost": 23.5,
    }  # fmt: skip
    values.update(over)
    return [values.get(c.field) for c in MATERIALS.columns]


def run(actor, spec, content, name="data.xlsx"):
    return import_dry_run(actor=actor, spec_key=spec.key, file_name=name, content=content)


def test_template_has_chinese_headers_dropdowns_and_instructions(client, importer):
    client.force_login(importer)
    response = client.get("/golive/import/masterdata.material/template/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["物料", INSTRUCTIONS_SHEET]
    sheet = workbook["物料"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "*物料编码"
    assert "规格型号" in header or "规格" in "".join(header)
    assert sheet["A1"].fill.fgColor.rgb.endswith("C00000")
    assert sheet.freeze_panes == "A2"
    formulas = {
        str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert formulas["J2"] == '"是,否"'
    assert "原材料" in formulas["E2"]
    notes = [r[0] for r in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if r[0]]
    assert "*物料编码" in notes
    assert "RM-0001" in [r[0] for r in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True)]


def test_dry_run_writes_nothing_then_apply_then_rerun_unchanged(importer, basics):
    content = filled(MATERIALS, [material_row("RM-1"), material_row("RM-2")])
    audit_before = AuditEvent.objects.count()
    log = run(importer, MATERIALS, content)
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report
    assert (log.created_count, log.updated_count, log.error_count) == (2, 0, 0)
    assert not Material.objects.exists()
    assert [r["action"] for r in log.report["rows"]] == ["created", "created"]

    log = import_apply(actor=importer, log_id=log.pk)
    assert log.result == ImportLog.Result.APPLIED
    material = Material.objects.get(code="RM-1")
    assert material.safety_stock == Decimal("0.3")  # 0.1+0.2 from Excel is 0.3, not 0.30000…04
    assert material.inventory_type == "raw" and material.base_unit == basics["kg"]
    assert AuditEvent.objects.count() > audit_before

    again = run(importer, MATERIALS, content)
    assert again.result == ImportLog.Result.DRY_RUN_OK
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert str(log.pk) in again.message  # "already imported … (import #n)"
    audit_count = AuditEvent.objects.count()
    import_apply(actor=importer, log_id=again.pk)
    assert AuditEvent.objects.filter(object_type="masterdata.material").count() == 2
    assert AuditEvent.objects.count() == audit_count + 1  # only the import's own event


def test_update_lists_changed_fields(importer, basics):
    import_apply(
        actor=importer,
        log_id=run(importer, MATERIALS, filled(MATERIALS, [material_row("RM-1")])).pk,
    )
    changed = filled(MATERIALS, [material_row("RM-1", name="改名树脂", standard_cost=30)])
    log = run(importer, MATERIALS, changed)
    assert log.updated_count == 1
    assert set(log.report["rows"][0]["changes"]) == {"物料名称", "标准成本"}


def test_bad_row_700_of_1000_writes_nothing(importer, basics):
    rows = [material_row(f"M{i:04d}") for i in range(1, 1001)]
    rows[699] = material_row("M0700", base_unit="XX")
    content = filled(MATERIALS, rows)
    log = run(importer, MATERIALS, content)
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    assert log.created_count == 999 and log.error_count == 1
    error = log.report["errors"][0]
    assert (error["row"], error["column"], error["value"]) == (701, "基本单位", "XX")
    assert not Material.objects.exists()
    with pytest.raises(Exception) as refused:
        import_apply(actor=importer, log_id=log.pk)
    assert getattr(refused.value, "code", "") == "import_already_done"
    assert not Material.objects.exists()


def test_apply_fails_whole_file_when_data_changed_after_check(importer, basics):
    content = filled(MATERIALS, [material_row("RM-1"), material_row("RM-2", base_unit="桶")])
    log = run(importer, MATERIALS, content)
    assert log.result == ImportLog.Result.DRY_RUN_OK
    Unit.objects.filter(code="桶").update(code="drum")  # the unit disappears meanwhile
    log = import_apply(actor=importer, log_id=log.pk)
    assert log.result == ImportLog.Result.FAILED
    assert not Material.objects.exists()  # RM-1 was fine, still not written


def test_duplicate_codes_in_file(importer, basics):
    log = run(importer, MATERIALS, filled(MATERIALS, [material_row("A"), material_row("A")]))
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    assert log.report["errors"][0]["row"] == 3
    assert "2" in log.report["errors"][0]["message"]


def test_user_without_add_material_cannot_import(make_user, basics):
    clerk = make_user("clerk", "sales")
    with pytest.raises(PermissionDenied):
        run(clerk, MATERIALS, filled(MATERIALS, [material_row("RM-1")]))
    assert not ImportLog.objects.exists()


def test_upload_page_refuses_user_without_permission(client, make_user):
    client.force_login(make_user("clerk", "sales"))
    assert client.get("/golive/import/masterdata.material/").status_code == 403


def test_customers_with_contacts_and_round_trip(client, importer, basics):
    def row(code, name, contact, primary, **header):
        values = {"code": code, "name": name, "credit_limit": 1000, **header}
        line = {"name": contact, "phone": "138", "is_primary": primary} if contact else {}
        return [line.get(c.field) if c.line else values.get(c.field) for c in CUSTOMERS.columns]

    first = row("C1", "华东涂料", "王经理", "是")
    second = row("C1", None, "李工", "否", credit_limit=None)
    content = filled(CUSTOMERS, [first, second, row("C2", "华南化工", None, None)])
    log = run(importer, CUSTOMERS, content)
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report
    assert (log.rows_total, log.created_count) == (3, 2)
    import_apply(actor=importer, log_id=log.pk)
    customer = Customer.objects.get(code="C1")
    assert [c.name for c in customer.contacts.order_by("-is_primary")] == ["王经理", "李工"]

    client.force_login(importer)
    exported = client.get("/golive/import/masterdata.customer/export/").content
    again = run(importer, CUSTOMERS, exported, "export.xlsx")
    assert again.result == ImportLog.Result.DRY_RUN_OK, again.report
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)


def test_materials_round_trip(client, importer, basics):
    rows = [material_row("RM-1", specification="'=SUM(A1)"), material_row("RM-2", name="-5 号")]
    import_apply(actor=importer, log_id=run(importer, MATERIALS, filled(MATERIALS, rows)).pk)
    assert Material.objects.get(code="RM-1").specification == "=SUM(A1)"
    client.force_login(importer)
    exported = client.get("/golive/import/masterdata.material/export/").content
    sheet = load_workbook(io.BytesIO(exported))["物料"]
    assert sheet["C2"].value == "'=SUM(A1)"  # neutralised in the file
    log = run(importer, MATERIALS, exported)
    assert (log.unchanged_count, log.created_count, log.updated_count) == (2, 0, 0), log.report


def test_continuation_row_must_not_contradict_first(importer, basics):
    first = [None] * len(CUSTOMERS.columns)
    first[0], first[1] = "C1", "甲"
    second = list(first)
    second[1] = "乙"
    log = run(importer, CUSTOMERS, filled(CUSTOMERS, [first, second]))
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    assert log.report["errors"][0]["column"] == "客户名称"


def test_choice_labels_match_models():
    from erp.masterdata.imports import _check_choices

    _check_choices()


def test_warehouse_with_locations(importer, basics):
    def row(code, loc, name):
        values = {"code": code, "name": "原料仓"}
        line = {"code": loc, "name": name, "type": "存储"}
        return [line.get(c.field) if c.line else values.get(c.field) for c in WAREHOUSES.columns]

    content = filled(WAREHOUSES, [row("WH1", "A-01", "A区"), row("WH1", "A-02", "B区")])
    log = run(importer, WAREHOUSES, content)
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report
    import_apply(actor=importer, log_id=log.pk)
    assert sorted(Warehouse.objects.get(code="WH1").locations.values_list("code", flat=True)) == [
        "A-01",
        "A-02",
    ]
    dup = filled(WAREHOUSES, [row("WH1", "A-01", "A区"), row("WH1", "A-01", "B区")])
    assert run(importer, WAREHOUSES, dup).result == ImportLog.Result.DRY_RUN_FAILED


def test_preview_and_confirm_pages(client, importer, basics):
    client.force_login(importer)
    upload = io.BytesIO(filled(UNITS, [["t", "吨", "质量", 3, "是"]]))
    upload.name = "units.xlsx"
    response = client.post("/golive/import/masterdata.unit/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "confirm-import" in page.content.decode()
    log = ImportLog.objects.get()
    assert client.get(f"/golive/logs/{log.pk}/confirm/").status_code == 405
    client.post(f"/golive/logs/{log.pk}/confirm/")
    assert Unit.objects.filter(code="t", kind="mass").exists()
    log.refresh_from_db()
    assert log.result == ImportLog.Result.APPLIED and log.sha256 and log.applied_at
    listing = client.get("/golive/logs/")
    assert "units.xlsx" in listing.content.decode()
    assert client.post(f"/golive/logs/{log.pk}/confirm/").status_code == 409

"""Broken and hostile files are refused with a clear message and write nothing."""

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from erp.golive.importing import reading
from erp.golive.models import ImportLog
from erp.golive.services.imports import import_dry_run
from erp.masterdata.imports import MATERIALS, UNITS
from erp.masterdata.models import Material, Unit

from .test_imports import material_row
from .workbooks import filled, headers, plain, rewrite_member

pytestmark = pytest.mark.django_db


def check(actor, content, spec=MATERIALS):
    log = import_dry_run(actor=actor, spec_key=spec.key, file_name="x.xlsx", content=content)
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    assert not log.stored_name
    assert not Material.objects.exists()
    return log


def test_pdf_renamed_to_xlsx(importer):
    log = check(importer, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    assert "不是 Excel 工作簿" in log.message


def test_text_file_and_damaged_zip(importer):
    assert "不是 Excel 工作簿" in check(importer, "物料编码,名称\nA,B\n".encode()).message
    assert "已损坏" in check(importer, b"PK\x03\x04garbage").message


def test_zip_bomb_refused_before_parsing(importer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert "50 MB" in check(importer, buffer.getvalue()).message


def test_billion_laughs_refused(importer, basics):
    content = filled(MATERIALS, [material_row("RM-1")])
    entities = "".join(
        f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    )
    doctype = f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{entities}]>'.encode()

    def inject(old: bytes) -> bytes:
        assert b">RM-1<" in old
        return doctype + old.replace(b">RM-1<", b">&l9;<")

    content = rewrite_member(content, "xl/worksheets/sheet1.xml", inject)
    assert "实体" in check(importer, content).message


def test_too_many_rows_by_dimension(importer):
    content = filled(UNITS, [["kg", "千克"]])
    content = rewrite_member(
        content,
        "xl/worksheets/sheet1.xml",
        lambda old: re.sub(rb'<dimension ref="A1:E2"\s*/>', b'<dimension ref="A1:E200000"/>', old),
    )
    assert "100,000" in check(importer, content, UNITS).message


def test_too_many_rows_while_streaming(importer, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    content = filled(UNITS, [[f"u{i}", "单位"] for i in range(7)])
    check(importer, content, UNITS)
    assert not Unit.objects.exists()


def test_formula_cell_is_named(importer, basics):
    log = check(importer, filled(MATERIALS, [material_row("RM-1", safety_stock="=1+1")]))
    error = log.report["errors"][0]
    assert error["column"] == "安全库存" and "N2" in error["message"]


def test_merged_header_cells(importer):
    workbook = load_workbook(io.BytesIO(filled(MATERIALS, [])))
    workbook["物料"].merge_cells("A1:B1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "A1:B1" in check(importer, buffer.getvalue()).message


def test_wrong_sheet_and_missing_required_header(importer):
    workbook = load_workbook(io.BytesIO(plain("Sheet1", [headers(MATERIALS)])))
    workbook.create_sheet("Sheet2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    log = check(importer, buffer.getvalue())  # two sheets, none named 物料: which one?
    assert "物料" in log.message and "Sheet1" in log.message
    renamed = headers(MATERIALS)
    renamed[6] = "单位"
    log = check(importer, filled(MATERIALS, [], headers=renamed))
    assert "基本单位" in log.message


def test_unknown_references_and_bad_values(importer, basics):
    rows = [
        material_row("RM-1", category="NOPE"),
        material_row("RM-2", safety_stock=0.12345),
        material_row("RM-3", batch_managed="也许"),
        material_row("RM-4", inventory_type="矿石"),
        material_row("RM-5", name=None),
    ]
    errors = check(importer, filled(MATERIALS, rows)).report["errors"]
    by_row = {e["row"]: e for e in errors}
    assert by_row[2]["column"] == "分类编码" and by_row[2]["value"] == "NOPE"
    assert "4" in by_row[3]["message"]  # more than 4 decimal places
    assert by_row[4]["column"] == "批次管理"
    assert "原材料" in by_row[5]["message"]
    assert "物料名称" in by_row[6]["message"]

"""Issue 13.7, "import that explains itself": every error of a file in one pass and in row
order; a preview of the values to be written (old → new for updates); full-width input read
as what it means; any single sheet; one USCC per company; huge or padded sheets refused
early (the 2 s / 100 MB figures are in benchmarks/golive/bench_import_limits.py)."""

from decimal import Decimal

import pytest

from erp.core.models import Company
from erp.golive.errors import ImportFileRejected
from erp.golive.importing import reading
from erp.golive.importing.engine import parse
from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply
from erp.masterdata.imports import CUSTOMERS, MATERIALS, UNITS
from erp.masterdata.models import Customer, Material
from erp.masterdata.services.partners import customer_upsert

from .test_imports import material_row, run
from .workbooks import (
    empty_cell_rows,
    filled,
    headers,
    numbered_rows,
    plain,
    streamed_sheet,
)

pytestmark = pytest.mark.django_db
OUR_USCC = "91320500MA1XK3TQ8U"
USCC_A = "91310115MA1FL0AB1T"
USCC_B = "91320506MA1ML0CD2J"


def test_format_and_reference_errors_of_a_file_in_one_pass_sorted_by_row(importer, basics):
    rows = [
        material_row("RM-1", category="NOPE"),  # row 2: unknown reference only
        material_row("RM-2"),  # row 3: fine
        material_row("RM-3", safety_stock="很多", base_unit="XX"),  # row 4: both kinds
    ]
    log = run(importer, MATERIALS, filled(MATERIALS, rows))
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    found = [(e["row"], e["column"], e["value"]) for e in log.report["errors"]]
    assert found == [(2, "分类编码", "NOPE"), (4, "安全库存", "很多"), (4, "基本单位", "XX")]
    assert log.error_count == 3


def test_preview_shows_values_to_write_and_old_to_new(client, importer, basics):
    log = run(importer, MATERIALS, filled(MATERIALS, [material_row("RM-1")]))
    values = {v["column"]: v["value"] for v in log.report["rows"][0]["values"]}
    assert values["物料名称"] == "环氧树脂" and values["基本单位"] == "kg"
    assert values["存货类型"] == "原材料" and values["批次管理"] == "是"
    assert values["安全库存"] == "0.3" and values["标准成本"] == "23.5"
    import_apply(actor=importer, log_id=log.pk)

    changed = material_row("RM-1", name="改名树脂", standard_cost=30)
    log = run(importer, MATERIALS, filled(MATERIALS, [changed]))
    diff = {d["column"]: (d["old"], d["new"]) for d in log.report["rows"][0]["diff"]}
    assert diff == {"物料名称": ("环氧树脂", "改名树脂"), "标准成本": ("23.5", "30")}
    client.force_login(importer)
    page = client.get(f"/golive/logs/{log.pk}/").content.decode()
    assert "环氧树脂</del> → <strong>改名树脂" in page


def test_full_width_digits_letters_and_dashes(importer, basics):
    log = run(importer, MATERIALS, filled(MATERIALS, [material_row("RM-9103")]))
    import_apply(actor=importer, log_id=log.pk)
    row = material_row(
        "ＲＭ－９１０３",  # full-width letters, digits and dash: the existing RM-9103
        category="ＲＭ",
        shelf_life_days="７３０",
        safety_stock="１８．５",
        standard_cost="２３．５",
    )
    log = run(importer, MATERIALS, filled(MATERIALS, [row]))
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report
    assert (log.created_count, log.updated_count) == (0, 1)
    import_apply(actor=importer, log_id=log.pk)
    material = Material.objects.get()
    assert material.code == "RM-9103"
    assert material.shelf_life_days == 730 and material.safety_stock == Decimal("18.5")


def test_other_dashes_in_a_code_match_too(importer, basics):
    log = run(importer, MATERIALS, filled(MATERIALS, [material_row("RM—7"), material_row("A")]))
    assert [r["key"] for r in log.report["rows"]] == ["RM-7", "A"]


def test_a_single_sheet_is_read_whatever_its_name(importer, basics):
    content = plain("Sheet1", [headers(MATERIALS), material_row("RM-1")])
    log = run(importer, MATERIALS, content)
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.message
    assert log.created_count == 1


@pytest.fixture
def customers(importer):
    Company.objects.create(pk=1, name="本公司", uscc=OUR_USCC)
    customer_upsert(actor=importer, data={"code": "C1", "name": "华东涂料", "uscc": USCC_A})


def customer_row(code, uscc):
    values = {"code": code, "name": f"客户{code}", "uscc": uscc}
    return [values.get(c.field) for c in CUSTOMERS.columns]


def test_uscc_once_per_customer_and_never_our_own(importer, customers):
    rows = [
        customer_row("C1", USCC_A),  # row 2: its own code again: fine
        customer_row("C2", USCC_A),  # row 3: C1's
        customer_row("C3", OUR_USCC),  # row 4: ours
        customer_row("C4", USCC_B),  # row 5: fine …
        customer_row("C5", USCC_B),  # row 6: … but twice in the file
    ]
    log = run(importer, CUSTOMERS, filled(CUSTOMERS, rows))
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    errors = {e["row"]: e for e in log.report["errors"]}
    assert sorted(errors) == [3, 4, 6]
    assert errors[3]["column"] == "统一社会信用代码" and "C1" in errors[3]["message"]
    assert "本公司" in errors[4]["message"] or "我方" in errors[4]["message"]
    assert "5" in errors[6]["message"]
    assert Customer.objects.count() == 1


def test_a_million_row_sheet_without_dimension_stops_at_the_limit(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 1_000)
    content = streamed_sheet(UNITS, numbered_rows(1_048_575))
    scan = reading.SheetScan()
    with pytest.raises(ImportFileRejected) as refused:
        parse(UNITS, content, scan)
    assert "1,000" in str(refused.value.message) and "拆分" in str(refused.value.message)
    assert scan.rows_read <= 1_000 + 2  # header + limit + the one row too many


def test_a_sheet_of_empty_cells_is_refused_early(monkeypatch):
    monkeypatch.setattr(reading, "MAX_EMPTY_CELLS", 20_000)
    wide = streamed_sheet(UNITS, empty_cell_rows(2_000, 200))  # 400,000 empty cells
    scan = reading.SheetScan()
    with pytest.raises(ImportFileRejected) as refused:
        parse(UNITS, wide, scan)
    assert "20,000" in str(refused.value.message)
    assert scan.rows_read <= 20_000 // 200 + 2
    tall = streamed_sheet(UNITS, empty_cell_rows(30_000, 1))  # empty rows after the header
    scan = reading.SheetScan()
    with pytest.raises(ImportFileRejected):
        parse(UNITS, tall, scan)
    assert scan.rows_read <= reading.EMPTY_RUN + 1  # the rest is only searched, not read


def test_trailing_empty_rows_are_ignored_but_data_after_a_long_gap_is_refused():
    def rows(gap):
        yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>kg</t></is></c>'
        yield '<c r="B2" t="inlineStr"><is><t>千克</t></is></c></row>'.encode()
        yield from (b'<row r="%d"><c r="A%d"/></row>' % (n, n) for n in range(3, 3 + gap))
        yield b'<row r="%d"><c r="A%d"><v>7</v></c></row>' % (3 + gap, 3 + gap)

    parsed = parse(UNITS, streamed_sheet(UNITS, rows(10)))
    assert parsed.rows_total == 2
    with pytest.raises(ImportFileRejected) as refused:
        parse(UNITS, streamed_sheet(UNITS, rows(reading.EMPTY_RUN + 5)))
    assert "2" in str(refused.value.message) and "1,000" in str(refused.value.message)

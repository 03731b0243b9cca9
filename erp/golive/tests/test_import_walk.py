"""Issue 3 "Done when", as a test: a user of the finance manager role (masterdata.*), in
Chinese, downloads the material template from the material list, fills 10 rows with two
mistakes, sees both named by row and column in Chinese, fixes them, imports, sees the
materials in the list; importing the same file again reports that nothing changes."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from erp.golive.models import ImportLog
from erp.masterdata.imports import MATERIALS
from erp.masterdata.models import Material

pytestmark = pytest.mark.django_db

COLUMN = {c.field: i for i, c in enumerate(MATERIALS.columns, start=1)}


def fill(template: bytes, rows: list[dict]) -> io.BytesIO:
    """What the user does in Excel: type rows under the template's header, save."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook["物料"]
    for number, row in enumerate(rows, start=2):
        for field, value in row.items():
            sheet.cell(row=number, column=COLUMN[field], value=value)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "物料导入.xlsx"
    return out


def ten_rows() -> list[dict]:
    return [
        {
            "code": f"RM-{i:04d}",
            "name": f"环氧树脂 E-{i}",
            "specification": "25kg/桶",
            "category": "RM",
            "inventory_type": "原材料",
            "procurement": "外购",
            "base_unit": "kg",
            "batch_managed": "是",
            "shelf_life_days": 365,
            "standard_cost": 23.5,
        }
        for i in range(1, 11)
    ]


def upload(client, content) -> str:
    response = client.post(reverse("golive:import_masterdata_material"), {"file": content})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def error_rows(html: str) -> list[list[str]]:
    table = html.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"table-danger\">(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
        for r in rows
    ]


def test_new_user_imports_ten_materials_with_two_mistakes(client, make_user, basics):
    user = make_user("wangli", "finance_manager", full_name="王丽")
    client.force_login(user)

    listing = client.get(reverse("masterdata:material_list")).content.decode()
    template_url = reverse("golive:template_masterdata_material")
    assert template_url in listing
    template = client.get(template_url)
    assert template.status_code == 200

    rows = ten_rows()
    rows[3]["base_unit"] = "公斤X"  # mistake 1: a unit that does not exist (sheet row 5)
    rows[6]["name"] = None  # mistake 2: required name left empty (sheet row 8)
    html = upload(client, fill(template.content, rows))
    assert "未写入任何数据。请在文件中更正这些行后重新上传。" in html
    errors = error_rows(html)
    assert ["5", "基本单位", "公斤X", "“公斤X”不存在。请先建立该资料或更正编码。"] in errors
    assert ["8", "物料名称", "", "缺少必填值。请填写：物料名称。"] in errors
    assert len(errors) == 2
    assert "confirm-import" not in html
    assert not Material.objects.exists()

    rows[3]["base_unit"] = "kg"
    rows[6]["name"] = "环氧树脂 E-7"
    fixed = fill(template.content, rows)
    html = upload(client, fixed)
    assert "confirm-import" in html and not error_rows_present(html)
    log = ImportLog.objects.filter(actor=user).latest("pk")
    assert (log.created_count, log.error_count) == (10, 0)
    response = client.post(reverse("golive:log_confirm", args=[log.pk]), follow=True)
    assert "导入完成：新增 10 条，更新 0 条，未变化 0 条。" in response.content.decode()
    log.refresh_from_db()
    assert log.result == ImportLog.Result.APPLIED
    assert Material.objects.count() == 10
    assert Material.objects.get(code="RM-0004").base_unit == basics["kg"]

    listing = client.get(reverse("masterdata:material_list")).content.decode()
    assert "RM-0001" in listing and "环氧树脂 E-7" in listing

    fixed.seek(0)
    html = upload(client, fixed)
    again = ImportLog.objects.filter(actor=user).latest("pk")
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 10)
    assert "所有行均无变化：系统中的数据已与文件一致，无需导入。" in html
    assert f"#{log.pk}" in html  # "this same file was already imported … (import #n)"
    assert "confirm-import" not in html


def error_rows_present(html: str) -> bool:
    return 'id="import-errors"' in html

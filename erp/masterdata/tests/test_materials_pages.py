import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from erp.core.export import xlsx_bytes
from erp.masterdata.models import Material, UnitConversion
from erp.masterdata.services.categories import category_create
from erp.masterdata.services.materials import material_create
from erp.masterdata.services.units import unit_upsert

pytestmark = pytest.mark.django_db
LIST = reverse("masterdata:material_list")
# session, user, permissions, filter choices (categories), count, totals, page rows: 9;
# plus the shell chrome: company, approval badge (2: delegations in a subquery), backup banner
# (1): 13
QUERIES = 13


@pytest.fixture
def md(admin_user):
    kg = unit_upsert(actor=admin_user, data={"code": "kg", "name": "千克"})[0]
    drum = unit_upsert(actor=admin_user, data={"code": "桶", "name": "桶"})[0]
    raw = category_create(actor=admin_user, data={"code": "RM", "name": "原材料"})
    pack = category_create(actor=admin_user, data={"code": "PK", "name": "包装物"})
    return {"admin": admin_user, "kg": kg, "drum": drum, "raw": raw, "pack": pack}


def make(md, code, name, *, category=None, cost="1", kind="raw"):
    return material_create(
        actor=md["admin"],
        data={
            "code": code,
            "name": name,
            "category": category or md["raw"],
            "inventory_type": kind,
            "procurement": "buy",
            "base_unit": md["kg"],
            "shelf_life_days": 365,
            "standard_cost": Decimal(cost),
        },
    )


@pytest.fixture
def client_admin(client, md):
    client.force_login(md["admin"])
    return client


def codes_on_page(response) -> list[str]:
    html = response.content.decode()
    return [m.code for m in Material.objects.all() if f">{m.code}</a>" in html]


def test_list_filters_sorts_and_searches(client_admin, md):
    make(md, "RM-1", "环氧树脂", cost="30")
    make(md, "RM-2", "二甲苯", cost="7")
    make(md, "PK-1", "铁桶", category=md["pack"], kind="packaging", cost="18")
    response = client_admin.get(LIST, {"category": md["pack"].pk})
    assert response.status_code == 200
    assert codes_on_page(response) == ["PK-1"]
    response = client_admin.get(LIST, {"q": "二甲"})
    assert codes_on_page(response) == ["RM-2"]
    html = client_admin.get(LIST, {"sort": "-standard_cost"}).content.decode()
    assert html.index(">RM-1<") < html.index(">PK-1<") < html.index(">RM-2<")


def test_export_equals_the_rows_on_the_page(client_admin, md):
    for i in range(5):
        make(md, f"RM-{i}", f"树脂{i}", cost=str(10 - i))
    params = {"sort": "-standard_cost", "q": "树脂"}
    page = client_admin.get(LIST, params).content.decode()
    response = client_admin.get(LIST, {**params, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    on_page = sorted(exported, key=lambda c: page.index(f">{c}<"))
    assert exported == on_page == ["RM-0", "RM-1", "RM-2", "RM-3", "RM-4"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "name; DROP TABLE masterdata_material"},
        {"sort": "(SELECT 1)"},
        {"sort": "name desc, (SELECT password FROM iam_user)"},
        {"category": "1; DROP TABLE x"},
        {"inventory_type": "(SELECT 1)"},
    ],
)
def test_injection_through_sort_or_filter_is_a_400_without_db_text(client_admin, md, params):
    make(md, "RM-1", "环氧树脂")
    response = client_admin.get(LIST, params)
    assert response.status_code == 400
    body = response.content.decode().lower()
    assert "syntax" not in body and "sqlite" not in body and "traceback" not in body
    assert Material.objects.count() == 1


def test_injection_through_search_is_just_text(client_admin, md):
    make(md, "RM-1", "环氧树脂")
    response = client_admin.get(LIST, {"q": "'; DROP TABLE masterdata_material; --"})
    assert response.status_code == 200
    assert codes_on_page(response) == []
    assert Material.objects.count() == 1


def test_formula_name_exports_as_text(client_admin, md):
    make(md, "RM-F", "=1+1")
    response = client_admin.get(LIST, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = next(sheet.iter_rows(min_row=2, values_only=True))
    assert row[1] == "'=1+1"
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"


def test_negative_number_stays_numeric_in_export():
    body = xlsx_bytes(sheet_title="t", headers=["a", "b"], rows=[[Decimal("-5.5"), "-5.5"]])
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.cell(row=2, column=1).value == -5.5
    assert sheet.cell(row=2, column=1).data_type == "n"
    assert sheet.cell(row=2, column=2).value == "'-5.5"


def test_list_query_count_is_constant_for_20_and_100_rows(
    client_admin, md, django_assert_num_queries
):
    for i in range(20):
        make(md, f"A-{i:03}", f"物料{i}")
    client_admin.get(LIST)  # warm caches (content types, session)
    with django_assert_num_queries(QUERIES) as first:
        client_admin.get(LIST, {"per_page": 100})
    for i in range(80):
        make(md, f"B-{i:03}", f"物料{i}", category=md["pack"], kind="packaging")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client_admin.get(LIST, {"per_page": 100})
    assert response.content.decode().count('class="form-check-input erp-row-check"') == 100


def test_salesperson_sees_the_list_but_no_new_button(client, md, make_user):
    client.force_login(make_user("seller", "sales"))
    response = client.get(LIST)
    assert response.status_code == 200
    assert reverse("masterdata:material_create") not in response.content.decode()
    assert client.get(reverse("masterdata:material_create")).status_code == 403


def test_no_role_gets_403(client, md, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(LIST).status_code == 403


def test_create_page_saves_header_and_conversion_lines(client_admin, md):
    url = reverse("masterdata:material_create")
    assert client_admin.get(url).status_code == 200
    post = {
        "code": "RM-9",
        "name": "环氧树脂 E-44",
        "category": md["raw"].pk,
        "inventory_type": "raw",
        "procurement": "buy",
        "base_unit": md["kg"].pk,
        "purchase_unit": md["drum"].pk,
        "batch_managed": "on",
        "vat_rate": "13",
        "shelf_life_days": "365",
        "reorder_point": "0",
        "safety_stock": "0",
        "min_order_qty": "0",
        "order_multiple": "0",
        "lead_time_days": "7",
        "standard_cost": "22.8",
        "conversions-TOTAL_FORMS": "2",
        "conversions-INITIAL_FORMS": "0",
        "conversions-0-from_unit": md["drum"].pk,
        "conversions-0-to_unit": md["kg"].pk,
        "conversions-0-factor": "200",
        "conversions-1-from_unit": md["kg"].pk,  # deleted row: ignored
        "conversions-1-to_unit": md["kg"].pk,
        "conversions-1-factor": "1",
        "conversions-1-DELETE": "on",
    }
    response = client_admin.post(url, post)
    material = Material.objects.get(code="RM-9")
    assert response.status_code == 302
    assert response["Location"] == reverse("masterdata:material_detail", args=[material.pk])
    assert UnitConversion.objects.get(material=material).factor == Decimal("200")
    detail = client_admin.get(response["Location"]).content.decode()
    assert "环氧树脂 E-44" in detail and "1 桶" in detail


def test_edit_page_maps_service_errors_onto_fields_and_lines(client_admin, md):
    material = make(md, "RM-1", "环氧树脂")
    url = reverse("masterdata:material_edit", args=[material.pk])
    post = {
        "code": "RM-1",
        "name": "环氧树脂",
        "category": md["raw"].pk,
        "inventory_type": "raw",
        "procurement": "buy",
        "base_unit": md["kg"].pk,
        "sales_unit": md["drum"].pk,
        "batch_managed": "on",
        "vat_rate": "13",
        "shelf_life_days": "",
        "reorder_point": "0",
        "safety_stock": "0",
        "min_order_qty": "0",
        "order_multiple": "0",
        "lead_time_days": "0",
        "standard_cost": "1",
        "conversions-TOTAL_FORMS": "1",
        "conversions-INITIAL_FORMS": "0",
        "conversions-0-from_unit": md["kg"].pk,
        "conversions-0-to_unit": md["kg"].pk,
        "conversions-0-factor": "1",
    }
    response = client_admin.post(url, post)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a unit different from the from unit." in html or "不同" in html
    assert Material.objects.get(pk=material.pk).sales_unit is None
    post["conversions-0-from_unit"] = md["drum"].pk
    response = client_admin.post(url, post)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'name="shelf_life_days"' in html and "is-invalid" in html


def test_empty_line_row_for_htmx(client_admin, md):
    url = reverse("masterdata:material_conversion_row")
    response = client_admin.get(url, {"index": "3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'name="conversions-3-factor"' in response.content.decode()
    assert client_admin.get(url, {"index": "x"}).status_code == 400


def test_deactivate_from_detail_page(client_admin, md):
    material = make(md, "RM-1", "环氧树脂")
    url = reverse("masterdata:material_active", args=[material.pk])
    assert client_admin.get(url).status_code == 405
    client_admin.post(url, {"active": "0"})
    assert Material.objects.get(pk=material.pk).active is False


def test_unknown_material_is_404(client_admin, md):
    assert client_admin.get(reverse("masterdata:material_detail", args=[99999])).status_code == 404

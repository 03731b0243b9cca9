import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from erp.masterdata.demo_partners import load_partners_demo
from erp.masterdata.models import Customer, PaymentTerm, Warehouse
from erp.masterdata.services import partners as ps

LIST = "/masterdata/customers/"


@pytest.fixture
def demo(admin_user):
    load_partners_demo(actor=admin_user)
    return admin_user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_demo_loads_twice_without_changes(demo):
    from erp.core.models import AuditEvent

    assert Customer.objects.count() == 20
    count = AuditEvent.objects.count()
    load_partners_demo(actor=demo)
    assert AuditEvent.objects.count() == count
    raw = Warehouse.objects.get(name="原料仓")
    assert raw.locations.filter(type="storage").count() == 6


def test_list_filter_search_sort(admin_client, demo):
    n60 = PaymentTerm.objects.get(code="N60")
    page = admin_client.get(LIST, {"payment_term": n60.pk})
    assert page.status_code == 200
    body = page.content.decode()
    assert "厦门海沧钢构工程有限公司" in body and "福州闽江家具制造有限公司" not in body
    page = admin_client.get(LIST, {"q": "林建华"})  # search by contact name
    assert "福州闽江家具制造有限公司" in page.content.decode()
    assert "厦门海沧" not in page.content.decode()
    page = admin_client.get(LIST, {"sort": "-credit_limit"})
    body = page.content.decode()
    assert body.index("漳州龙海船舶") < body.index("福州闽江家具")


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "name; DROP TABLE masterdata_customer"},
        {"sort": "(SELECT 1)"},
        {"sort": "name desc, (SELECT password FROM iam_user)"},
        {"payment_term": "1 OR 1=1"},
    ],
)
def test_injection_through_sort_or_filter_is_400(admin_client, demo, params):
    response = admin_client.get(LIST, params)
    assert response.status_code == 400
    assert "sqlite" not in response.content.decode().lower()
    assert Customer.objects.count() == 20


def test_search_with_sql_text_is_harmless(admin_client, demo):
    response = admin_client.get(LIST, {"q": "'; DROP TABLE masterdata_customer; --"})
    assert response.status_code == 200 and Customer.objects.count() == 20


def test_export_equals_page_rows(admin_client, demo):
    params = {"sort": "-credit_limit", "active": "true"}
    response = admin_client.get(LIST, {**params, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    expected = list(
        Customer.objects.filter(active=True)
        .order_by("-credit_limit", "pk")
        .values_list("code", flat=True)
    )
    assert [r[0] for r in rows[1:]] == expected
    assert rows[1][2] == Customer.objects.get(code=expected[0]).uscc
    limit_col = (
        rows[0].index("信用额度") if "信用额度" in rows[0] else rows[0].index("Credit limit")
    )
    assert Decimal(str(rows[1][limit_col])) == Decimal("1000000")


def _make_customers(actor, count):
    for i in range(count):
        ps.customer_create(
            actor=actor,
            data={"code": f"Q{i:04d}", "name": f"客户{i}"},
            contacts=[{"name": f"联系人{i}", "is_primary": True}],
        )


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST, {"per_page": 100}).status_code == 200
    return len(ctx)


def test_customer_list_queries_do_not_grow(admin_client, admin_user):
    _make_customers(admin_user, 20)
    twenty = _list_queries(admin_client)
    _make_customers_more = [f"R{i}" for i in range(80)]
    for code in _make_customers_more:
        ps.customer_create(actor=admin_user, data={"code": code, "name": code})
    assert _list_queries(admin_client) == twenty


def test_customer_detail_query_count_is_pinned(admin_client, demo, django_assert_max_num_queries):
    customer = Customer.objects.get(code="C001")
    with django_assert_max_num_queries(16):
        page = admin_client.get(f"/masterdata/customers/{customer.pk}/")
    assert page.status_code == 200
    assert "林建华" in page.content.decode() and "福建省福州市仓山区" in page.content.decode()


def test_warehouse_keeper_gets_403_on_customer_create_page(client, make_user):
    client.force_login(make_user("wang", "warehouse"))
    assert client.get("/masterdata/customers/new/").status_code == 403
    assert client.get(LIST).status_code == 200  # may read


def test_create_page_saves_customer_with_contacts(admin_client, demo):
    term = PaymentTerm.objects.get(code="N30")
    response = admin_client.post(
        "/masterdata/customers/new/",
        {
            "code": "C100",
            "name": "测试客户",
            "uscc": "91350100M000100Y43",
            "payment_term": term.pk,
            "credit_limit": "1000",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-name": "李四",
            "contacts-0-is_primary": "on",
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get(code="C100")
    assert customer.contacts.get().name == "李四"


def test_create_page_shows_uscc_error(admin_client):
    response = admin_client.post(
        "/masterdata/customers/new/",
        {
            "code": "C101",
            "name": "X",
            "uscc": "91350100M000100Y44",
            "credit_limit": "0",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert not Customer.objects.filter(code="C101").exists()


# --- API -----------------------------------------------------------------------------------

API = "/api/v1/customers/"


def _post(client, body, **headers):
    return client.post(API, json.dumps(body), content_type="application/json", headers=headers)


def test_api_create_read_patch(admin_client, demo):
    response = _post(
        admin_client,
        {
            "code": "C200",
            "name": "接口客户",
            "payment_term_code": "N30",
            "contacts": [{"name": "赵六", "is_primary": True}],
            "addresses": [{"address": "福州市鼓楼区1号", "is_default": True}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["payment_term_code"] == "N30" and body["contacts"][0]["name"] == "赵六"
    got = admin_client.get(f"{API}{body['id']}").json()
    assert got["addresses"][0]["address"] == "福州市鼓楼区1号"
    patched = admin_client.patch(
        f"{API}{body['id']}", json.dumps({"name": "接口客户2"}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["name"] == "接口客户2"
    assert patched.json()["contacts"][0]["name"] == "赵六"  # lines not sent are kept


@pytest.mark.parametrize("extra", [{"id": 5}, {"is_staff": True}, {"state": "approved"}])
def test_api_extra_field_is_400(admin_client, extra):
    response = _post(admin_client, {"code": "C300", "name": "X", **extra})
    assert response.status_code == 400
    assert not Customer.objects.filter(code="C300").exists()


def test_api_salesperson_cannot_set_credit_limit(client, make_user):
    client.force_login(make_user("li", "sales"))
    response = _post(client, {"code": "C301", "name": "X", "credit_limit": "99999"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _post(client, {"code": "C301", "name": "X"}).status_code == 201


def test_api_unknown_id_404_and_permission_403(admin_client, client, make_user):
    assert admin_client.get(f"{API}99999").status_code == 404
    response = admin_client.patch(
        f"{API}99999", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 404
    client.force_login(make_user("wang", "warehouse"))
    assert _post(client, {"code": "C302", "name": "X"}).status_code == 403


def test_api_idempotent_retry(admin_client):
    first = _post(admin_client, {"code": "C400", "name": "X"}, **{"Idempotency-Key": "k-1"})
    again = _post(admin_client, {"code": "C400", "name": "X"}, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Customer.objects.filter(code="C400").count() == 1


@pytest.mark.parametrize("ordering", ["name;drop", "(select 1)", "credit_limit"])
def test_api_bad_ordering_is_400(admin_client, ordering):
    response = admin_client.get(API, {"ordering": ordering})
    assert response.status_code == 400 and response.json()["code"] == "invalid_ordering"


def test_api_list_filters_and_pagination(admin_client, demo):
    body = admin_client.get(API, {"payment_term_code": "PREPAY", "ordering": "-code"}).json()
    assert [c["code"] for c in body["items"]] == ["C020", "C016", "C014", "C007", "C004"]
    assert admin_client.get(API, {"q": "厦门"}).json()["count"] == 3


def test_api_warehouse_with_locations_and_lines(admin_client, demo):
    response = admin_client.post(
        "/api/v1/warehouses/",
        json.dumps(
            {
                "code": "WH-TMP",
                "name": "临时仓",
                "locations": [{"code": "Q-01", "name": "待检01", "type": "quarantine"}],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["locations"][0]["type"] == "quarantine"
    line = admin_client.get("/api/v1/production-lines/").json()["items"][0]
    assert [s["work_center_code"] for s in line["steps"]] == [
        "WC-MIX",
        "WC-DSP",
        "WC-MIL",
        "WC-PKG",
    ]
    bad = admin_client.post(
        "/api/v1/production-lines/",
        json.dumps(
            {"code": "PL-9", "name": "X", "steps": [{"sequence": 1, "work_center_code": "NOPE"}]}
        ),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_code"

import json
from decimal import Decimal

import pytest

from erp.masterdata.models import Material, MaterialCategory, Unit
from erp.masterdata.services.categories import category_create
from erp.masterdata.services.units import unit_upsert

pytestmark = pytest.mark.django_db
URL = "/api/v1/materials/"


@pytest.fixture
def md(admin_user):
    unit_upsert(actor=admin_user, data={"code": "kg", "name": "千克"})
    unit_upsert(actor=admin_user, data={"code": "桶", "name": "桶"})
    category_create(actor=admin_user, data={"code": "RM", "name": "原材料"})
    return admin_user


@pytest.fixture
def api(client, md):
    client.force_login(md)
    return client


def payload(**extra):
    body = {
        "code": "RM-1001",
        "name": "环氧树脂 E-51",
        "category_code": "RM",
        "inventory_type": "raw",
        "procurement": "buy",
        "base_unit_code": "kg",
        "purchase_unit_code": "桶",
        "shelf_life_days": 365,
        "standard_cost": "23.5",
        "conversions": [{"from_unit_code": "桶", "to_unit_code": "kg", "factor": "200"}],
    }
    body.update(extra)
    return body


def post(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def test_create_then_get_and_patch(api):
    response = post(api, payload())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["category_code"] == "RM" and data["purchase_unit_code"] == "桶"
    assert data["conversions"] == [
        {"from_unit_code": "桶", "to_unit_code": "kg", "factor": "200.0000000000"}
    ]
    got = api.get(f"{URL}{data['id']}").json()
    assert got["name"] == "环氧树脂 E-51"
    response = api.patch(
        f"{URL}{data['id']}", json.dumps({"standard_cost": "25"}), content_type="application/json"
    )
    assert response.status_code == 200
    assert Material.objects.get(pk=data["id"]).standard_cost == Decimal("25")


def test_idempotent_retry_returns_the_same_record(api):
    first = post(api, payload(), **{"Idempotency-Key": "k-123"})
    second = post(api, payload(), **{"Idempotency-Key": "k-123"})
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Material.objects.count() == 1


def test_extra_fields_are_refused(api):
    response = post(api, payload(id=5, created_at="2020-01-01"))
    assert response.status_code == 400
    assert not Material.objects.exists()


def test_business_rule_error_is_domain_json(api):
    response = post(api, payload(conversions=[]))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "material_rules"
    assert "purchase_unit" in body["details"]["fields"]


def test_unknown_code_is_named(api):
    response = post(api, payload(category_code="NOPE"))
    assert response.status_code == 400
    assert "NOPE" in response.json()["message"]


def test_list_search_filter_and_ordering(api):
    post(api, payload())
    post(api, payload(code="RM-1002", name="二甲苯", conversions=None, purchase_unit_code=None))
    response = api.get(URL, {"ordering": "-code"})
    assert response.status_code == 200
    assert [m["code"] for m in response.json()["items"]] == ["RM-1002", "RM-1001"]
    assert response.json()["count"] == 2
    assert [m["code"] for m in api.get(URL, {"q": "二甲"}).json()["items"]] == ["RM-1002"]


@pytest.mark.parametrize(
    "ordering", ["name; DROP TABLE masterdata_material", "(SELECT 1)", "name desc, (SELECT 1)"]
)
def test_ordering_outside_the_allowlist_is_400(api, ordering):
    response = api.get(URL, {"ordering": ordering})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_ordering"
    assert "sql" not in json.dumps(body).lower()


def test_unknown_id_is_404(api):
    response = api.get(f"{URL}99999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_user_without_role_gets_403_and_anonymous_401(client, md, make_user):
    assert client.get(URL).status_code == 401
    client.force_login(make_user("nobody"))
    assert client.get(URL).status_code == 403
    assert post(client, payload()).status_code == 403


def test_units_and_categories_list_and_create(api):
    response = api.post(
        "/api/v1/units/",
        json.dumps({"code": "t", "name": "吨", "kind": "mass"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Unit.objects.get(code="t").kind == "mass"
    assert "t" in [u["code"] for u in api.get("/api/v1/units/").json()["items"]]
    response = api.post(
        "/api/v1/material-categories/",
        json.dumps({"code": "RES", "name": "树脂", "parent_code": "RM"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert MaterialCategory.objects.get(code="RES").parent.code == "RM"
    items = api.get("/api/v1/material-categories/").json()["items"]
    assert {"RM", "RES"} <= {c["code"] for c in items}

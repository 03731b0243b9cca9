from decimal import Decimal

import pytest

from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent
from erp.masterdata.models import Location, Material, UnitConversion, Warehouse
from erp.masterdata.selectors import unit_convert
from erp.masterdata.services.categories import category_create, category_update, category_upsert
from erp.masterdata.services.materials import (
    material_create,
    material_set_active,
    material_update,
    material_upsert,
)
from erp.masterdata.services.units import unit_conversion_upsert, unit_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def md(admin_user):
    units = {
        code: unit_upsert(actor=admin_user, data={"code": code, "name": code})[0]
        for code in ("kg", "t", "g", "桶", "L")
    }
    for a, b, f in (("t", "kg", "1000"), ("kg", "g", "1000")):
        unit_conversion_upsert(
            actor=admin_user,
            data={
                "material": None,
                "from_unit": units[a],
                "to_unit": units[b],
                "factor": Decimal(f),
            },
        )
    raw = category_create(actor=admin_user, data={"code": "RM", "name": "原材料"})
    resin = category_create(actor=admin_user, data={"code": "RES", "name": "树脂", "parent": raw})
    return {"units": units, "raw": raw, "resin": resin, "admin": admin_user}


def base_data(md, **extra):
    data = {
        "code": "RM-1001",
        "name": "环氧树脂 E-51",
        "specification": "200kg/桶",
        "category": md["resin"],
        "inventory_type": "raw",
        "procurement": "buy",
        "base_unit": md["units"]["kg"],
        "shelf_life_days": 365,
        "standard_cost": Decimal("23.50"),
    }
    data.update(extra)
    return data


def test_create_writes_the_material_and_one_audit_event(md):
    material = material_create(actor=md["admin"], data=base_data(md))
    assert Material.objects.get(code="RM-1001").standard_cost == Decimal("23.50")
    event = AuditEvent.objects.get(object_type="masterdata.material", object_id=str(material.pk))
    assert event.action == "create"
    assert event.actor == md["admin"]
    assert event.changes["name"] == [None, "环氧树脂 E-51"]


def test_update_audits_before_and_after(md):
    material = material_create(actor=md["admin"], data=base_data(md))
    material_update(
        actor=md["admin"], material_id=material.pk, data={"standard_cost": Decimal("25")}
    )
    event = AuditEvent.objects.filter(action="update").get()
    assert set(event.changes) == {"standard_cost"}
    assert Decimal(event.changes["standard_cost"][0]) == Decimal("23.50")
    assert event.changes["standard_cost"][1] == "25"
    assert Material.objects.get(pk=material.pk).standard_cost == Decimal("25")


def test_upsert_reports_created_updated_unchanged_and_unchanged_writes_nothing(md):
    _m, outcome = material_upsert(actor=md["admin"], data=base_data(md))
    assert outcome == "created"
    events = AuditEvent.objects.count()
    _m, outcome = material_upsert(actor=md["admin"], data=base_data(md))
    assert outcome == "unchanged"
    assert AuditEvent.objects.count() == events
    _m, outcome = material_upsert(actor=md["admin"], data=base_data(md, name="环氧树脂 E-51 新"))
    assert outcome == "updated"
    assert AuditEvent.objects.count() == events + 1


def test_salesperson_may_not_create_a_material(md, make_user):
    seller = make_user("seller", "sales")
    with pytest.raises(PermissionDenied):
        material_create(actor=seller, data=base_data(md))
    assert not Material.objects.exists()


def test_unknown_field_is_refused(md):
    with pytest.raises(ValidationFailed) as exc:
        material_create(actor=md["admin"], data=base_data(md, created_at=None))
    assert "created_at" in exc.value.details["fields"]


def test_purchase_unit_without_conversion_names_both_units(md):
    with pytest.raises(ValidationFailed) as exc:
        material_create(actor=md["admin"], data=base_data(md, purchase_unit=md["units"]["桶"]))
    message = exc.value.details["fields"]["purchase_unit"][0]
    assert "桶" in message and "kg" in message
    assert not Material.objects.exists()


def test_purchase_unit_with_own_conversion_is_accepted_in_one_call(md):
    u = md["units"]
    material = material_create(
        actor=md["admin"],
        data=base_data(md, purchase_unit=u["桶"], sales_unit=u["t"]),  # t: global conversion
        conversions=[{"from_unit": u["桶"], "to_unit": u["kg"], "factor": Decimal("200")}],
    )
    assert UnitConversion.objects.get(material=material).factor == Decimal("200")
    assert unit_convert(material, Decimal("3"), u["桶"], u["kg"]) == Decimal("600")
    assert unit_convert(material, Decimal("400"), u["kg"], u["桶"]) == Decimal("2")
    assert unit_convert(material, Decimal("1"), u["桶"], u["t"]) == Decimal("0.2")


def test_conversion_lines_replace_and_bad_lines_are_reported_per_line(md):
    u = md["units"]
    material = material_create(
        actor=md["admin"],
        data=base_data(md),
        conversions=[{"from_unit": u["桶"], "to_unit": u["kg"], "factor": Decimal("200")}],
    )
    with pytest.raises(ValidationFailed) as exc:
        material_update(
            actor=md["admin"],
            material_id=material.pk,
            data={},
            conversions=[
                {"from_unit": u["桶"], "to_unit": u["kg"], "factor": Decimal("180")},
                {"from_unit": u["kg"], "to_unit": u["桶"], "factor": Decimal("0.005")},
                {"from_unit": u["L"], "to_unit": u["L"], "factor": Decimal("1")},
            ],
        )
    assert set(exc.value.details["lines"]) == {1, 2}
    assert UnitConversion.objects.get(material=material).factor == Decimal("200")
    material_update(
        actor=md["admin"],
        material_id=material.pk,
        data={},
        conversions=[{"from_unit": u["桶"], "to_unit": u["kg"], "factor": Decimal("180")}],
    )
    assert UnitConversion.objects.get(material=material).factor == Decimal("180")
    event = AuditEvent.objects.filter(action="update").get()
    assert event.changes["conversions"] == [["1 桶 = 200 kg"], ["1 桶 = 180 kg"]]


def test_removing_the_conversion_a_purchase_unit_needs_is_refused(md):
    u = md["units"]
    material = material_create(
        actor=md["admin"],
        data=base_data(md, purchase_unit=u["桶"]),
        conversions=[{"from_unit": u["桶"], "to_unit": u["kg"], "factor": Decimal("200")}],
    )
    with pytest.raises(ValidationFailed) as exc:
        material_update(actor=md["admin"], material_id=material.pk, data={}, conversions=[])
    assert "purchase_unit" in exc.value.details["fields"]
    assert UnitConversion.objects.filter(material=material).count() == 1


def test_default_location_must_belong_to_default_warehouse(md):
    wh1 = Warehouse.objects.create(code="WH1", name="原料仓")
    wh2 = Warehouse.objects.create(code="WH2", name="成品仓")
    bin2 = Location.objects.create(warehouse=wh2, code="A-01", name="A-01")
    with pytest.raises(ValidationFailed) as exc:
        material_create(
            actor=md["admin"], data=base_data(md, default_warehouse=wh1, default_location=bin2)
        )
    assert "A-01" in exc.value.details["fields"]["default_location"][0]
    material = material_create(
        actor=md["admin"], data=base_data(md, default_warehouse=wh2, default_location=bin2)
    )
    assert material.default_location == bin2


def test_shelf_life_required_for_batch_managed_raw_but_not_packaging(md):
    with pytest.raises(ValidationFailed) as exc:
        material_create(actor=md["admin"], data=base_data(md, shelf_life_days=None))
    assert "shelf_life_days" in exc.value.details["fields"]
    packaging = material_create(
        actor=md["admin"],
        data=base_data(md, code="PK-1", inventory_type="packaging", shelf_life_days=None),
    )
    assert packaging.shelf_life_days is None


def test_negative_standard_cost_is_refused(md):
    with pytest.raises(ValidationFailed):
        material_create(actor=md["admin"], data=base_data(md, standard_cost=Decimal("-1")))


def test_deactivate_instead_of_delete(md):
    material = material_create(actor=md["admin"], data=base_data(md))
    material_set_active(actor=md["admin"], material_id=material.pk, active=False)
    assert Material.objects.get(pk=material.pk).active is False


def test_category_cycle_is_refused(md):
    child = category_create(
        actor=md["admin"], data={"code": "EPX", "name": "环氧", "parent": md["resin"]}
    )
    with pytest.raises(BusinessRuleError) as exc:
        category_update(actor=md["admin"], category_id=md["raw"].pk, data={"parent": child})
    assert exc.value.code == "category_cycle"
    with pytest.raises(BusinessRuleError):
        category_update(actor=md["admin"], category_id=child.pk, data={"parent": child})
    _c, outcome = category_upsert(
        actor=md["admin"], data={"code": "EPX", "name": "环氧", "parent": md["resin"]}
    )
    assert outcome == "unchanged"


def test_unit_convert_prefers_material_then_global_then_inverse(md):
    u = md["units"]
    material = material_create(
        actor=md["admin"],
        data=base_data(md),
        conversions=[{"from_unit": u["t"], "to_unit": u["kg"], "factor": Decimal("999")}],
    )
    assert unit_convert(material, Decimal("1"), u["t"], u["kg"]) == Decimal("999")
    assert unit_convert(None, Decimal("1"), u["t"], u["kg"]) == Decimal("1000")
    assert unit_convert(None, Decimal("500"), u["kg"], u["t"]) == Decimal("0.5")
    assert unit_convert(None, Decimal("7"), u["kg"], u["kg"]) == Decimal("7")
    with pytest.raises(BusinessRuleError) as exc:
        unit_convert(None, Decimal("1"), u["L"], u["kg"])
    assert "L" in str(exc.value.message) and "kg" in str(exc.value.message)
    with pytest.raises(TypeError):
        unit_convert(None, 1.5, u["t"], u["kg"])


def test_unit_conversion_upsert_is_keyed_by_material_and_units(md):
    u = md["units"]
    _conversion, outcome = unit_conversion_upsert(
        actor=md["admin"],
        data={"material": None, "from_unit": u["t"], "to_unit": u["kg"], "factor": Decimal("1000")},
    )
    assert outcome == "unchanged"
    _c, outcome = unit_conversion_upsert(
        actor=md["admin"],
        data={"material": None, "from_unit": u["t"], "to_unit": u["kg"], "factor": Decimal("1001")},
    )
    assert outcome == "updated"
    assert UnitConversion.objects.filter(material=None, from_unit=u["t"]).count() == 1


def test_material_create_query_count_is_pinned(md, django_assert_num_queries):
    # perms, unique code check, insert, audit insert (+ savepoint handling, and the savepoint
    # around the insert that turns a duplicate code into a clear error without breaking a
    # PostgreSQL transaction). Loaded references, the check constraint and conversion rates
    # (no purchase/sales unit) cost no query: see records.validate_record.
    with django_assert_num_queries(MATERIAL_CREATE_QUERIES):
        material_create(actor=md["admin"], data=base_data(md))


MATERIAL_CREATE_QUERIES = 7

from decimal import Decimal

import pytest

from erp.core.errors import PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent
from erp.masterdata.models import (
    Location,
    Material,
    MaterialCategory,
    ProductionLineStep,
    Unit,
    Warehouse,
    WorkCenter,
)
from erp.masterdata.services import facilities as svc

BINS = [
    {"code": "RCV", "name": "收货区", "type": "receiving"},
    {"code": "A-01", "name": "A区01", "type": "storage", "capacity": Decimal("20")},
    {"code": "A-02", "name": "A区02", "type": "storage"},
]


@pytest.fixture
def wh(admin_user):
    return svc.warehouse_create(
        actor=admin_user, data={"code": "RM", "name": "原料仓"}, locations=BINS
    )


def _refer_to(location):
    """Make a material point at the location, as stock will later."""
    unit = Unit.objects.create(code="kg", name="千克")
    category = MaterialCategory.objects.create(code="RM", name="原材料")
    Material.objects.create(
        code="M1",
        name="钛白粉",
        category=category,
        inventory_type="raw",
        procurement="buy",
        base_unit=unit,
        default_location=location,
    )


def test_warehouse_with_locations(wh):
    assert list(wh.locations.values_list("code", "type")) == [
        ("A-01", "storage"),
        ("A-02", "storage"),
        ("RCV", "receiving"),
    ]


def test_same_locations_again_unchanged(admin_user, wh):
    count = AuditEvent.objects.count()
    _, result = svc.warehouse_upsert(
        actor=admin_user, data={"code": "RM", "name": "原料仓"}, locations=BINS
    )
    assert result == "unchanged" and AuditEvent.objects.count() == count


def test_removing_storage_deletes_unreferenced_and_keeps_referenced(admin_user, wh):
    _refer_to(wh.locations.get(code="A-02"))
    svc.warehouse_update(
        actor=admin_user, warehouse_id=wh.pk, data={}, locations=[BINS[0], BINS[2]]
    )
    # A-01 nothing refers to: deleted. A-02 is kept in the set.
    assert dict(wh.locations.values_list("code", "active")) == {"RCV": True, "A-02": True}
    svc.warehouse_update(
        actor=admin_user,
        warehouse_id=wh.pk,
        data={},
        locations=[BINS[0], {"code": "B-01", "name": "B区01"}],
    )
    # A-02 is referenced: left out of the set, it is deactivated instead of deleted.
    assert dict(wh.locations.values_list("code", "active")) == {
        "RCV": True,
        "A-02": False,
        "B-01": True,
    }
    with pytest.raises(ValidationFailed) as err:
        svc.warehouse_update(
            actor=admin_user, warehouse_id=wh.pk, data={}, locations=[BINS[0], BINS[2]]
        )
    assert err.value.code == "last_storage_location"


def test_referenced_location_is_deactivated_not_deleted(admin_user, wh):
    location = wh.locations.get(code="A-02")
    _refer_to(location)
    assert svc.location_remove(actor=admin_user, location_id=location.pk) == "deactivated"
    location.refresh_from_db()
    assert location.active is False
    assert svc.location_remove(actor=admin_user, location_id=wh.locations.get(code="RCV").pk) == (
        "deleted"
    )


def test_last_storage_location_cannot_be_deactivated(admin_user, wh):
    svc.location_upsert(actor=admin_user, data={"warehouse": wh, "code": "A-01", "active": False})
    with pytest.raises(ValidationFailed) as err:
        svc.location_upsert(
            actor=admin_user, data={"warehouse": wh, "code": "A-02", "type": "scrap"}
        )
    assert err.value.code == "last_storage_location"


def test_deactivating_warehouse_deactivates_locations(admin_user, wh):
    svc.warehouse_update(actor=admin_user, warehouse_id=wh.pk, data={"active": False})
    assert not wh.locations.filter(active=True).exists()
    event = AuditEvent.objects.filter(object_id=str(wh.pk), action="update").get()
    assert event.changes["active"] == [True, False]
    before, after = event.changes["locations"]
    assert len(before) == len(after) and before != after  # readable labels, "active" dropped
    with pytest.raises(ValidationFailed) as err:
        svc.location_upsert(actor=admin_user, data={"warehouse": wh, "code": "NEW", "name": "新"})
    assert err.value.code == "inactive_warehouse"


def test_referenced_warehouse_is_deactivated(admin_user, wh):
    _refer_to(wh.locations.get(code="A-01"))
    assert svc.warehouse_remove(actor=admin_user, warehouse_id=wh.pk) == "deactivated"
    assert Warehouse.objects.get(pk=wh.pk).active is False
    assert Location.objects.filter(warehouse=wh).count() == 3


def test_unreferenced_warehouse_is_deleted(admin_user, wh):
    assert svc.warehouse_remove(actor=admin_user, warehouse_id=wh.pk) == "deleted"
    assert not Warehouse.objects.exists() and not Location.objects.exists()


def test_location_upsert_keyed_by_warehouse_and_code(admin_user, wh):
    other = svc.warehouse_create(actor=admin_user, data={"code": "FG", "name": "成品仓"})
    loc, result = svc.location_upsert(
        actor=admin_user, data={"warehouse": other, "code": "A-01", "name": "成品A01"}
    )
    assert result == "created" and loc.warehouse == other
    _, result = svc.location_upsert(
        actor=admin_user, data={"warehouse": wh, "code": "A-01", "name": "A区01"}
    )
    assert result == "unchanged"


def test_warehouse_keeper_may_add_locations_not_warehouses(make_user, wh):
    keeper = make_user("wang", "warehouse")
    svc.location_upsert(actor=keeper, data={"warehouse": wh, "code": "A-03", "name": "A区03"})
    with pytest.raises(PermissionDenied):
        svc.warehouse_create(actor=keeper, data={"code": "X", "name": "X"})


def test_capacity_must_be_positive(admin_user, wh):
    with pytest.raises(ValidationFailed):
        svc.location_upsert(
            actor=admin_user,
            data={"warehouse": wh, "code": "A-09", "name": "A", "capacity": Decimal("0")},
        )


def test_work_center_rules(admin_user):
    centre, result = svc.work_center_upsert(
        actor=admin_user,
        data={
            "code": "WC-MIX",
            "name": "配料",
            "capacity_hours_per_day": Decimal("16"),
            "labour_rate": Decimal("45.00"),
            "overhead_rate": Decimal("30.00"),
        },
    )
    assert result == "created"
    with pytest.raises(ValidationFailed) as err:
        svc.work_center_update(
            actor=admin_user,
            work_center_id=centre.pk,
            data={"capacity_hours_per_day": Decimal("25"), "labour_rate": Decimal("-1")},
        )
    assert set(err.value.details["fields"]) == {"capacity_hours_per_day", "labour_rate"}


def _centres(admin_user):
    return [
        svc.work_center_create(actor=admin_user, data={"code": f"W{i}", "name": name})
        for i, name in enumerate(["配料", "分散", "研磨"])
    ]


def test_production_line_steps(admin_user):
    a, b, c = _centres(admin_user)
    line = svc.production_line_create(
        actor=admin_user,
        data={"code": "L1", "name": "涂料一线"},
        steps=[
            {"sequence": 10, "work_center": a},
            {"sequence": 20, "work_center": b},
        ],
    )
    _, result = svc.production_line_upsert(
        actor=admin_user,
        data={"code": "L1", "name": "涂料一线"},
        steps=[{"sequence": 10, "work_center": a}, {"sequence": 20, "work_center": b}],
    )
    assert result == "unchanged"
    # Swapping the order rewrites the steps without tripping the unique sequence.
    svc.production_line_update(
        actor=admin_user,
        production_line_id=line.pk,
        data={},
        steps=[
            {"sequence": 10, "work_center": b},
            {"sequence": 20, "work_center": a},
            {"sequence": 30, "work_center": c},
        ],
    )
    assert list(
        ProductionLineStep.objects.filter(line=line).values_list("sequence", "work_center__name")
    ) == [(10, "分散"), (20, "配料"), (30, "研磨")]


def test_work_center_once_per_line_and_unique_sequence(admin_user):
    a, b, _ = _centres(admin_user)
    with pytest.raises(ValidationFailed) as err:
        svc.production_line_create(
            actor=admin_user,
            data={"code": "L2", "name": "X"},
            steps=[{"sequence": 1, "work_center": a}, {"sequence": 2, "work_center": a}],
        )
    assert err.value.code == "invalid_step"
    with pytest.raises(ValidationFailed):
        svc.production_line_create(
            actor=admin_user,
            data={"code": "L3", "name": "X"},
            steps=[{"sequence": 1, "work_center": a}, {"sequence": 1, "work_center": b}],
        )
    a.active = False
    a.save()
    with pytest.raises(ValidationFailed):
        svc.production_line_create(
            actor=admin_user,
            data={"code": "L4", "name": "X"},
            steps=[{"sequence": 1, "work_center": a}],
        )
    assert not WorkCenter.objects.filter(code="L4").exists()

"""Warehouses, locations (库位), work centres and production lines: every write, with its rules.

Decisions (see the report in docs):
- An active warehouse that has an active storage location must keep at least one: stock put
  away needs somewhere to go. A new warehouse may start without locations (imports add them).
- A location or warehouse that other records refer to is deactivated instead of deleted.
- Deactivating a warehouse deactivates its active locations in the same transaction (and the
  audit row shows them); reactivating it does not reactivate them.
- A work centre appears at most once per production line: the line is the physical sequence
  of stations; an operation repeated on one station belongs in the routing, not the line.
"""

from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed
from erp.masterdata.models import (
    Location,
    ProductionLine,
    ProductionLineStep,
    Warehouse,
    WorkCenter,
)
from erp.masterdata.services.records import (
    LineSet,
    RecordKind,
    delete_or_deactivate,
    record_create,
    record_remove,
    record_update,
    record_upsert,
)

LOCATION_FIELDS = ("code", "name", "type", "capacity", "active")
STORAGE = Location.Type.STORAGE


def _last_storage_error(warehouse) -> ValidationFailed:
    message = _(
        "Warehouse %(warehouse)s must keep at least one active storage location. Add another "
        "storage location first, or deactivate the whole warehouse."
    ) % {"warehouse": warehouse}
    return ValidationFailed(
        message, code="last_storage_location", fields={"locations": [str(message)]}
    )


def _is_storage(line) -> bool:
    return line.active and line.type == STORAGE


def _check_locations(warehouse, lines, existing) -> None:
    if (
        warehouse.active
        and any(_is_storage(x) for x in existing)
        and not any(_is_storage(x) for x in lines)
    ):
        raise _last_storage_error(warehouse)


def _deactivate_locations(warehouse, changed: list[str]) -> None:
    if "active" in changed and not warehouse.active:
        for location in warehouse.locations.filter(active=True):
            location.active = False
            location.save(update_fields=["active", "updated_at"])


def _clean_warehouse(obj, changed: list[str], created: bool) -> None:
    manager = obj.manager
    if ("manager" in changed or created) and manager is not None and not manager.is_active:
        message = _(
            "The warehouse manager %(user)s is no longer active. Choose an active user."
        ) % {"user": manager}
        raise ValidationFailed(message, code="inactive_manager", fields={"manager": [str(message)]})


def _clean_location(obj, changed: list[str], created: bool) -> None:
    # Fresh and locked: a warehouse being deactivated meanwhile must not gain active bins.
    warehouse = Warehouse.objects.select_for_update().get(pk=obj.warehouse_id)
    if obj.active and not warehouse.active and (created or "active" in changed):
        message = _(
            "Warehouse %(warehouse)s is inactive. Reactivate it before adding active locations."
        ) % {"warehouse": warehouse}
        raise ValidationFailed(
            message, code="inactive_warehouse", fields={"warehouse": [str(message)]}
        )
    if created or _is_storage(obj) or not warehouse.active:
        return
    was_storage = Location.objects.filter(pk=obj.pk, active=True, type=STORAGE).exists()
    others = warehouse.locations.filter(active=True, type=STORAGE).exclude(pk=obj.pk).exists()
    if was_storage and not others:
        raise _last_storage_error(warehouse)


def _clean_work_center(obj, changed: list[str], created: bool) -> None:
    errors = {}
    hours = obj.capacity_hours_per_day
    if hours is None or not 0 < hours <= 24:
        errors["capacity_hours_per_day"] = [
            str(_("Enter the hours the centre can work per day, more than 0 and at most 24."))
        ]
    for name in ("labour_rate", "overhead_rate"):
        if getattr(obj, name) is None or getattr(obj, name) < 0:
            errors[name] = [
                str(_("A cost rate cannot be negative. Enter 0 or a positive amount per hour."))
            ]
    if errors:
        raise ValidationFailed(fields=errors)


def _check_steps(line, steps, existing) -> None:
    known = {step.work_center_id for step in existing}
    seen: set[int] = set()
    for step in steps:
        if step.sequence is None or step.sequence < 1:
            raise _step_error(_("Step sequence numbers start at 1. Renumber the steps."))
        if step.work_center_id in seen:
            raise _step_error(
                _(
                    "Work centre %(centre)s appears twice on this line. A line passes each "
                    "work centre once; remove the repeat."
                )
                % {"centre": step.work_center}
            )
        seen.add(step.work_center_id)
        if step.work_center_id not in known and not step.work_center.active:
            raise _step_error(
                _("Work centre %(centre)s is inactive. Reactivate it or choose another.")
                % {"centre": step.work_center}
            )


def _step_error(message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_step", fields={"steps": [str(message)]})


LOCATIONS = LineSet(
    "locations",
    Location,
    "warehouse",
    LOCATION_FIELDS,
    key=("code",),
    check=_check_locations,
    remove=delete_or_deactivate,
)

WAREHOUSE = RecordKind(
    model=Warehouse,
    add_perm="masterdata.add_warehouse",
    change_perm="masterdata.change_warehouse",
    delete_perm="masterdata.delete_warehouse",
    fields=("code", "name", "active", "address", "manager"),
    lines=(LOCATIONS,),
    clean=_clean_warehouse,
    after_save=_deactivate_locations,
)

LOCATION = RecordKind(
    model=Location,
    add_perm="masterdata.add_location",
    change_perm="masterdata.change_location",
    delete_perm="masterdata.delete_location",
    fields=("warehouse", *LOCATION_FIELDS),
    clean=_clean_location,
)

WORK_CENTER = RecordKind(
    model=WorkCenter,
    add_perm="masterdata.add_workcenter",
    change_perm="masterdata.change_workcenter",
    delete_perm="masterdata.delete_workcenter",
    fields=("code", "name", "active", "capacity_hours_per_day", "labour_rate", "overhead_rate"),
    clean=_clean_work_center,
)

PRODUCTION_LINE = RecordKind(
    model=ProductionLine,
    add_perm="masterdata.add_productionline",
    change_perm="masterdata.change_productionline",
    delete_perm="masterdata.delete_productionline",
    fields=("code", "name", "active"),
    lines=(
        LineSet(
            "steps",
            ProductionLineStep,
            "line",
            ("sequence", "work_center"),
            key=("sequence",),
            check=_check_steps,
            rewrite_all=True,
        ),
    ),
)


def _lines(name: str, rows: list[dict] | None) -> dict[str, list[dict]]:
    return {} if rows is None else {name: list(rows)}


# Warehouses and locations ------------------------------------------------------------------


def warehouse_create(*, actor, data: dict, locations: list[dict] | None = None) -> Warehouse:
    return record_create(WAREHOUSE, actor=actor, data=data, lines=_lines("locations", locations))


def warehouse_update(
    *, actor, warehouse_id: int, data: dict, locations: list[dict] | None = None
) -> Warehouse:
    """Locations given replace the set (matched by code); a location left out is deleted, or
    deactivated when stock or documents refer to it."""
    return record_update(
        WAREHOUSE, actor=actor, pk=warehouse_id, data=data, lines=_lines("locations", locations)
    )


def warehouse_upsert(
    *, actor, data: dict, locations: list[dict] | None = None
) -> tuple[Warehouse, str]:
    return record_upsert(
        WAREHOUSE, actor=actor, key=("code",), data=data, lines=_lines("locations", locations)
    )


def warehouse_remove(*, actor, warehouse_id: int) -> str:
    """Delete a warehouse and its locations when nothing refers to them; otherwise deactivate
    the warehouse and its locations."""
    return record_remove(WAREHOUSE, actor=actor, pk=warehouse_id, children="locations")


def location_upsert(*, actor, data: dict) -> tuple[Location, str]:
    """Create or update the location identified by (warehouse, code)."""
    return record_upsert(LOCATION, actor=actor, key=("warehouse", "code"), data=data, lines={})


def location_create(*, actor, data: dict) -> Location:
    return record_create(LOCATION, actor=actor, data=data, lines={})


def location_update(*, actor, location_id: int, data: dict) -> Location:
    return record_update(LOCATION, actor=actor, pk=location_id, data=data, lines={})


def location_remove(*, actor, location_id: int) -> str:
    return record_remove(LOCATION, actor=actor, pk=location_id)


# Work centres and production lines ---------------------------------------------------------


def work_center_create(*, actor, data: dict) -> WorkCenter:
    return record_create(WORK_CENTER, actor=actor, data=data, lines={})


def work_center_update(*, actor, work_center_id: int, data: dict) -> WorkCenter:
    return record_update(WORK_CENTER, actor=actor, pk=work_center_id, data=data, lines={})


def work_center_upsert(*, actor, data: dict) -> tuple[WorkCenter, str]:
    return record_upsert(WORK_CENTER, actor=actor, key=("code",), data=data, lines={})


def production_line_create(*, actor, data: dict, steps: list[dict] | None = None) -> ProductionLine:
    return record_create(PRODUCTION_LINE, actor=actor, data=data, lines=_lines("steps", steps))


def production_line_update(
    *, actor, production_line_id: int, data: dict, steps: list[dict] | None = None
) -> ProductionLine:
    return record_update(
        PRODUCTION_LINE, actor=actor, pk=production_line_id, data=data, lines=_lines("steps", steps)
    )


def production_line_upsert(
    *, actor, data: dict, steps: list[dict] | None = None
) -> tuple[ProductionLine, str]:
    return record_upsert(
        PRODUCTION_LINE, actor=actor, key=("code",), data=data, lines=_lines("steps", steps)
    )

"""计量单位 and 单位换算: create, change, upsert by code, (de)activate."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.masterdata.models import Unit, UnitConversion
from erp.masterdata.services.records import locked, record_save, upsert_outcome

UNIT_FIELDS = {"code", "name", "kind", "decimal_places", "active"}
CONVERSION_FIELDS = {"material", "from_unit", "to_unit", "factor"}


def unit_create(*, actor, data: dict) -> Unit:
    require_perm(actor, "masterdata.add_unit")
    with transaction.atomic():
        unit = Unit()
        record_save(actor=actor, obj=unit, data=data, allowed=UNIT_FIELDS)
    return unit


def unit_update(*, actor, unit_id: int, data: dict) -> Unit:
    require_perm(actor, "masterdata.change_unit")
    with transaction.atomic():
        unit = locked(Unit, pk=unit_id)
        if unit is None:
            raise NotFound()
        record_save(actor=actor, obj=unit, data=data, allowed=UNIT_FIELDS)
    return unit


def unit_upsert(*, actor, data: dict) -> tuple[Unit, str]:
    """Create or update the unit with data["code"]; "unchanged" writes nothing."""
    with transaction.atomic():
        unit = locked(Unit, code=data.get("code"))
        created = unit is None
        require_perm(actor, "masterdata.add_unit" if created else "masterdata.change_unit")
        unit = unit or Unit()
        wrote = record_save(actor=actor, obj=unit, data=data, allowed=UNIT_FIELDS)
    return unit, upsert_outcome(created, wrote)


def unit_set_active(*, actor, unit_id: int, active: bool) -> Unit:
    """Units are deactivated, never deleted: old documents keep showing them."""
    return unit_update(actor=actor, unit_id=unit_id, data={"active": active})


def unit_conversion_upsert(*, actor, data: dict) -> tuple[UnitConversion, str]:
    """Create or change the conversion keyed by (material or None, from_unit, to_unit)."""
    key = {k: data.get(k) for k in ("material", "from_unit", "to_unit")}
    if any(key[k] is None for k in ("from_unit", "to_unit")):
        raise ValidationFailed(
            _("Give both the from unit and the to unit of the conversion."),
            fields={k: [_("This field is required.")] for k in ("from_unit", "to_unit")},
        )
    with transaction.atomic():
        conversion = locked(UnitConversion, **key)
        created = conversion is None
        require_perm(
            actor,
            "masterdata.add_unitconversion" if created else "masterdata.change_unitconversion",
        )
        conversion = conversion or UnitConversion()
        wrote = record_save(actor=actor, obj=conversion, data=data, allowed=CONVERSION_FIELDS)
    return conversion, upsert_outcome(created, wrote)


def unit_conversion_delete(*, actor, conversion_id: int) -> None:
    """A conversion is a fact, not a referenced record: it may be removed (audited)."""
    require_perm(actor, "masterdata.delete_unitconversion")
    with transaction.atomic():
        conversion = locked(UnitConversion, pk=conversion_id)
        if conversion is None:
            raise NotFound()
        before = snapshot(conversion)
        audit_record(actor=actor, action="delete", obj=conversion, changes=diff(before, {}))
        conversion.delete()

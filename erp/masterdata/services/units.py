"""计量单位 and 单位换算: create, change, upsert by code, (de)activate."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.masterdata.models import Unit, UnitConversion
from erp.masterdata.services.records import (
    RecordKind,
    locked,
    record_create,
    record_update,
    record_upsert,
    record_upsert_by,
)

UNIT_FIELDS = ("code", "name", "kind", "decimal_places", "active")
CONVERSION_FIELDS = ("material", "from_unit", "to_unit", "factor")

UNIT = RecordKind(
    model=Unit,
    add_perm="masterdata.add_unit",
    change_perm="masterdata.change_unit",
    delete_perm="masterdata.delete_unit",
    fields=UNIT_FIELDS,
)
CONVERSION = RecordKind(
    model=UnitConversion,
    add_perm="masterdata.add_unitconversion",
    change_perm="masterdata.change_unitconversion",
    delete_perm="masterdata.delete_unitconversion",
    fields=CONVERSION_FIELDS,
)


def unit_create(*, actor, data: dict) -> Unit:
    return record_create(UNIT, actor=actor, data=data, lines={})


def unit_update(*, actor, unit_id: int, data: dict) -> Unit:
    return record_update(UNIT, actor=actor, pk=unit_id, data=data, lines={})


def unit_upsert(*, actor, data: dict) -> tuple[Unit, str]:
    """Create or update the unit with data["code"]; "unchanged" writes nothing."""
    return record_upsert(UNIT, actor=actor, key=("code",), data=data, lines={})


def unit_set_active(*, actor, unit_id: int, active: bool) -> Unit:
    """Units are deactivated, never deleted: old documents keep showing them."""
    return unit_update(actor=actor, unit_id=unit_id, data={"active": active})


def unit_conversion_upsert(*, actor, data: dict) -> tuple[UnitConversion, str]:
    """Create or change the conversion keyed by (material or None, from_unit, to_unit)."""
    lookup = {k: data.get(k) for k in ("material", "from_unit", "to_unit")}
    if any(lookup[k] is None for k in ("from_unit", "to_unit")):
        raise ValidationFailed(
            _("Give both the from unit and the to unit of the conversion."),
            fields={k: [_("This field is required.")] for k in ("from_unit", "to_unit")},
        )
    return record_upsert_by(CONVERSION, actor=actor, lookup=lookup, data=data, lines={})


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

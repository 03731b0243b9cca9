"""物料: create, change (with its own unit conversions), upsert by code, (de)activate.

Business rules (checked on every write path: pages, API, imports):
- the default location must belong to the default warehouse (and needs one);
- the purchase and sales units must convert to the base unit, through this material's own
  conversions or a global one;
- a batch-managed raw material, semi-finished or finished product needs a shelf life, because
  lot expiry dates are computed from it (packaging and consumables may leave it empty).
"""

from contextvars import ContextVar
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed
from erp.masterdata.models import Material, UnitConversion
from erp.masterdata.selectors import Rate, conversion_factor, conversion_rates
from erp.masterdata.services.records import (
    BatchRow,
    LineSet,
    RecordKind,
    record_check_batch,
    record_create,
    record_update,
    record_upsert,
    record_upsert_batch,
)

MATERIAL_FIELDS = (
    "code", "name", "specification", "category", "inventory_type", "procurement",
    "base_unit", "purchase_unit", "sales_unit", "batch_managed", "shelf_life_days",
    "qc_required", "vat_rate", "reorder_point", "safety_stock", "min_order_qty", "order_multiple",
    "lead_time_days", "default_warehouse", "default_location", "standard_cost", "density",
    "hazard_class", "storage_conditions", "active",
)  # fmt: skip
SHELF_LIFE_TYPES = {
    Material.InventoryType.RAW,
    Material.InventoryType.SEMI,
    Material.InventoryType.FINISHED,
}

# The global unit conversions while material_upsert_batch runs (None outside a batch).
_batch_common_rates: ContextVar[list[Rate] | None] = ContextVar("batch_common_rates", default=None)


def _conversion_row_errors(line: UnitConversion, earlier: list) -> dict[str, list]:
    if line.from_unit_id is None or line.to_unit_id is None:
        return {}  # model validation names the missing unit
    if line.from_unit_id == line.to_unit_id:
        return {"to_unit": [_("Choose a unit different from the from unit.")]}
    pair = {line.from_unit_id, line.to_unit_id}
    if any({x.from_unit_id, x.to_unit_id} == pair for x in earlier):
        message = _("%(a)s and %(b)s are already converted on another line. Keep one line.")
        return {"to_unit": [message % {"a": line.from_unit.code, "b": line.to_unit.code}]}
    return {}


def _rules(material: Material, lines: dict[str, list]) -> None:
    own = None
    if "conversions" in lines:
        own = [Rate(x.from_unit_id, x.to_unit_id, Decimal(x.factor)) for x in lines["conversions"]]
    _check_rules(material, own)


CONVERSIONS = LineSet(
    "conversions",
    UnitConversion,
    "material",
    ("from_unit", "to_unit", "factor"),
    row_check=_conversion_row_errors,
    label=lambda c: f"1 {c.from_unit.code} = {Decimal(c.factor).normalize():f} {c.to_unit.code}",
    # A replaced set is rewritten: pairs may swap between lines without unique-key clashes.
    rewrite_all=True,
)

MATERIAL = RecordKind(
    model=Material,
    add_perm="masterdata.add_material",
    change_perm="masterdata.change_material",
    delete_perm="masterdata.delete_material",
    fields=MATERIAL_FIELDS,
    lines=(CONVERSIONS,),
    rules=_rules,
)


def _conversions(rows: list[dict] | None) -> dict[str, list[dict]]:
    return {} if rows is None else {"conversions": list(rows)}


def material_create(*, actor, data: dict, conversions: list[dict] | None = None) -> Material:
    """Create a material; `conversions` (rows of from_unit, to_unit, factor) are its own."""
    return record_create(MATERIAL, actor=actor, data=data, lines=_conversions(conversions))


def material_update(
    *, actor, material_id: int, data: dict, conversions: list[dict] | None = None
) -> Material:
    """Change fields; `conversions`, when given, replaces this material's own conversions."""
    return record_update(
        MATERIAL, actor=actor, pk=material_id, data=data, lines=_conversions(conversions)
    )


def material_upsert(
    *, actor, data: dict, conversions: list[dict] | None = None
) -> tuple[Material, str]:
    """Create or update the material with data["code"]: "created" | "updated" | "unchanged"
    ("unchanged" writes nothing and leaves no audit event)."""
    return record_upsert(
        MATERIAL, actor=actor, key=("code",), data=data, lines=_conversions(conversions)
    )


def material_set_active(*, actor, material_id: int, active: bool) -> Material:
    """Materials are deactivated, never deleted: they disappear from pickers, old documents
    keep them."""
    return material_update(actor=actor, material_id=material_id, data={"active": active})


# --- business rules --------------------------------------------------------------------


def _check_rules(material: Material, own: list[Rate] | None) -> None:
    errors: dict[str, list] = {}
    _check_location(material, errors)
    _check_units(material, own, errors)
    _check_shelf_life(material, errors)
    if errors:
        raise ValidationFailed(code="material_rules", fields=errors)


def _check_location(material: Material, errors: dict) -> None:
    location = material.default_location
    if location is None:
        return
    if material.default_warehouse_id is None:
        errors["default_warehouse"] = [
            _("Choose the warehouse of location %(loc)s as the default warehouse.")
            % {"loc": location.code}
        ]
    elif location.warehouse_id != material.default_warehouse_id:
        errors["default_location"] = [
            _(
                "Location %(loc)s belongs to another warehouse, not %(wh)s. Choose a location "
                "of the default warehouse."
            )
            % {"loc": location.code, "wh": material.default_warehouse.code}
        ]


def _check_units(material: Material, own: list[Rate] | None, errors: dict) -> None:
    fields = [
        name
        for name in ("purchase_unit", "sales_unit")
        if getattr(material, f"{name}_id") not in (None, material.base_unit_id)
    ]
    if not fields:
        return  # nothing to convert: spare the query (once per row of a large import)
    common = _batch_common_rates.get()
    if material.pk is None and common is not None:
        stored = []  # a new material of a batch has no own rates yet
    else:
        stored, common = conversion_rates(material.pk)
    own = stored if own is None else own
    for field in fields:
        unit = getattr(material, field)
        if conversion_factor(unit.pk, material.base_unit_id, own, common) is None:
            errors[field] = [
                _(
                    "%(unit)s cannot be converted to the base unit %(base)s. Add a conversion "
                    "such as “1 %(unit)s = … %(base)s” to this material, or a global one."
                )
                % {"unit": unit.code, "base": material.base_unit.code}
            ]


def _check_shelf_life(material: Material, errors: dict) -> None:
    needs = material.batch_managed and material.inventory_type in SHELF_LIFE_TYPES
    if needs and not material.shelf_life_days:
        errors["shelf_life_days"] = [
            _(
                "A batch-managed %(type)s needs a shelf life in days (lot expiry dates are "
                "computed from it). Enter it, or clear “batch managed”."
            )
            % {"type": material.get_inventory_type_display()}
        ]


def material_upsert_batch(*, actor, rows: list[dict]) -> list[BatchRow]:
    """`material_upsert` (without conversions) for many rows in the caller's transaction: the
    same checks, audit events and outcomes, in a few queries per 500 rows (imports)."""
    # A batch writes no conversions: the global rates are read once, not once per new row.
    token = _batch_common_rates.set(conversion_rates(None)[1])
    try:
        return record_upsert_batch(MATERIAL, actor=actor, key="code", rows=rows)
    finally:
        _batch_common_rates.reset(token)


def material_check_batch(*, actor, rows: list[dict]) -> list[BatchRow]:
    """What `material_upsert_batch` would answer for `rows`, writing nothing (dry run)."""
    token = _batch_common_rates.set(conversion_rates(None)[1])
    try:
        return record_check_batch(MATERIAL, actor=actor, key="code", rows=rows)
    finally:
        _batch_common_rates.reset(token)

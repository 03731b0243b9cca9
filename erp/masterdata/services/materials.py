"""物料: create, change (with its own unit conversions), upsert by code, (de)activate.

Business rules (checked on every write path: pages, API, imports):
- the default location must belong to the default warehouse (and needs one);
- the purchase and sales units must convert to the base unit, through this material's own
  conversions or a global one;
- a batch-managed raw material, semi-finished or finished product needs a shelf life, because
  lot expiry dates are computed from it (packaging and consumables may leave it empty).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.masterdata.models import Material, UnitConversion
from erp.masterdata.selectors import Rate, conversion_factor, conversion_rates
from erp.masterdata.services.records import locked, record_save, upsert_outcome

MATERIAL_FIELDS = {
    "code", "name", "specification", "category", "inventory_type", "procurement",
    "base_unit", "purchase_unit", "sales_unit", "batch_managed", "shelf_life_days",
    "qc_required", "reorder_point", "safety_stock", "min_order_qty", "order_multiple",
    "lead_time_days", "default_warehouse", "default_location", "standard_cost", "density",
    "hazard_class", "storage_conditions", "active",
}  # fmt: skip
SHELF_LIFE_TYPES = {
    Material.InventoryType.RAW,
    Material.InventoryType.SEMI,
    Material.InventoryType.FINISHED,
}


def material_create(*, actor, data: dict, conversions: list[dict] | None = None) -> Material:
    """Create a material; `conversions` (rows of from_unit, to_unit, factor) are its own."""
    require_perm(actor, "masterdata.add_material")
    with transaction.atomic():
        material = Material()
        _save(actor, material, data, conversions)
    return material


def material_update(
    *, actor, material_id: int, data: dict, conversions: list[dict] | None = None
) -> Material:
    """Change fields; `conversions`, when given, replaces this material's own conversions."""
    require_perm(actor, "masterdata.change_material")
    with transaction.atomic():
        material = locked(Material, pk=material_id)
        if material is None:
            raise NotFound()
        _save(actor, material, data, conversions)
    return material


def material_upsert(*, actor, data: dict) -> tuple[Material, str]:
    """Create or update the material with data["code"]: "created" | "updated" | "unchanged"
    ("unchanged" writes nothing and leaves no audit event)."""
    with transaction.atomic():
        material = locked(Material, code=data.get("code"))
        created = material is None
        require_perm(actor, "masterdata.add_material" if created else "masterdata.change_material")
        material = material or Material()
        wrote = _save(actor, material, data, None)
    return material, upsert_outcome(created, wrote)


def material_set_active(*, actor, material_id: int, active: bool) -> Material:
    """Materials are deactivated, never deleted: they disappear from pickers, old documents
    keep them."""
    return material_update(actor=actor, material_id=material_id, data={"active": active})


def _save(actor, material: Material, data: dict, conversions: list[dict] | None) -> bool:
    lines = _ConversionLines(conversions) if conversions is not None else None
    if lines is not None:
        lines.validate()

    def check(obj: Material) -> None:
        _check_rules(obj, lines)

    return record_save(
        actor=actor, obj=material, data=data, allowed=MATERIAL_FIELDS, check=check, lines=lines
    )


# --- business rules --------------------------------------------------------------------


def _check_rules(material: Material, lines: "_ConversionLines | None") -> None:
    errors: dict[str, list] = {}
    _check_location(material, errors)
    _check_units(material, lines, errors)
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


def _check_units(material: Material, lines: "_ConversionLines | None", errors: dict) -> None:
    own, common = conversion_rates(material.pk)
    if lines is not None:
        own = lines.rates()
    for field in ("purchase_unit", "sales_unit"):
        unit = getattr(material, field)
        if unit is None or unit.pk == material.base_unit_id:
            continue
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


# --- the material's own conversions (inline lines) -------------------------------------


@dataclass
class _ConversionLines:
    rows: list[dict]
    name: str = "conversions"

    def validate(self) -> None:
        line_errors: dict[int, dict[str, list]] = {}
        seen: set[frozenset] = set()
        for index, row in enumerate(self.rows):
            errors = _row_errors(row, seen)
            if errors:
                line_errors[index] = errors
        if line_errors:
            raise ValidationFailed(
                _("Some unit conversion lines are not valid. Correct the marked lines."),
                code="conversion_lines_invalid",
                lines=line_errors,
            )

    def rates(self) -> list[Rate]:
        return [Rate(r["from_unit"].pk, r["to_unit"].pk, Decimal(r["factor"])) for r in self.rows]

    def changed(self, material: Material) -> bool:
        return material.pk is None or _keys(_existing(material)) != _keys(self.rows)

    def save(self, material: Material) -> list:
        before = _labels(_existing(material)) if material.pk else []
        UnitConversion.objects.filter(material=material).delete()
        UnitConversion.objects.bulk_create(
            UnitConversion(
                material=material,
                from_unit=r["from_unit"],
                to_unit=r["to_unit"],
                factor=Decimal(r["factor"]),
            )
            for r in self.rows
        )
        return [before, _labels(self.rows)]


def _row_errors(row: dict, seen: set[frozenset]) -> dict[str, list]:
    errors: dict[str, list] = {}
    from_unit, to_unit, factor = row.get("from_unit"), row.get("to_unit"), row.get("factor")
    if from_unit is None:
        errors["from_unit"] = [_("Choose the unit to convert from.")]
    if to_unit is None:
        errors["to_unit"] = [_("Choose the unit to convert to.")]
    if factor is None or Decimal(factor) <= 0:
        errors["factor"] = [_("Enter a factor greater than 0.")]
    if errors:
        return errors
    if from_unit.pk == to_unit.pk:
        errors["to_unit"] = [_("Choose a unit different from the from unit.")]
        return errors
    pair = frozenset((from_unit.pk, to_unit.pk))
    if pair in seen:
        errors["to_unit"] = [
            _("%(a)s and %(b)s are already converted on another line. Keep one line.")
            % {"a": from_unit.code, "b": to_unit.code}
        ]
    seen.add(pair)
    return errors


def _existing(material: Material) -> list[dict]:
    return [
        {"from_unit": c.from_unit, "to_unit": c.to_unit, "factor": c.factor}
        for c in UnitConversion.objects.filter(material=material).select_related(
            "from_unit", "to_unit"
        )
    ]


def _keys(rows: list[dict]) -> set[tuple]:
    return {(r["from_unit"].pk, r["to_unit"].pk, Decimal(r["factor"]).normalize()) for r in rows}


def _labels(rows: list[dict]) -> list[str]:
    return sorted(
        f"1 {r['from_unit'].code} = {Decimal(r['factor']).normalize():f} {r['to_unit'].code}"
        for r in rows
    )

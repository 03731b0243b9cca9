"""Reads of master data: pickers, tree paths, unit conversion."""

from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError, ValidationFailed
from erp.masterdata.models import Material, MaterialCategory, Unit, UnitConversion

# --- materials -------------------------------------------------------------------------


def material_count_active() -> int:
    return Material.objects.filter(active=True).count()


def material_search_scope() -> QuerySet[Material]:
    return Material.objects.filter(active=True).select_related("base_unit")


def material_detail(material_id) -> Material | None:
    return (
        Material.objects.select_related(
            "category",
            "base_unit",
            "purchase_unit",
            "sales_unit",
            "default_warehouse",
            "default_location__warehouse",
        )
        .filter(pk=material_id)
        .first()
    )


def material_conversions(material: Material) -> list[UnitConversion]:
    if material.pk is None:
        return []
    return list(
        UnitConversion.objects.filter(material=material)
        .select_related("from_unit", "to_unit")
        .order_by("from_unit__code", "to_unit__code")
    )


# --- units -----------------------------------------------------------------------------


def units_for_picker(current: Unit | None = None) -> QuerySet[Unit]:
    """Active units, plus the current value so an old record still shows its inactive unit."""
    condition = Q(active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return Unit.objects.filter(condition).order_by("code")


def global_conversions(unit: Unit) -> list[UnitConversion]:
    return list(
        UnitConversion.objects.filter(material__isnull=True)
        .filter(Q(from_unit=unit) | Q(to_unit=unit))
        .select_related("from_unit", "to_unit")
        .order_by("from_unit__code", "to_unit__code")
    )


@dataclass(frozen=True)
class Rate:
    """1 from_unit = factor × to_unit."""

    from_id: int
    to_id: int
    factor: Decimal


def conversion_rates(material_id: int | None) -> tuple[list[Rate], list[Rate]]:
    """(this material's rates, global rates) in one query."""
    rows = UnitConversion.objects.filter(Q(material__isnull=True) | Q(material_id=material_id))
    own, common = [], []
    for m_id, f_id, t_id, factor in rows.values_list(
        "material_id", "from_unit_id", "to_unit_id", "factor"
    ):
        (common if m_id is None else own).append(Rate(f_id, t_id, factor))
    return own, common


def conversion_factor(
    from_id: int, to_id: int, own: list[Rate], common: list[Rate], via: int | None = None
) -> Decimal | None:
    """Factor from one unit to another: this material's rate first, then the global one,
    each direct then inverse; failing that, through `via` (the base unit). None: no path."""
    if from_id == to_id:
        return Decimal(1)
    factor = _direct(from_id, to_id, own) or _direct(from_id, to_id, common)
    if factor is not None or via is None or via in (from_id, to_id):
        return factor
    first = conversion_factor(from_id, via, own, common)
    second = conversion_factor(via, to_id, own, common)
    return first * second if first is not None and second is not None else None


def _direct(from_id: int, to_id: int, rates: list[Rate]) -> Decimal | None:
    for rate in rates:
        if rate.from_id == from_id and rate.to_id == to_id:
            return rate.factor
    for rate in rates:
        if rate.from_id == to_id and rate.to_id == from_id:
            return Decimal(1) / rate.factor
    return None


def unit_convert(
    material: Material | None, qty: Decimal, from_unit: Unit, to_unit: Unit
) -> Decimal:
    """`qty` in `from_unit` expressed in `to_unit` (unrounded: callers round with
    erp.core.money.round_quantity where they store it).

    Raises BusinessRuleError naming both units when no conversion leads from one to the other."""
    if isinstance(qty, float):
        raise TypeError("quantities are Decimal, never float")
    material_id = material.pk if material is not None else None
    own, common = conversion_rates(material_id)
    via = material.base_unit_id if material is not None else None
    factor = conversion_factor(from_unit.pk, to_unit.pk, own, common, via)
    if factor is None:
        raise BusinessRuleError(
            _(
                "There is no conversion from %(from)s to %(to)s. Add a unit conversion "
                "(global or for this material) between them."
            )
            % {"from": from_unit.code, "to": to_unit.code},
            code="no_unit_conversion",
        )
    return qty * factor


# --- categories ------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryNode:
    category: MaterialCategory
    depth: int
    path: str


def category_tree(*, active_only: bool = False) -> list[CategoryNode]:
    """Every category in tree order (parents before children, siblings by code), one query."""
    qs = MaterialCategory.objects.order_by("code")
    if active_only:
        qs = qs.filter(active=True)
    categories = list(qs)
    children: dict[int | None, list[MaterialCategory]] = {}
    ids = {c.pk for c in categories}
    for c in categories:
        parent = c.parent_id if c.parent_id in ids else None
        children.setdefault(parent, []).append(c)
    nodes: list[CategoryNode] = []
    _walk(children, None, 0, "", nodes, set())
    return nodes


def _walk(children, parent_id, depth, prefix, nodes, seen) -> None:
    for category in children.get(parent_id, []):
        if category.pk in seen:  # a cycle written around the services: never loop forever
            continue
        seen.add(category.pk)
        path = f"{prefix} / {category.name}" if prefix else category.name
        nodes.append(CategoryNode(category, depth, path))
        _walk(children, category.pk, depth + 1, path, nodes, seen)


def category_paths() -> dict[int, str]:
    return {node.category.pk: node.path for node in category_tree()}


def category_path(category: MaterialCategory) -> str:
    return category_paths().get(category.pk, category.name)


# --- API lists -----------------------------------------------------------------------------

MATERIAL_ORDERINGS = ("code", "name", "category__code", "inventory_type", "standard_cost", "id")
UNIT_ORDERINGS = ("code", "name", "kind", "id")
CATEGORY_ORDERINGS = ("code", "name", "id")


def checked_ordering(ordering: str, allowed: tuple[str, ...]) -> str:
    """The ordering if it is on the allowlist (optionally with "-"); else a 400, never SQL."""
    ordering = ordering or allowed[0]
    if ordering.lstrip("-") not in allowed or ordering.count("-") > 1:
        raise ValidationFailed(
            _("Cannot order by “%(value)s”. Use one of: %(allowed)s (prefix - for descending).")
            % {"value": ordering[:40], "allowed": ", ".join(allowed)},
            code="invalid_ordering",
            allowed=list(allowed),
        )
    return ordering


def search(
    qs: QuerySet,
    *,
    q: str = "",
    active: bool | None = None,
    ordering: str = "",
    allowed: tuple[str, ...],
    fields: tuple[str, ...] = ("code", "name"),
    **lookups: str,
) -> QuerySet:
    """The API list filters in one place: `q` in any of `fields`, `active`, exact `lookups`
    ("" = any), ordering from the allowlist with the id as tie-break (stable pages)."""
    q = q.strip()[:100]
    if q:
        qs = qs.filter(reduce(or_, (Q(**{f"{name}__icontains": q}) for name in fields)))
    qs = qs.filter(**{lookup: value for lookup, value in lookups.items() if value})
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by(checked_ordering(ordering, allowed), "pk")


def material_list(
    *,
    q: str = "",
    category_code: str = "",
    inventory_type: str = "",
    procurement: str = "",
    active: bool | None = None,
    ordering: str = "code",
) -> QuerySet[Material]:
    qs = Material.objects.select_related(
        "category",
        "base_unit",
        "purchase_unit",
        "sales_unit",
        "default_warehouse",
        "default_location",
    )
    return search(
        qs,
        q=q,
        active=active,
        ordering=ordering,
        allowed=MATERIAL_ORDERINGS,
        fields=("code", "name", "specification"),
        category__code=category_code,
        inventory_type=inventory_type,
        procurement=procurement,
    )


def unit_list(*, q: str = "", active: bool | None = None, ordering: str = "code"):
    return search(Unit.objects.all(), q=q, active=active, ordering=ordering, allowed=UNIT_ORDERINGS)


def category_list(*, q: str = "", active: bool | None = None, ordering: str = "code"):
    qs = MaterialCategory.objects.select_related("parent")
    return search(qs, q=q, active=active, ordering=ordering, allowed=CATEGORY_ORDERINGS)

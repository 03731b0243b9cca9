"""Production reads: which formula version applies, lot genealogy, where a material is used
and how two formula versions differ."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from erp.production.models import Formula, FormulaLine, LotLink
from erp.production.states import FormulaState


def formula_for(*, product, on_date: date) -> Formula | None:
    """The released version of `product`'s formula effective on `on_date` (newest first)."""
    return (
        Formula.objects.filter(
            product_id=getattr(product, "pk", product),
            state=FormulaState.RELEASED,
            date__lte=on_date,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))
        .order_by("-formula_version")
        .first()
    )


def lot_parents(lot) -> QuerySet[LotLink]:
    """The input lots that went into `lot`: links with parent lot, quantity and order."""
    return (
        LotLink.objects.filter(child_id=getattr(lot, "pk", lot))
        .select_related("parent__material", "order")
        .order_by("parent__material__code", "parent__number")
    )


def lot_children(lot) -> QuerySet[LotLink]:
    """The output lots `lot` went into: links with child lot, quantity and order."""
    return (
        LotLink.objects.filter(parent_id=getattr(lot, "pk", lot))
        .select_related("child__material", "order")
        .order_by("child__material__code", "child__number")
    )


def lot_ancestors(lot, *, max_depth: int = 20) -> list[LotLink]:
    """Every link below `lot`, level by level (a semi-finished lot's own inputs too)."""
    return _walk(lot, "child_id", "parent_id", max_depth)


def lot_descendants(lot, *, max_depth: int = 20) -> list[LotLink]:
    """Every link above `lot`: the outputs it went into, and theirs (recall)."""
    return _walk(lot, "parent_id", "child_id", max_depth)


def _walk(lot, match: str, follow: str, max_depth: int) -> list[LotLink]:
    found: list[LotLink] = []
    seen: set[int] = set()
    frontier = {getattr(lot, "pk", lot)}
    for _level in range(max_depth):
        links = list(
            LotLink.objects.filter(**{f"{match}__in": frontier}).select_related(
                "parent__material", "child__material", "order"
            )
        )
        links = [ln for ln in links if ln.pk not in seen]
        if not links:
            break
        found += links
        seen |= {ln.pk for ln in links}
        frontier = {getattr(ln, follow) for ln in links}
    return found


# --- where used and version diff ------------------------------------------------------------


@dataclass(frozen=True)
class WhereUsed:
    formula: Formula
    line: FormulaLine
    as_substitute: bool


def formulas_using(material, *, include_cancelled: bool = False) -> list[WhereUsed]:
    """The formula versions that use `material` as a line or as a line's substitute (配方反查),
    newest version of each product first."""
    mid = getattr(material, "pk", material)
    lines = (
        FormulaLine.objects.filter(Q(material_id=mid) | Q(substitute_id=mid))
        .select_related("document__product", "material", "substitute")
        .order_by("document__product__code", "-document__formula_version", "line_no")
    )
    if not include_cancelled:
        lines = lines.exclude(document__state=FormulaState.CANCELLED)
    return [WhereUsed(ln.document, ln, ln.material_id != mid) for ln in lines]


# What a line is compared on; the material is the key lines are matched by.
DIFF_FIELDS = (
    "mode",
    "percentage",
    "quantity",
    "loss_pct",
    "potency_attribute",
    "potency_target",
    "compensates",
    "substitute_id",
    "substitute_ratio",
)
ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass(frozen=True)
class DiffRow:
    material: object
    status: str  # added, removed, changed, same
    left: FormulaLine | None
    right: FormulaLine | None
    fields: tuple[str, ...]  # the fields that differ (changed rows)


def formula_diff(left: Formula, right: Formula) -> list[DiffRow]:
    """Lines of two versions side by side, matched by component: added (only in `right`),
    removed (only in `left`), changed (which fields) or the same; in `left`'s line order, the
    added ones after."""
    lefts = _lines_by_material(left)
    rights = _lines_by_material(right)
    rows = []
    for key, ln in lefts.items():
        other = rights.get(key)
        if other is None:
            rows.append(DiffRow(ln.material, REMOVED, ln, None, ()))
            continue
        fields = tuple(f for f in DIFF_FIELDS if getattr(ln, f) != getattr(other, f))
        rows.append(DiffRow(ln.material, CHANGED if fields else SAME, ln, other, fields))
    rows += [
        DiffRow(ln.material, ADDED, None, ln, ()) for k, ln in rights.items() if k not in lefts
    ]
    return rows


def _lines_by_material(formula: Formula) -> dict[tuple[int, int], FormulaLine]:
    """Keyed by (material, occurrence) so a component listed twice still pairs up."""
    found: dict[tuple[int, int], FormulaLine] = {}
    for ln in formula.lines.select_related("material", "substitute").order_by("line_no"):
        n = sum(1 for k in found if k[0] == ln.material_id)
        found[(ln.material_id, n)] = ln
    return found


def formula_versions(formula: Formula) -> list[Formula]:
    """Every version of `formula`'s product, newest first (to pick one to compare with)."""
    return list(
        Formula.objects.filter(product_id=formula.product_id)
        .exclude(pk=formula.pk)
        .order_by("-formula_version")
    )

"""Production reads: which formula version applies, order requirements, lot genealogy."""

from datetime import date

from django.db.models import Q, QuerySet

from erp.production.models import Formula, LotLink
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

"""The lot picker (批次选择): a type-ahead over lot numbers and material codes, so a line or
the lot status page never renders every lot as a <select> (15,000 lots made those pages
1 MB and 12–18 s; benchmarks/volume/page_budget.py).

Lot number and material code prefixes are index range scans (`lot_number` index, unique
material code); only when they give fewer than the limit does a substring scan of the lot
number fill the rest. Newest lots first when nothing is typed."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erp.inventory.models import Lot
from erp.masterdata.selectors_pickers import TOP, PickerKind, PickerOption, picker_register


def _option(lot: Lot) -> PickerOption:
    expiry = f"{lot.expiry_date:%Y-%m-%d}" if lot.expiry_date else ""
    return PickerOption(
        pk=lot.pk,
        code=lot.number,
        name=f"{lot.material.code} {lot.material.name}",
        specification=" ".join(x for x in (expiry, str(lot.get_status_display())) if x),
    )


def lot_picker_search(query: str, limit: int) -> list[PickerOption]:
    base = Lot.objects.select_related("material")
    if not query:
        return [_option(lot) for lot in base.order_by("-pk")[:limit]]
    found: dict[int, PickerOption] = {}
    for condition, order in (
        (Q(number__gte=query, number__lt=query + TOP), ("number",)),
        (
            Q(material__code__gte=query, material__code__lt=query + TOP),
            ("material__code", "number"),
        ),
        (Q(number__icontains=query), ("number",)),
    ):
        if len(found) >= limit:
            break
        rows = base.filter(condition).exclude(pk__in=list(found)).order_by(*order)
        for lot in rows[: limit - len(found)]:
            found[lot.pk] = _option(lot)
    return list(found.values())


def lot_picker_option(pk: int) -> PickerOption | None:
    lot = Lot.objects.select_related("material").filter(pk=pk).first()
    return _option(lot) if lot else None


def lot_picker_register() -> None:
    picker_register(
        "lot",
        PickerKind(
            Lot,
            "inventory.view_lot",
            search=lot_picker_search,
            option=lot_picker_option,
            placeholder=_("Lot number or material code"),
        ),
    )

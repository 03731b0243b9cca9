"""Found stock during a stock count (盘盈 of stock the snapshot did not list): a count line with
book quantity 0 added while counting. Kept beside services/counts.py, whose helpers it uses,
so the count's own module stays as it is."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.services.audit import audit_record
from erp.inventory.models import Lot, MaterialValuation, StockCount, StockCountLine
from erp.inventory.services.counts import _counted, _field_error, _locked, _refuse_unless
from erp.inventory.services.lots import LotRequest, lots_for_receipt
from erp.inventory.states import StockCountState
from erp.masterdata.models import Location, Material


def stock_count_line_add(
    *,
    actor,
    count_id: int,
    material_id: int,
    location_id: int,
    counted_quantity: Decimal | str,
    lot_id: int | None = None,
    lot_number: str = "",
) -> StockCountLine:
    """Add a line for stock found during counting that the snapshot does not list: book 0,
    the counted quantity as entered. A batch-managed material needs its lot: an existing one
    (id or number) or a new number (created like a receipt's lot, 待检 if QC is required)."""
    require_perm(actor, "inventory.count_stockcount")
    with transaction.atomic():
        count = _locked(count_id)
        _refuse_unless(count, StockCountState.COUNTING)
        material, location = _found_scope(count, material_id, location_id)
        lot = _found_lot(actor, material, count, lot_id, (lot_number or "").strip())
        existing = count.lines.filter(material=material, location=location, lot=lot).first()
        if existing is not None:
            raise _field_error(
                "material_id",
                _("Line %(no)s already counts this material, location and lot: enter it there.")
                % {"no": existing.line_no},
            )
        line = StockCountLine(
            count=count,
            line_no=(count.lines.aggregate(m=Max("line_no"))["m"] or 0) + 1,
            material=material,
            location=location,
            lot=lot,
            book_quantity=Decimal(0),
            unit_cost=_found_cost(material),
            counted_by=actor,
        )
        line.counted_quantity = _counted(counted_quantity, line)
        if line.counted_quantity is None:
            raise _field_error("counted_quantity", _("Enter the quantity you found."))
        line.save()
        audit_record(
            actor=actor,
            action="update",
            obj=count,
            changes={str(line.line_no): [None, str(line.counted_quantity)]},
            note="found stock",
        )
    return line


def _found_scope(count: StockCount, material_id, location_id) -> tuple[Material, Location]:
    location = Location.objects.filter(pk=location_id, warehouse_id=count.warehouse_id).first()
    scope = list(count.locations.values_list("pk", flat=True))
    if location is None or (scope and location.pk not in scope):
        raise _field_error("location_id", _("Choose a location within the count's scope."))
    material = Material.objects.filter(pk=material_id).first()
    categories = list(count.categories.values_list("pk", flat=True))
    if material is None or (categories and material.category_id not in categories):
        raise _field_error("material_id", _("Choose a material within the count's scope."))
    return material, location


def _found_lot(actor, material: Material, count: StockCount, lot_id, number: str) -> Lot | None:
    if not material.batch_managed and not (lot_id or number):
        return None
    if material.batch_managed and not (lot_id or number):
        raise _field_error(
            "lot_number",
            _("%(material)s is batch managed: enter the lot number on the label.")
            % {"material": material.code},
        )
    request = LotRequest(material=material, lot_id=lot_id, number=number)
    return lots_for_receipt(actor=actor, requests=[request], posting_date=count.date)[0]


def _found_cost(material: Material) -> Decimal:
    valuation = MaterialValuation.objects.filter(material=material).first()
    return valuation.unit_cost if valuation else Decimal(0)

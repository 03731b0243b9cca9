"""Month-end stock snapshots: built when a month is closed, dropped when it is reopened.

Why at close and not in every posting: a closed month can take no stock posting (the gate's
accounting listener refuses a posting dated in a closed period), so a snapshot built under the
close's exclusive period lock stays true until that period is reopened — which drops it and
every later one. The posting path stays as it was (no extra statement per posting).

A snapshot is the previous snapshot plus the month's moves (or the whole ledger for the first
one), summed in SQL: quantities per (material, location, lot) and the company quantity and value
per material, the same figures the ledger gives (`erp check stock_snapshots` compares them)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from erp.core.money import round_amount, round_quantity
from erp.inventory.models import (
    StockMove,
    StockSnapshotLine,
    StockSnapshotMonth,
    StockSnapshotValue,
)
from erp.inventory.services.posting import rows_insert

ZERO = Decimal("0")
Key = tuple[int, int, int | None]


def stock_snapshot_build(month_end: date) -> StockSnapshotMonth:
    """(Re)build the snapshot at the end of `month_end`. Call only where no stock posting can
    be dated on or before it: inside the period close, under its exclusive lock."""
    with transaction.atomic():
        stock_snapshots_drop_from(month_end)
        prev = StockSnapshotMonth.objects.filter(month_end__lt=month_end).first()
        quantities, company = _starting_point(prev)
        moves = StockMove.objects.filter(posting_date__lte=month_end)
        if prev is not None:
            moves = moves.filter(posting_date__gt=prev.month_end)
        moves_sum_into(moves, quantities, company)
        month = StockSnapshotMonth.objects.create(month_end=month_end)
        lines = [
            StockSnapshotLine(month=month, material_id=m, location_id=loc, lot_id=lot, quantity=q)
            for (m, loc, lot), q in quantities.items()
            if q
        ]
        values = [
            StockSnapshotValue(month=month, material_id=m, quantity=q, value=v)
            for m, (q, v) in company.items()
            if q or v
        ]
        rows_insert(StockSnapshotLine, lines)
        rows_insert(StockSnapshotValue, values)
        month.rows = len(lines)
        month.save(update_fields=["rows"])
    return month


def stock_snapshots_drop_from(first_day: date) -> int:
    """Forget every snapshot at or after `first_day` (a reopened month, a rebuild)."""
    months = list(
        StockSnapshotMonth.objects.filter(month_end__gte=first_day).values_list("pk", flat=True)
    )
    if not months:
        return 0
    StockSnapshotLine.objects.filter(month_id__in=months).delete()
    StockSnapshotValue.objects.filter(month_id__in=months).delete()
    StockSnapshotMonth.objects.filter(pk__in=months).delete()
    return len(months)


def _starting_point(prev: StockSnapshotMonth | None):
    quantities: dict[Key, Decimal] = defaultdict(lambda: ZERO)
    company: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    if prev is None:
        return quantities, company
    for m, loc, lot, q in StockSnapshotLine.objects.filter(month=prev).values_list(
        "material_id", "location_id", "lot_id", "quantity"
    ):
        quantities[(m, loc, lot)] = q
    for m, q, v in StockSnapshotValue.objects.filter(month=prev).values_list(
        "material_id", "quantity", "value"
    ):
        company[m] = [q, v]
    return quantities, company


def moves_sum_into(
    moves, quantities: dict[Key, Decimal], company: dict[int, list[Decimal]]
) -> None:
    """Σ into − Σ out per (material, location, lot); Σ in − Σ out of the company per material
    (a transfer moves stock between locations, not into or out of the company)."""
    for side, sign in (("to_location_id", 1), ("from_location_id", -1)):
        rows = (
            moves.filter(**{f"{side}__isnull": False})
            .values_list("material_id", side, "lot_id")
            .annotate(q=Sum("quantity"))
            .order_by()
        )
        for m, loc, lot, q in rows:
            quantities[(m, loc, lot)] += sign * round_quantity(q)
    for cond, sign in ((Q(from_location__isnull=True), 1), (Q(to_location__isnull=True), -1)):
        rows = (
            moves.filter(cond)
            .values_list("material_id")
            .annotate(q=Sum("quantity"), v=Sum("value"))
            .order_by()
        )
        for m, q, v in rows:
            company[m][0] += sign * round_quantity(q)
            company[m][1] += sign * round_amount(v)


def snapshot_before(on_date: date) -> StockSnapshotMonth | None:
    """The latest snapshot at or before `on_date`, if any."""
    return StockSnapshotMonth.objects.filter(month_end__lte=on_date).first()

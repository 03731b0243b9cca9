"""`erp check stock` and `erp check stock_reserved`: the balances and valuations must be what
the ledger says, every balance must be worth its quantity at the material's moving average
(within a cent; the valuation keeps the rounding residue), and reservations must fit in the
stock."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Abs, Coalesce

from erp.core.integrity import integrity_check
from erp.core.money import round_amount, round_quantity
from erp.inventory.models import MaterialValuation, Reservation, StockBalance, StockMove

ZERO = Decimal(0)
# A derived value is round(on hand × average): at most half a cent off the product.
VALUE_TOLERANCE = Decimal("0.01")


def _ledger_quantities() -> dict[tuple, Decimal]:
    """(material, location, lot) → quantity summed from the ledger. Sums are rounded to the
    field's places: SQLite adds decimals as binary floats, so a sum over a large ledger comes
    back as 7000341.80000000004 although every addend has four places."""
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for field, sign in (("to_location_id", 1), ("from_location_id", -1)):
        rows = (
            StockMove.objects.exclude(**{field: None})
            .values("material_id", field, "lot_id")
            .annotate(q=Sum("quantity"))
            .order_by()
        )
        for r in rows:
            totals[(r["material_id"], r[field], r["lot_id"])] += sign * round_quantity(r["q"])
    return totals


def _ledger_valuations() -> dict[int, list[Decimal]]:
    """material → [quantity, value] that crossed the company boundary (transfers cancel)."""
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for outside, sign in (("from_location", 1), ("to_location", -1)):
        rows = (
            StockMove.objects.filter(**{f"{outside}__isnull": True})
            .values("material_id")
            .annotate(q=Sum("quantity"), v=Sum("value"))
            .order_by()
        )
        for r in rows:
            totals[r["material_id"]][0] += sign * round_quantity(r["q"])
            totals[r["material_id"]][1] += sign * round_amount(r["v"])
    return totals


def stock_ledger_differences() -> list[str]:
    """Every difference between balances/valuations and the ledger, and every balance not
    worth its quantity at the average, as readable sentences."""
    problems = []
    ledger = _ledger_quantities()
    stored = {
        (b["material_id"], b["location_id"], b["lot_id"]): b["on_hand"]
        for b in StockBalance.objects.values("material_id", "location_id", "lot_id", "on_hand")
    }
    for key in sorted(set(ledger) | set(stored), key=lambda k: (k[0], k[1], k[2] or 0)):
        want, have = ledger.get(key, ZERO), stored.get(key, ZERO)
        if want != have:
            problems.append(
                f"balance material={key[0]} location={key[1]} lot={key[2]}: stored "
                f"qty {have}, ledger qty {want}"
            )
    problems += _valuation_differences()
    problems += stock_value_differences()
    return problems


def _valuation_differences() -> list[str]:
    problems = []
    ledger = _ledger_valuations()
    stored = {v.material_id: [v.quantity, v.value] for v in MaterialValuation.objects.all()}
    on_hand = {
        r["material_id"]: round_quantity(r["q"])
        for r in StockBalance.objects.values("material_id").annotate(q=Sum("on_hand")).order_by()
    }
    for m in sorted(set(ledger) | set(stored) | set(on_hand)):
        want, have = ledger.get(m, [ZERO, ZERO]), stored.get(m, [ZERO, ZERO])
        if want != have:
            problems.append(
                f"valuation material={m}: stored qty {have[0]} value {have[1]}, "
                f"ledger qty {want[0]} value {want[1]}"
            )
        if have[0] != on_hand.get(m, ZERO):
            problems.append(
                f"valuation material={m}: qty {have[0]} ≠ Σ balance on hand {on_hand.get(m, ZERO)}"
            )
        if have[1] < 0 or (have[0] == 0 and have[1] != 0):
            problems.append(f"valuation material={m}: value {have[1]} at qty {have[0]}")
    return problems


def stock_value_differences(limit: int = 200) -> list[str]:
    """Balances whose value is not round(on hand × the material's average) within a cent,
    negative, or not zero at zero quantity: one query, whatever the number of balances."""
    average = Subquery(
        MaterialValuation.objects.filter(material_id=OuterRef("material_id")).values("unit_cost")[
            :1
        ]
    )
    amount = DecimalField(max_digits=30, decimal_places=8)
    rows = (
        StockBalance.objects.annotate(average=Coalesce(average, ZERO, output_field=amount))
        .annotate(
            off=Abs(
                ExpressionWrapper(F("value") - F("on_hand") * F("average"), output_field=amount)
            )
        )
        .filter(Q(off__gt=VALUE_TOLERANCE) | Q(value__lt=0) | (Q(on_hand=0) & ~Q(value=0)))
        .order_by("material_id", "location_id", "lot_id")
        .values_list("material_id", "location_id", "lot_id", "on_hand", "value", "average")
    )
    return [
        f"balance material={m} location={loc} lot={lot}: value {v} but on hand {q} × "
        f"average {a} = {round_amount(q * a)}"
        for m, loc, lot, q, v, a in rows[:limit]
    ]


def stock_reserved_differences() -> list[str]:
    problems = []
    held: dict[tuple, Decimal] = defaultdict(Decimal)
    for r in (
        Reservation.objects.values("material_id", "location_id", "lot_id")
        .annotate(q=Sum("quantity"))
        .order_by()
    ):
        held[(r["material_id"], r["location_id"], r["lot_id"])] = r["q"]
    for b in StockBalance.objects.all():
        key = (b.material_id, b.location_id, b.lot_id)
        if b.reserved > b.on_hand:
            problems.append(f"balance {key}: reserved {b.reserved} > on hand {b.on_hand}")
        promised = held.pop(key, ZERO)
        if b.reserved != promised:
            problems.append(f"balance {key}: reserved {b.reserved} ≠ Σ reservations {promised}")
    problems += [f"reservations {k} ({q}) have no balance row" for k, q in held.items() if q]
    return problems


@integrity_check("stock")
def check_stock() -> list[str]:
    return stock_ledger_differences()


@integrity_check("stock_reserved")
def check_stock_reserved() -> list[str]:
    return stock_reserved_differences()


# Created by inventory migration 0006 (same names on SQLite and PostgreSQL).
STOCK_LEDGER_TRIGGERS = ("inventory_stockmove_no_update", "inventory_stockmove_no_delete")


@integrity_check("stock_ledger_append_only")
def stock_ledger_append_only() -> list[str]:
    from erp.core.integrity import triggers_missing

    missing = triggers_missing("inventory_stockmove", STOCK_LEDGER_TRIGGERS)
    if missing is None:
        return ["cannot inspect triggers on this database"]
    return [f"database trigger {name} missing: stock moves could be changed" for name in missing]


@integrity_check("stock_snapshots")
def stock_snapshots_match_ledger() -> list[str]:
    """The latest month-end snapshot says what the ledger says up to its date: as-of reports
    read it instead of history, so a wrong snapshot would misstate every later as-of figure."""
    from erp.inventory.models import StockSnapshotMonth
    from erp.inventory.services.snapshots import moves_sum_into

    month = StockSnapshotMonth.objects.first()
    if month is None:
        return []
    quantities: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    company: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    moves_sum_into(StockMove.objects.filter(posting_date__lte=month.month_end), quantities, company)
    stored = {
        (m, loc, lot): q
        for m, loc, lot, q in month.lines.values_list(
            "material_id", "location_id", "lot_id", "quantity"
        )
    }
    problems = [
        f"snapshot {month}: material {key[0]} at location {key[1]} lot {key[2]}: "
        f"{stored.get(key, ZERO)} stored, {q} in the ledger"
        for key, q in quantities.items()
        if stored.get(key, ZERO) != q
    ]
    problems += [
        f"snapshot {month}: material {key[0]} at location {key[1]} lot {key[2]} not in the ledger"
        for key in stored
        if key not in quantities
    ]
    values = {m: (q, v) for m, q, v in month.values.values_list("material_id", "quantity", "value")}
    problems += [
        f"snapshot {month}: material {m} company {values.get(m, (ZERO, ZERO))} stored, "
        f"{(q, v)} in the ledger"
        for m, (q, v) in company.items()
        if values.get(m, (ZERO, ZERO)) != (q, v)
    ]
    return problems

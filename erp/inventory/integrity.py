"""`erp check stock` and `erp check stock_reserved`: the balances and valuations must be what
the ledger says, and reservations must fit in the stock."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from erp.core.integrity import integrity_check
from erp.core.money import round_amount, round_quantity
from erp.inventory.models import MaterialValuation, Reservation, StockBalance, StockMove

ZERO = Decimal(0)


def _ledger_balances() -> dict[tuple, list[Decimal]]:
    """(material, location, lot) → [quantity, value] summed from the ledger. Sums are rounded
    to the fields' places: SQLite adds decimals as binary floats, so a sum over a large ledger
    comes back as 7000341.80000000004 although every addend has two places."""
    totals: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for field, sign in (("to_location_id", 1), ("from_location_id", -1)):
        rows = (
            StockMove.objects.exclude(**{field: None})
            .values("material_id", field, "lot_id")
            .annotate(q=Sum("quantity"), v=Sum("value"))
            .order_by()
        )
        for r in rows:
            t = totals[(r["material_id"], r[field], r["lot_id"])]
            t[0] += sign * round_quantity(r["q"])
            t[1] += sign * round_amount(r["v"])
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
    """Every difference between balances/valuations and the ledger, as readable sentences."""
    problems = []
    ledger = _ledger_balances()
    stored = {
        (b.material_id, b.location_id, b.lot_id): [b.on_hand, b.value]
        for b in StockBalance.objects.all()
    }
    for key in sorted(set(ledger) | set(stored), key=lambda k: (k[0], k[1], k[2] or 0)):
        want, have = ledger.get(key, [ZERO, ZERO]), stored.get(key, [ZERO, ZERO])
        if want != have:
            problems.append(
                f"balance material={key[0]} location={key[1]} lot={key[2]}: stored "
                f"qty {have[0]} value {have[1]}, ledger qty {want[0]} value {want[1]}"
            )
    problems += _valuation_differences()
    return problems


def _valuation_differences() -> list[str]:
    problems = []
    ledger = _ledger_valuations()
    stored = {v.material_id: [v.quantity, v.value] for v in MaterialValuation.objects.all()}
    by_balance: dict[int, Decimal] = defaultdict(Decimal)
    for r in StockBalance.objects.values("material_id").annotate(v=Sum("value")).order_by():
        by_balance[r["material_id"]] = round_amount(r["v"])
    for m in sorted(set(ledger) | set(stored)):
        want, have = ledger.get(m, [ZERO, ZERO]), stored.get(m, [ZERO, ZERO])
        if want != have:
            problems.append(
                f"valuation material={m}: stored qty {have[0]} value {have[1]}, "
                f"ledger qty {want[0]} value {want[1]}"
            )
        if have[1] != by_balance.get(m, ZERO):
            problems.append(
                f"valuation material={m}: value {have[1]} ≠ Σ balance values "
                f"{by_balance.get(m, ZERO)}"
            )
    return problems


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

"""Lot genealogy (批次追溯) read from the ledger and the registered lot links.

Backward: a lot → every lot that went into it, down to the received lots (supplier, supplier
lot, goods receipt). Forward: a lot → every lot made from it, up to the deliveries to
customers. Each direction is ONE recursive query (recursive CTE, SQLite and PostgreSQL) over
the links registered in erp/core/lot_links.py; the moves of the lots found come in a second
query. Nothing is stored: the ledger and the links are the only source of truth.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.db.models import Q, Sum

from erp.core.lot_links import lot_link_sources
from erp.inventory.models import Lot, StockBalance, StockMove
from erp.inventory.states import LotStatus
from erp.masterdata.models import Material
from erp.trace.models import RecallCase

BACKWARD, FORWARD = "backward", "forward"
MAX_DEPTH = 50  # depth guard: no real bill of materials nests deeper
QTY_PLACES = Decimal("0.0001")
ZERO = Decimal(0)

# Outflow and inflow move types by what they mean for a lot's mass balance (物料平衡).
CONSUMED_OUT, CONSUMED_BACK = "production_issue", "production_return"
# A lot split (部分放行) moves part of a lot into a child lot; its genealogy link explains it
# like production's links explain what a batch consumed.
LOT_SPLIT = "lot_split"
SHIPPED_OUT, SHIPPED_BACK = "sales_delivery", "sales_return"
SCRAP = "scrap"


@dataclass(frozen=True)
class Link:
    """`quantity` of lot `parent` went into lot `child` by document (`doc_type`, `doc_id`);
    `depth` is the level at which the walk first met the link (1: next to the start lot)."""

    parent: int
    child: int
    quantity: Decimal
    doc_type: str
    doc_id: int
    depth: int


@dataclass
class Genealogy:
    start: int
    direction: str
    links: list[Link]
    lots: dict[int, "TraceLot"]
    moves: list
    moves_by_lot: dict[int, list] = field(default_factory=dict)

    @property
    def lot_ids(self) -> set[int]:
        return set(self.lots)

    def next_of(self, lot_id: int) -> list[Link]:
        """The links one step further from the start: parents backward, children forward."""
        key = "child" if self.direction == BACKWARD else "parent"
        return [ln for ln in self.links if getattr(ln, key) == lot_id]


def _qty(value) -> Decimal:
    # SQLite hands a decimal column back as a float in raw SQL: round it to the stored places.
    return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(QTY_PLACES)


def _links_sql(direction: str, n_start: int) -> tuple[str, list]:
    """The recursive query. Table and column names come from the registered models' meta,
    never from input; the start lots and the depth limit are parameters. UNION (not UNION
    ALL) drops a row met again at the same depth, and the depth limit stops a cycle."""
    q = connection.ops.quote_name
    sources = lot_link_sources()
    parts = []
    for no, src in enumerate(sources):
        parts.append(
            f"SELECT {q(src.column('parent'))} AS parent, {q(src.column('child'))} AS child, "  # noqa: S608 (names from model meta)
            f"{q(src.column('quantity'))} AS qty, {q(src.column('document'))} AS doc, "
            f"{no} AS src FROM {q(src.model._meta.db_table)}"
        )
    links = parts[0] if len(parts) == 1 else " UNION ALL ".join(parts)
    # Walk from `near` (the side touching what we have) to `far` (the side we reach).
    near, far = ("child", "parent") if direction == BACKWARD else ("parent", "child")
    marks = ", ".join(["%s"] * n_start)
    sql = (
        "WITH RECURSIVE walk(parent, child, qty, doc, src, depth) AS ("  # noqa: S608 (no input)
        f" SELECT l.parent, l.child, l.qty, l.doc, l.src, 1 FROM ({links}) l"
        f" WHERE l.{near} IN ({marks})"
        " UNION"
        f" SELECT l.parent, l.child, l.qty, l.doc, l.src, w.depth + 1 FROM ({links}) l"
        f" JOIN walk w ON l.{near} = w.{far} WHERE w.depth < %s"
        ") SELECT parent, child, qty, doc, src, MIN(depth) FROM walk"
        " GROUP BY parent, child, qty, doc, src ORDER BY 6, 1, 2"
    )
    return sql, sources


def links_walk(start: list[int], direction: str, *, max_depth: int = MAX_DEPTH) -> list[Link]:
    """Every link reachable from the `start` lots in `direction` (full closure)."""
    if not lot_link_sources() or not start:
        return []
    sql, sources = _links_sql(direction, len(start))
    with connection.cursor() as cur:
        cur.execute(sql, [*start, max_depth])
        rows = cur.fetchall()
    return [
        Link(parent, child, _qty(qty), sources[src].document_type, doc, depth)
        for parent, child, qty, doc, src, depth in rows
    ]


def genealogy(lot_id: int, direction: str, *, max_depth: int = MAX_DEPTH) -> Genealogy:
    """The full trace of one lot in one direction: links, lots (with material and unit) and
    every stock move of those lots, in three queries whatever the depth."""
    links = links_walk([lot_id], direction, max_depth=max_depth)
    ids = {lot_id} | {ln.parent for ln in links} | {ln.child for ln in links}
    lots = lots_by_id(ids)
    moves, by_lot = lot_moves(ids)
    return Genealogy(lot_id, direction, links, lots, moves, by_lot)


LOT_FIELDS = (
    "id",
    "number",
    "supplier_lot",
    "status",
    "production_date",
    "expiry_date",
    "material_id",
)
MOVE_FIELDS = (
    "id",
    "lot_id",
    "material_id",
    "from_location_id",
    "to_location_id",
    "quantity",
    "move_type",
    "posting_date",
    "source_type",
    "source_id",
)


@dataclass(slots=True)
class Move:
    """A stock move as the trace reads it: plain values, no model instance (a lot in 2,000
    documents has thousands of moves)."""

    id: int
    lot_id: int
    material_id: int
    from_location_id: int | None
    to_location_id: int | None
    quantity: Decimal
    move_type: str
    posting_date: object
    source_type: str
    source_id: str


@dataclass(slots=True, eq=False)
class TraceLot:
    """A lot as the trace shows it: plain values and its material, shared by every lot of
    that material (thousands of lots cost one query for the few materials)."""

    pk: int
    number: str
    supplier_lot: str
    status: str
    production_date: object
    expiry_date: object
    material_id: int
    material: Material | None = None

    def get_status_display(self) -> str:
        return str(LotStatus(self.status).label)


def lots_by_id(ids) -> dict[int, TraceLot]:
    """The lots of a trace with their materials (and units), in two queries."""
    lots = {
        row[0]: TraceLot(*row) for row in Lot.objects.filter(pk__in=ids).values_list(*LOT_FIELDS)
    }
    materials = Material.objects.select_related("base_unit").in_bulk(
        {lot.material_id for lot in lots.values()}
    )
    for lot in lots.values():
        lot.material = materials[lot.material_id]
    return lots


def lots_by_number(q: str, *, limit: int = 50) -> list[Lot]:
    """Lots whose own or supplier's lot number is `q` (a complaint names either)."""
    q = q.strip()
    return list(
        Lot.objects.filter(Q(number__iexact=q) | Q(supplier_lot__iexact=q))
        .select_related("material")
        .order_by("material__code", "number")[:limit]
    )


def lots_of_delivery(number: str) -> list[Lot]:
    """The lots shipped on the posted delivery note `number` (a complaint quotes it): read
    from the ledger's delivery moves, so a line picked FEFO at posting is found too."""
    if not apps.is_installed("erp.sales"):
        return []
    notes = apps.get_model("sales", "DeliveryNote").objects.filter(number__iexact=number.strip())
    shipped = StockMove.objects.filter(
        source_type="sales.deliverynote",
        source_id__in=[str(pk) for pk in notes.values_list("pk", flat=True)],
        move_type=SHIPPED_OUT,
    ).values("lot_id")
    return list(
        Lot.objects.filter(pk__in=shipped)
        .select_related("material")
        .order_by("material__code", "number")
    )


def lot_moves(ids) -> tuple[list[Move], dict[int, list[Move]]]:
    """Every stock move of these lots, in ledger order, and the same grouped by lot."""
    moves = [
        Move(*row)
        for row in StockMove.objects.filter(lot_id__in=ids)
        .order_by("posting_date", "sequence")
        .values_list(*MOVE_FIELDS)
    ]
    by_lot: dict[int, list[Move]] = defaultdict(list)
    for m in moves:
        by_lot[m.lot_id].append(m)
    return moves, dict(by_lot)


def related_lots(lot_ids: list[int]) -> set[int]:
    """Every lot that shares an origin with these: their roots (backward), then all that was
    made from them (forward). What a recall of a suspect ingredient must cover."""
    up = links_walk(list(lot_ids), BACKWARD)
    roots = set(lot_ids) | {ln.parent for ln in up}
    down = links_walk(sorted(roots), FORWARD)
    return roots | {ln.child for ln in down}


# --- mass balance (物料平衡) ---------------------------------------------------------------------


@dataclass
class MassBalance:
    """received/produced = consumed + shipped + scrapped + adjusted + on hand; `difference`
    is what the ledger does not explain, `genealogy_gap` what production consumed per the
    ledger but the links do not show (both should be zero)."""

    received: Decimal = ZERO
    consumed: Decimal = ZERO
    shipped: Decimal = ZERO
    returned: Decimal = ZERO
    scrapped: Decimal = ZERO
    adjusted: Decimal = ZERO
    on_hand: Decimal = ZERO
    linked: Decimal = ZERO

    @property
    def out_total(self) -> Decimal:
        return self.consumed + self.shipped + self.scrapped + self.adjusted + self.on_hand

    @property
    def difference(self) -> Decimal:
        return self.received - self.out_total

    @property
    def genealogy_gap(self) -> Decimal:
        return self.consumed - self.linked

    @property
    def ok(self) -> bool:
        return self.difference == 0 and self.genealogy_gap == 0


def _book(bal: MassBalance, move: "Move") -> None:
    inflow = move.from_location_id is None and move.to_location_id is not None
    outflow = move.to_location_id is None and move.from_location_id is not None
    qty, kind = move.quantity, move.move_type
    if outflow:
        if kind in (CONSUMED_OUT, LOT_SPLIT):
            bal.consumed += qty
        elif kind == SHIPPED_OUT:
            bal.shipped += qty
        elif kind == SCRAP:
            bal.scrapped += qty
        else:
            bal.adjusted += qty
    elif inflow:
        if kind == CONSUMED_BACK:
            bal.consumed -= qty
        elif kind == SHIPPED_BACK:
            bal.shipped -= qty
            bal.returned += qty
        elif kind in ("count_adjust", "reversal"):
            bal.adjusted -= qty
        else:
            bal.received += qty


def on_hand_by_lot(lot_ids) -> dict[int, Decimal]:
    rows = (
        StockBalance.objects.filter(lot_id__in=lot_ids)
        .values("lot_id")
        .annotate(q=Sum("on_hand"))
        .values_list("lot_id", "q")
    )
    return {lot: q or ZERO for lot, q in rows}


def mass_balances(
    lot_ids, moves_by_lot: dict, on_hand: dict[int, Decimal], linked: dict[int, Decimal]
) -> dict[int, MassBalance]:
    """The mass balance of every lot, from moves already read."""
    result = {}
    for lot_id in lot_ids:
        bal = MassBalance(on_hand=on_hand.get(lot_id, ZERO), linked=linked.get(lot_id, ZERO))
        for move in moves_by_lot.get(lot_id, ()):
            _book(bal, move)
        result[lot_id] = bal
    return result


def lot_balances(lot_ids, moves_by_lot: dict | None = None) -> dict[int, MassBalance]:
    """The mass balance of every lot: its moves (read here unless given), stock on hand and
    what the genealogy says went into other lots."""
    ids = list(lot_ids)
    if moves_by_lot is None:
        _moves, moves_by_lot = lot_moves(ids)
    return mass_balances(ids, moves_by_lot, on_hand_by_lot(ids), linked_out(ids))


def linked_out(lot_ids) -> dict[int, Decimal]:
    """How much of each lot the genealogy says went into other lots (all registered sources)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for src in lot_link_sources():
        parent = src.parent_field
        rows = (
            src.model._default_manager.filter(**{f"{parent}_id__in": lot_ids})
            .values(f"{parent}_id")
            .annotate(q=Sum(src.quantity_field))
            .values_list(f"{parent}_id", "q")
        )
        for lot, q in rows:
            totals[lot] += q
    return dict(totals)


def recalls_in_progress_count() -> int:
    """Real recalls not closed yet (the home page's figure)."""
    return RecallCase.objects.filter(kind="recall").exclude(state="closed").count()

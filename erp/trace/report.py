"""The one-screen lot trace (批次追溯): both trees as indented rows, documents as number + link,
customers reached, suppliers, quality status and the mass balance of every lot.

Read-only, built from `selectors.genealogy` (one recursive query per direction) plus a fixed
number of queries for balances, documents and partners, whatever the size of the trace.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.urls import reverse

from erp.core.errors import NotFound
from erp.core.models.document import draft_name
from erp.core.references import document_refs, document_types
from erp.inventory.models import Lot, StockBalance, StockMove
from erp.trace.selectors import (
    BACKWARD,
    FORWARD,
    SHIPPED_BACK,
    SHIPPED_OUT,
    ZERO,
    Genealogy,
    MassBalance,
    genealogy,
    lot_balances,
)

MAX_ROWS = 300  # a tree longer than this is cut on screen (the xlsx export has every row)
RECEIPT_TYPES = ("purchase_receipt", "receipt", "opening")


@dataclass
class Partner:
    id: int
    code: str
    name: str
    kind: str  # "customer" or "supplier"
    contact: str = ""
    phone: str = ""
    quantity: Decimal = ZERO
    returned: Decimal = ZERO
    documents: list = field(default_factory=list)
    lots: list = field(default_factory=list)
    seen: set = field(default_factory=set)  # keys of documents and lots listed already

    def add(self, key: tuple, ref, lot) -> None:
        """List the document and the lot once each (sets: a lot in 2,000 deliveries)."""
        if ref is not None and key not in self.seen:
            self.seen.add(key)
            self.documents.append(ref)
        if ("lot", lot.pk) not in self.seen:
            self.seen.add(("lot", lot.pk))
            self.lots.append(lot)

    def copy(self) -> "Partner":
        return Partner(self.id, self.code, self.name, self.kind, self.contact, self.phone)


@dataclass
class DocRow:
    """A receipt into a lot (backward) or a delivery out of it (forward)."""

    ref: object
    quantity: Decimal
    date: object
    partner: Partner | None


@dataclass
class Row:
    level: int
    lot: Lot
    quantity: Decimal | None  # how much of this lot went into (backward) / came from the row above
    via: object  # the production order of that link
    balance: MassBalance
    repeat: bool = False  # the lot is expanded higher up already
    docs: list[DocRow] = field(default_factory=list)
    inspections: list = field(default_factory=list)

    @property
    def indent(self) -> int:
        return self.level * 14


@dataclass
class Tree:
    direction: str
    genealogy: Genealogy
    rows: list[Row]
    cut: bool


@dataclass
class LotTrace:
    lot: Lot
    backward: Tree
    forward: Tree
    balances: dict[int, MassBalance]
    locations: list  # stock of the start lot by location
    customers: list[Partner]
    suppliers: list[Partner]

    @property
    def balance(self) -> MassBalance:
        return self.balances[self.lot.pk]

    @property
    def all_lots(self) -> list[Lot]:
        lots = {**self.backward.genealogy.lots, **self.forward.genealogy.lots}
        return sorted(lots.values(), key=lambda lot: (lot.material.code, lot.number))


def lot_trace(lot_id: int, *, max_rows: int = MAX_ROWS) -> LotTrace:
    back, fwd = genealogy(lot_id, BACKWARD), genealogy(lot_id, FORWARD)
    lots = {**back.lots, **fwd.lots}
    if lot_id not in lots:
        raise NotFound()
    start = lots[lot_id]
    balances = lot_balances(lots, {**back.moves_by_lot, **fwd.moves_by_lot})
    moves = [m for m in back.moves + fwd.moves if _is_doc_move(m)]
    checks = inspections_by_lot(list(lots))
    link_docs = [(ln.doc_type, ln.doc_id) for ln in back.links + fwd.links]
    refs = document_refs([(m.source_type, m.source_id) for m in moves] + link_docs)
    partners = _partners({(m.source_type, m.source_id) for m in moves})
    return LotTrace(
        lot=start,
        backward=_tree(back, balances, refs, partners, RECEIPT_TYPES, checks, max_rows),
        forward=_tree(fwd, balances, refs, partners, (SHIPPED_OUT,), checks, max_rows),
        balances=balances,
        locations=list(
            StockBalance.objects.filter(lot_id=lot_id, on_hand__gt=0)
            .select_related("location__warehouse")
            .order_by("location__warehouse__code", "location__code")
        ),
        customers=_summary(fwd, refs, partners, "customer"),
        suppliers=_summary(back, refs, partners, "supplier"),
    )


def _is_doc_move(m) -> bool:
    return m.move_type in RECEIPT_TYPES or m.move_type == SHIPPED_OUT


def _partners(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Partner]:
    """The customer or supplier of each document, one query per document type: any document
    model with a `customer` or `supplier` field (delivery notes, goods receipts) qualifies."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for type_, id_ in pairs:
        if str(id_).isdigit():
            wanted[type_].add(int(id_))
    found: dict[tuple[str, str], Partner] = {}
    cache: dict[tuple[str, int], Partner] = {}
    known = document_types()
    for type_, ids in wanted.items():
        model = known[type_].model if type_ in known else None
        kind = _partner_field(model)
        if kind is None:
            continue
        rows = model._default_manager.filter(pk__in=ids).values_list(
            "pk", f"{kind}_id", f"{kind}__code", f"{kind}__name"
        )
        for pk, pid, code, name in rows:
            partner = cache.setdefault((kind, pid), Partner(pid, code, name, kind))
            found[(type_, str(pk))] = partner
    _contacts([p for p in cache.values() if p.kind == "customer"])
    return found


def _partner_field(model) -> str | None:
    if model is None:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return next((k for k in ("customer", "supplier") if k in names), None)


def _contacts(customers: list[Partner]) -> None:
    """The primary contact of each customer reached: whom the recall calls."""
    if not customers:
        return
    from erp.masterdata.models import CustomerContact

    rows = CustomerContact.objects.filter(customer_id__in=[c.id for c in customers]).order_by(
        "customer_id", "-is_primary", "id"
    )
    by_id = {c.id: c for c in customers}
    for contact in rows:
        partner = by_id[contact.customer_id]
        if not partner.contact:
            partner.contact, partner.phone = contact.name, contact.phone


def _doc_rows(gen: Genealogy, lot_id: int, refs, partners, types) -> list[DocRow]:
    rows = []
    for m in gen.moves_by_lot.get(lot_id, ()):
        if m.move_type in types:
            key = (m.source_type, str(m.source_id))
            rows.append(DocRow(refs.get(key), m.quantity, m.posting_date, partners.get(key)))
    return rows


def _tree(gen: Genealogy, balances, refs, partners, doc_types, checks, max_rows) -> Tree:
    """Depth first from the start lot; a lot reached twice is expanded the first time only."""
    lots, rows, seen = gen.lots, [], set()
    step: dict[int, list] = defaultdict(list)
    key = "child" if gen.direction == BACKWARD else "parent"
    for ln in gen.links:
        step[getattr(ln, key)].append(ln)
    stack = [(0, gen.start, None)]
    while stack and len(rows) < max_rows:
        level, lot_id, link = stack.pop()
        repeat = lot_id in seen
        seen.add(lot_id)
        rows.append(
            Row(
                level=level,
                lot=lots[lot_id],
                quantity=link.quantity if link else None,
                via=refs.get((link.doc_type, str(link.doc_id))) if link else None,
                balance=balances[lot_id],
                repeat=repeat,
                docs=[] if repeat else _doc_rows(gen, lot_id, refs, partners, doc_types),
                inspections=[] if repeat else checks.get(lot_id, []),
            )
        )
        if not repeat:
            far = "parent" if gen.direction == BACKWARD else "child"
            nxt = sorted(step[lot_id], key=lambda ln: lots[getattr(ln, far)].number, reverse=True)
            stack.extend((level + 1, getattr(ln, far), ln) for ln in nxt)
    return Tree(gen.direction, gen, rows, cut=bool(stack))


def _summary(gen: Genealogy, refs, partners, kind: str) -> list[Partner]:
    """Customers reached (forward) or suppliers of origin (backward) with their quantities,
    documents and lots."""
    types = (SHIPPED_OUT,) if kind == "customer" else RECEIPT_TYPES
    moves = [m for m in gen.moves if m.move_type in types]
    return _by_partner(moves, refs, partners, kind, lambda m: gen.lots[m.lot_id])


def _by_partner(moves, refs, partners, kind: str, lot_of) -> list[Partner]:
    """The moves summed by the customer or supplier of their document (a sales return counts
    as returned), with each document and lot listed once, in partner code order."""
    found: dict[int, Partner] = {}
    for m in moves:
        key = (m.source_type, str(m.source_id))
        partner = partners.get(key)
        if partner is None or partner.kind != kind:
            continue
        if partner.id not in found:
            found[partner.id] = partner.copy()
        agg = found[partner.id]
        if m.move_type == SHIPPED_BACK:
            agg.returned += m.quantity
        else:
            agg.quantity += m.quantity
        agg.add(key, refs.get(key), lot_of(m))
    return sorted(found.values(), key=lambda p: p.code)


def customers_of(lot_ids) -> list[Partner]:
    """Every customer who received one of these lots: quantity shipped net of returns, the
    delivery documents and the lots, with the primary contact (whom a recall calls)."""
    moves = list(
        StockMove.objects.filter(
            lot_id__in=list(lot_ids), move_type__in=(SHIPPED_OUT, SHIPPED_BACK)
        )
        .select_related("lot")
        .only("lot__number", "quantity", "move_type", "source_type", "source_id")
        .order_by("posting_date", "sequence")
    )
    pairs = {(m.source_type, str(m.source_id)) for m in moves}
    refs, partners = document_refs(pairs), _partners(pairs)
    return _by_partner(moves, refs, partners, "customer", lambda m: m.lot)


def trace_dump(lot_id: int, direction: str) -> dict:
    """One direction of a lot's trace as the API answers it (for integrators and regulators):
    lots with status and mass balance, links with their production order, and the receipts
    (backward) or deliveries (forward) with supplier or customer."""
    gen = genealogy(lot_id, direction)
    ids = list(gen.lots)
    balances = lot_balances(ids, gen.moves_by_lot)
    types = RECEIPT_TYPES if direction == BACKWARD else (SHIPPED_OUT,)
    moves = [m for m in gen.moves if m.move_type in types]
    pairs = [(m.source_type, m.source_id) for m in moves]
    refs = document_refs(pairs + [(ln.doc_type, ln.doc_id) for ln in gen.links])
    partners = _partners({(t, str(i)) for t, i in pairs})
    checks = inspections_by_lot(ids)
    depth = {lot_id: 0}
    far = "parent" if direction == BACKWARD else "child"
    for ln in gen.links:
        depth.setdefault(getattr(ln, far), ln.depth)
    return {
        "lot_id": lot_id,
        "direction": direction,
        "lots": [
            _lot_out(lot, depth.get(pk, 0), balances[pk], checks.get(pk, []))
            for pk, lot in gen.lots.items()
        ],
        "links": [
            {
                "parent_id": ln.parent,
                "child_id": ln.child,
                "quantity": ln.quantity,
                "depth": ln.depth,
                "document": refs[(ln.doc_type, str(ln.doc_id))].as_json(),
            }
            for ln in gen.links
        ],
        "documents": [_doc_out(m, refs, partners) for m in moves],
    }


def _lot_out(lot, depth: int, b: MassBalance, checks: list) -> dict:
    return {
        "id": lot.pk,
        "number": lot.number,
        "material_code": lot.material.code,
        "material_name": lot.material.name,
        "supplier_lot": lot.supplier_lot,
        "status": lot.status,
        "expiry_date": lot.expiry_date,
        "depth": depth,
        "inspections": [
            {"number": i.number, "kind": i.kind, "result": i.result, "date": i.date} for i in checks
        ],
        "mass_balance": {
            "received": b.received,
            "consumed": b.consumed,
            "shipped": b.shipped,
            "scrapped": b.scrapped,
            "adjusted": b.adjusted,
            "on_hand": b.on_hand,
            "difference": b.difference,
            "genealogy_gap": b.genealogy_gap,
        },
    }


def _doc_out(m, refs, partners) -> dict:
    key = (m.source_type, str(m.source_id))
    partner = partners.get(key)
    return {
        "lot_id": m.lot_id,
        "move_type": m.move_type,
        "posting_date": m.posting_date,
        "quantity": m.quantity,
        "document": refs[key].as_json(),
        "partner": (
            {"kind": partner.kind, "id": partner.id, "code": partner.code, "name": partner.name}
            if partner
            else None
        ),
    }


# --- graph (ECharts) -------------------------------------------------------------------------

STATUS_COLOURS = {
    "released": "#198754",
    "quarantine": "#fd7e14",
    "rejected": "#dc3545",
    "blocked": "#212529",
}
PARTNER_COLOUR = "#6c757d"
MAX_GRAPH_NODES = 300  # beyond this the graph is unreadable: the tables remain


def graph_option(trace: LotTrace) -> dict | None:
    """supplier → received lots → … → the lot → … → delivered lots → customer, as an ECharts
    graph with fixed columns (depth), coloured by quality status."""
    column = {trace.lot.pk: 0}
    for ln in trace.backward.genealogy.links:
        column.setdefault(ln.parent, -ln.depth)
    for ln in trace.forward.genealogy.links:
        column.setdefault(ln.child, ln.depth)
    lots = {**trace.backward.genealogy.lots, **trace.forward.genealogy.lots}
    if len(lots) + len(trace.customers) + len(trace.suppliers) > MAX_GRAPH_NODES:
        return None
    nodes, edges, rows = [], [], defaultdict(int)

    def place(key, col, label, colour, symbol="roundRect", width=110):
        rows[col] += 1
        nodes.append(
            {
                "id": key,
                "name": label,
                "x": col * 200,
                "y": rows[col] * 60,
                "symbol": symbol,
                "symbolSize": [width, 30],
                "itemStyle": {"color": colour},
            }
        )

    for pk, col in sorted(column.items(), key=lambda kv: (kv[1], lots[kv[0]].number)):
        lot = lots[pk]
        label = f"{lot.number}\n{lot.get_status_display()}"
        place(f"lot{pk}", col, label, STATUS_COLOURS.get(lot.status, PARTNER_COLOUR))
    for ln in trace.backward.genealogy.links + trace.forward.genealogy.links:
        edges.append({"source": f"lot{ln.parent}", "target": f"lot{ln.child}"})
    left, right = min(column.values()) - 1, max(column.values()) + 1
    for s in trace.suppliers:
        place(f"s{s.id}", left, s.name, PARTNER_COLOUR, "rect", 150)
        edges += [{"source": f"s{s.id}", "target": f"lot{lot.pk}"} for lot in s.lots]
    for c in trace.customers:
        place(f"c{c.id}", right, c.name, PARTNER_COLOUR, "rect", 150)
        edges += [{"source": f"lot{lot.pk}", "target": f"c{c.id}"} for lot in c.lots]
    unique = {(e["source"], e["target"]): e for e in edges}
    return {
        "animation": False,
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "label": {"show": True, "color": "#fff", "fontSize": 11},
                "edgeSymbol": ["none", "arrow"],
                "lineStyle": {"color": "#adb5bd", "width": 1.2},
                "data": nodes,
                "links": list(unique.values()),
            }
        ],
    }


@dataclass
class Inspection:
    """A quality inspection of a lot (进货查验 / 出厂检验 / 复检): number + link, type, result."""

    number: str
    url: str
    kind: str
    result: str
    date: object


def inspections_by_lot(lot_ids) -> dict[int, list[Inspection]]:
    """The inspection lots of quality for these lots, in one query (none without quality)."""
    if not apps.is_installed("erp.quality"):
        return {}
    model = apps.get_model("quality", "InspectionLot")
    kinds = dict(model._meta.get_field("inspection_type").flatchoices)
    states = dict(model._meta.get_field("state").flatchoices)
    found: dict[int, list[Inspection]] = defaultdict(list)
    rows = (
        model._default_manager.filter(lot_id__in=list(lot_ids))
        .order_by("date", "pk")
        .values_list("pk", "lot_id", "number", "inspection_type", "state", "date")
    )
    for pk, lot_id, number, kind, state, day in rows:
        url = reverse("quality:inspectionlot_detail", args=[pk])
        found[lot_id].append(
            Inspection(
                number or draft_name(pk),
                url,
                str(kinds.get(kind, kind)),
                str(states.get(state, state)),
                day,
            )
        )
    return dict(found)

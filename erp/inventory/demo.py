"""Demo stock for the demo company: realistic lots in every status, two months of movements
and posted stock counts, all posted through the inventory services (never written directly).

Lots: released raw materials, two near expiry (硝化棉, HDI 固化剂), one expired (水性乳液), one
in quarantine awaiting incoming inspection (钛白粉), one rejected (醇酸树脂, in 不合格品区),
one blocked finished lot (环氧富锌底漆, customer complaint). Loading twice changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from erp.core.demo import demo_today
from erp.core.services.numbering import numbering_rules_ensure_defaults
from erp.inventory.models import Lot, StockMove
from erp.inventory.services import (
    IssueLine,
    ReceiptLine,
    StockSource,
    TransferLine,
    lot_attribute_set,
    lot_status_change,
    stock_issue,
    stock_receive,
    stock_scrap,
    stock_transfer,
)
from erp.inventory.states import LotStatus, MoveType
from erp.masterdata.models import Location, Material

DEMO_SOURCE = "inventory.demo"


def _demo_source(key: str) -> StockSource:
    """The demo's stock postings have no document: their key is also the number that ledgers,
    lots and vouchers show (演示数据 DEMO-OPEN), so no raw code like "demo:opening" appears."""
    return StockSource(DEMO_SOURCE, key, key)


@dataclass(frozen=True)
class DemoLot:
    material: str
    warehouse: str
    location: str
    number: str
    quantity: str
    cost: str
    produced_days_ago: int | None
    status: str
    reason: str = ""
    assay: str | None = None


L = LotStatus
# material, warehouse, bin, lot, qty, unit cost, produced (days ago), status, reason, assay
# ruff: noqa: E501 (one lot per line reads best)
LOTS = [
    DemoLot("RM-1001", "WH-RM", "A-01", "RM1001-2609A", "1600", "23.20", 120, L.RELEASED, "", "0.51"),
    DemoLot("RM-1001", "WH-RM", "A-01", "RM1001-2610B", "800", "23.80", 70, L.RELEASED, "", "0.50"),
    DemoLot("RM-1003", "WH-RM", "A-02", "RM1003-2609A", "900", "14.10", 100, L.RELEASED),
    DemoLot("RM-1003", "WH-QC", "Q-NG", "RM1003-2610X", "180", "14.30", 65, L.REJECTED,
            "来料检验固含量 62%，低于 68% 标准，判不合格，待退供应商"),
    DemoLot("RM-1008", "WH-RM", "A-03", "RM1008-2606A", "120", "67.50", 172, L.RELEASED),
    DemoLot("RM-1010", "WH-RM", "A-03", "RM1010-2606A", "300", "24.00", 165, L.RELEASED),
    DemoLot("RM-1011", "WH-RM", "A-04", "RM1011-2604A", "400", "12.40", 200, L.RELEASED),
    DemoLot("RM-2001", "WH-RM", "A-05", "RM2001-2608A", "2000", "19.60", 150, L.RELEASED),
    DemoLot("RM-2001", "WH-QC", "Q-RM", "RM2001-2611C", "1000", "19.90", 3, L.QUARANTINE),
    DemoLot("RM-2003", "WH-RM", "A-05", "RM2003-2607A", "750", "8.40", 140, L.RELEASED),
    DemoLot("RM-3001", "WH-RM", "A-06", "RM3001-2610A", "1020", "7.10", 50, L.RELEASED),
    DemoLot("RM-4001", "WH-RM", "A-06", "RM4001-2605A", "75", "117.00", 200, L.RELEASED),
    DemoLot("FG-1001", "WH-FG", "F-01", "FG1001-261015", "600", "31.50", 45, L.BLOCKED,
            "客户投诉附着力不良，冻结待复检"),
    DemoLot("FG-1001", "WH-FG", "F-01", "FG1001-261108", "800", "32.10", 20, L.RELEASED),
    DemoLot("FG-1002", "WH-FG", "F-02", "FG1002-261101", "500", "17.80", 28, L.RELEASED),
    DemoLot("FG-1003", "WH-FG", "F-02", "FG1003-261020", "400", "35.60", 40, L.RELEASED),
]  # fmt: skip
PLAIN = [("PK-0001", "WH-RM", "A-06", "300", "18.00"), ("PK-0002", "WH-RM", "A-06", "1200", "5.20")]
# days ago, material, warehouse, bin, quantity: raw materials consumed by production.
ISSUES = [
    (45, "RM-1001", "WH-RM", "A-01", "400"),
    (38, "RM-2001", "WH-RM", "A-05", "300"),
    (30, "RM-1003", "WH-RM", "A-02", "200"),
    (21, "RM-1001", "WH-RM", "A-01", "350"),
    (14, "RM-3001", "WH-RM", "A-06", "340"),
    (10, "RM-2001", "WH-RM", "A-05", "250"),
    (7, "FG-1002", "WH-FG", "F-02", "120"),
    (5, "RM-1001", "WH-RM", "A-01", "300"),
    (2, "FG-1003", "WH-FG", "F-02", "80"),
]


def _loc(warehouse: str, code: str) -> Location:
    return Location.objects.get(warehouse__code=warehouse, code=code)


def load_demo(*, actor) -> dict[str, int]:
    if StockMove.objects.filter(source_type=DEMO_SOURCE).exists():
        return {"lots": 0, "moves": 0}
    materials = {m.code: m for m in Material.objects.filter(code__in=_codes())}
    if len(materials) < len(_codes()):
        return {"lots": 0, "moves": 0}  # master data demo not loaded: nothing to stock
    # Counts take legal numbers: make sure the rules exist (idempotent).
    numbering_rules_ensure_defaults()
    # The demo is one story with the accounting demo (go-live 2026-10-01, opening stock on
    # 2026-09-30, October closed): its dates are fixed, not relative to the day it is loaded.
    today = demo_today()
    _opening(actor, materials, today - timedelta(days=60), today)
    _statuses(actor)
    # In date order, so each count sees the stock of its own day.
    _issues(actor, materials, today, older_than=30)
    counts = _count(actor, today - timedelta(days=30), {"RM-2003": "-5", "PK-0002": "12"})
    _issues(actor, materials, today, older_than=0)
    _transfer_and_scrap(actor, materials, today)
    counts += _count(actor, today, {"RM-3001": "-10", "RM-4001": "1"})
    return {
        "lots": Lot.objects.filter(number__in=[d.number for d in LOTS]).count(),
        "moves": StockMove.objects.count(),
        "counts": counts,
    }


def _codes() -> set[str]:
    return {d.material for d in LOTS} | {p[0] for p in PLAIN}


def _opening(actor, materials, opening_date: date, today: date) -> None:
    """Everything but the fresh quarantine receipt comes in as opening stock 60 days ago."""
    lines = [
        ReceiptLine(
            material_id=materials[d.material].pk,
            location_id=_loc(d.warehouse, d.location).pk,
            quantity=Decimal(d.quantity),
            unit_cost=Decimal(d.cost),
            lot_number=d.number,
            supplier_lot=f"S{d.number[-5:]}" if d.material.startswith("RM") else "",
            production_date=today - timedelta(days=d.produced_days_ago),
        )
        for d in LOTS
        if d.status != L.QUARANTINE
    ]
    lines += [
        ReceiptLine(materials[code].pk, _loc(wh, bin_).pk, Decimal(qty), Decimal(cost))
        for code, wh, bin_, qty, cost in PLAIN
    ]
    stock_receive(
        actor=actor,
        lines=lines,
        posting_date=opening_date,
        source=_demo_source("DEMO-OPEN"),
        reason="期初库存",
        move_type=MoveType.OPENING,
    )
    fresh = [d for d in LOTS if d.status == L.QUARANTINE]
    stock_receive(
        actor=actor,
        lines=[
            ReceiptLine(
                materials[d.material].pk,
                _loc(d.warehouse, d.location).pk,
                Decimal(d.quantity),
                Decimal(d.cost),
                lot_number=d.number,
                supplier_lot="LBD-" + d.number[-5:],
                production_date=today - timedelta(days=d.produced_days_ago),
            )
            for d in fresh
        ],
        posting_date=today - timedelta(days=1),
        source=_demo_source("DEMO-RCV-1"),
        reason="采购到货，待来料检验",
    )


def _statuses(actor) -> None:
    """Lots received as 待检 (QC required) are released after inspection; the rejected and
    blocked ones go to their final status with the reason on record."""
    for d in LOTS:
        lot = Lot.objects.get(material__code=d.material, number=d.number)
        if d.assay:
            lot_attribute_set(
                actor=actor, lot_id=lot.pk, name="环氧值", value=Decimal(d.assay), unit="eq/100g"
            )
        if d.status == L.QUARANTINE or lot.status == d.status:
            continue
        if d.status in (L.REJECTED, L.BLOCKED) and lot.status == L.QUARANTINE:
            lot_status_change(actor=actor, lot_id=lot.pk, status=d.status, reason=d.reason)
            continue
        if lot.status != L.RELEASED:
            lot_status_change(actor=actor, lot_id=lot.pk, status=L.RELEASED, reason="来料检验合格")
        if d.status != L.RELEASED:
            lot_status_change(actor=actor, lot_id=lot.pk, status=d.status, reason=d.reason)


def _issues(actor, materials, today: date, *, older_than: int) -> None:
    for n, (days, code, wh, bin_, qty) in enumerate(ISSUES, start=1):
        done = StockMove.objects.filter(source_type=DEMO_SOURCE, source_id=f"DEMO-ISS-{n}")
        if days <= older_than or done.exists():
            continue
        stock_issue(
            actor=actor,
            lines=[IssueLine(materials[code].pk, _loc(wh, bin_).pk, Decimal(qty))],
            posting_date=today - timedelta(days=days),
            source=_demo_source(f"DEMO-ISS-{n}"),
            reason="生产领料",
        )


def _transfer_and_scrap(actor, materials, today: date) -> None:
    lot = Lot.objects.get(number="RM1001-2610B")
    stock_transfer(
        actor=actor,
        lines=[
            TransferLine(
                materials["RM-1001"].pk,
                _loc("WH-RM", "A-01").pk,
                _loc("WH-RM", "A-02").pk,
                Decimal("200"),
                lot.pk,
            )
        ],
        posting_date=today - timedelta(days=12),
        source=_demo_source("DEMO-TRF-1"),
        reason="库位整理",
    )
    rejected = Lot.objects.get(number="RM1003-2610X")
    stock_scrap(
        actor=actor,
        lines=[
            IssueLine(materials["RM-1003"].pk, _loc("WH-QC", "Q-NG").pk, Decimal("30"), rejected.pk)
        ],
        posting_date=today - timedelta(days=8),
        source=_demo_source("DEMO-SCR-1"),
        reason="不合格品取样报废",
    )


def _count(actor, on_date: date, variances: dict[str, str]) -> int:
    """A posted count of the raw material warehouse with a few variances, so accuracy shows
    per count and over time. Needs the documents part's count service."""
    try:
        from erp.inventory.services import counts
    except ImportError:
        return 0
    from erp.masterdata.models import Warehouse

    count = counts.stock_count_create(
        actor=actor,
        header={
            "date": on_date.isoformat(),
            "warehouse_id": Warehouse.objects.get(code="WH-RM").pk,
            "tolerance_percent": "0.5",
            "note": "月度盘点",
        },
    )
    counts.stock_count_freeze(actor=actor, count_id=count.pk)
    entered = {
        line.pk: str(line.book_quantity + Decimal(variances.get(line.material.code, "0")))
        for line in count.lines.select_related("material")
    }
    counts.stock_count_enter(actor=actor, count_id=count.pk, counts=entered)
    counts.stock_count_post(actor=actor, count_id=count.pk)
    return 1

"""Demo production: coating formulas and orders made through the services, one story with the
inventory demo (stock from 2026-09-30; its last day 2026-11-29).

- 醇酸防锈漆 C53-1 铁红 (FG-1005): V1 released, batch 1,000 kg, expected yield 98 %, the
  alkyd resin potency adjusted on its solids (固含量 target 70 %), talc with a barium
  sulphate substitute and 1 % loss, 200# solvent the balance line (补足至100%), two batch
  labels fixed per batch, a 20 L pail per 20 kg of output (packaging); V2 draft (a copy).
  Orders: MO… 500 kg completed (97.8 % yield) and closed, one released waiting for material,
  one draft.
- Approval rule of formulas: 质量经理 then 总经理 (written after the demo's own releases, so
  V2 goes through it when submitted).
- 环氧富锌底漆 H06-4 (FG-1001): released, epoxy resin on its epoxy value (环氧值 0.50).
Postings are dated in November (open in the accounting demo, which books their vouchers
with its catch-up)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from erp.inventory.models import Lot
from erp.inventory.services import (
    ReceiptLine,
    StockSource,
    lot_attribute_set,
    lot_status_change,
    stock_receive,
)
from erp.inventory.states import LotStatus
from erp.masterdata.models import Location, Material, Warehouse
from erp.production.models import Formula
from erp.production.services import formulas, orders

DEMO_DAY = date(2026, 11, 27)
D = Decimal
# material, bin, lot, quantity, unit cost: what the plant bought for the batches.
PURCHASES = [
    ("RM-2008", "A-05", "RM2008-2611A", "300", "12.80"),
    ("RM-2005", "A-05", "RM2005-2611A", "800", "1.60"),
    ("RM-4005", "A-06", "RM4005-2611A", "50", "42.00"),
    ("RM-3007", "A-06", "RM3007-2611A", "600", "6.30"),
    ("RM-2007", "A-05", "RM2007-2611A", "1000", "29.00"),
    ("PK-0001", "A-06", "", "200", "18.00"),
    ("PK-0003", "A-06", "", "500", "0.15"),
]
ALKYD = [
    # material, % (or mode:quantity[:loss]), potency (attribute, target), compensates,
    # substitute (code, ratio)
    ("RM-1003", "45", ("固含量", "70"), False, None),
    ("RM-2003", "20", None, False, None),
    ("RM-2008", "8", None, False, None),
    ("RM-2005", "absolute:100:1", None, False, ("RM-2006", "1")),
    ("RM-4005", "1", None, False, None),
    ("RM-3007", "balance", None, False, None),
    ("PK-0003", "fixed:2", None, False, None),  # batch labels of the mixing tank
    ("PK-0001", "packaging:0.05", None, False, None),  # a 20 kg pail per 20 kg of output
]
EPOXY = [
    ("RM-1001", "22", ("环氧值", "0.50"), False, None),
    ("RM-2007", "60", None, False, None),
    ("RM-4004", "1.5", None, False, None),
    ("RM-4002", "0.5", None, False, None),
    ("RM-3001", "16", None, True, None),
]


def load_demo(*, actor) -> dict[str, int]:
    if Formula.objects.exists():
        return {"formulas": 0, "orders": 0}
    codes = {row[0] for row in PURCHASES + ALKYD + EPOXY} | {"RM-2006", "FG-1005", "FG-1001"}
    materials = {m.code: m for m in Material.objects.filter(code__in=codes)}
    if len(materials) < len(codes) or not Warehouse.objects.filter(code="WH-RM").exists():
        return {"formulas": 0, "orders": 0}  # master data demo not loaded
    today = min(DEMO_DAY, timezone.localdate())
    _purchases(actor, materials, today - timedelta(days=7))
    alkyd = _formula(actor, materials["FG-1005"], ALKYD, materials, "醇酸防锈漆标准配方", "98")
    _formula(actor, materials["FG-1001"], EPOXY, materials, "锌粉含量≥60%")
    formulas.formula_copy(actor=actor, doc_id=alkyd.pk)  # V2 in draft
    _approval_rule(actor)
    _routing(actor, alkyd)
    return {"formulas": Formula.objects.count(), "orders": _orders(actor, alkyd, today)}


def _purchases(actor, materials, on_date) -> None:
    lines = [
        ReceiptLine(
            material_id=materials[code].pk,
            location_id=Location.objects.get(warehouse__code="WH-RM", code=bin_).pk,
            quantity=D(qty),
            unit_cost=D(cost),
            lot_number=lot,
            production_date=on_date - timedelta(days=10),
        )
        for code, bin_, lot, qty, cost in PURCHASES
    ]
    stock_receive(
        actor=actor,
        lines=lines,
        posting_date=on_date,
        source=StockSource("inventory.demo", "production-purchases", "DEMO-2026-11"),
    )
    for lot in Lot.objects.filter(number__in=[p[2] for p in PURCHASES]):
        if lot.status != LotStatus.RELEASED:
            lot_status_change(
                actor=actor, lot_id=lot.pk, status=LotStatus.RELEASED, reason="来料检验合格"
            )
    # Solids of the alkyd resin lot measured by quality (potency line of the formula).
    resin = Lot.objects.filter(material=materials["RM-1003"], status=LotStatus.RELEASED).first()
    if resin is not None:
        lot_attribute_set(actor=actor, lot_id=resin.pk, name="固含量", value=D("71.5"), unit="%")


def _formula(actor, product, rows, materials, note, yield_pct="100") -> Formula:
    lines = []
    for code, amount, potency, compensates, substitute in rows:
        data = {"material_id": materials[code].pk, "compensates": compensates, **_amount(amount)}
        if potency:
            data |= {"potency_attribute": potency[0], "potency_target": D(potency[1])}
        if substitute:
            data |= {
                "substitute_id": materials[substitute[0]].pk,
                "substitute_ratio": D(substitute[1]),
            }
        lines.append(data)
    formula = formulas.formula_create(
        actor=actor,
        header={
            "product_id": product.pk,
            "batch_size": D("1000"),
            "yield_pct": D(yield_pct),
            "date": date(2026, 10, 1),
            "note": note,
        },
        lines=lines,
    )
    return formulas.formula_release(actor=actor, doc_id=formula.pk)


def _amount(text: str) -> dict:
    """ "45" → 45 % of the batch; "absolute:100:1" → 100 kg per base batch at 1 % loss."""
    mode, *rest = text.split(":")
    if mode[0].isdigit():
        return {"mode": "percentage", "percentage": D(mode)}
    found = {"mode": mode}
    if rest:
        found["quantity"] = D(rest[0])
    if len(rest) > 1:
        found["loss_pct"] = D(rest[1])
    return found


def _approval_rule(actor) -> None:
    from erp.approvals.models import ApprovalRule
    from erp.approvals.services.rules import StepSpec, approval_rule_save

    if ApprovalRule.objects.filter(doc_type=formulas.DOC_TYPE).exists():
        return
    approval_rule_save(
        actor=actor,
        doc_type=formulas.DOC_TYPE,
        name="配方：质量经理 + 总经理",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[],
        steps=[
            StepSpec("role", "quality_manager", name="质量经理审批", overdue_hours=24),
            StepSpec("role", "general_manager", name="总经理审批", overdue_hours=24),
        ],
    )


# operation, work centre, setup hours, run hours per 1,000 kg batch, instructions
OPERATIONS = [
    ("配料", "WC-MIX", "0.5", "1", "按配料单称量，树脂按批次固含量折算"),
    ("高速分散", "WC-DSP", "0.5", "1.5", "转速 800 转/分，分散至无颗粒"),
    ("砂磨", "WC-MIL", "1", "4", "细度≤40μm"),
    ("调漆包装", "WC-PKG", "0.5", "2", "调粘度后过滤，20kg/桶包装"),
]


def _routing(actor, formula) -> None:
    from erp.masterdata.models import WorkCenter
    from erp.production.services import routings

    centres = {c.code: c for c in WorkCenter.objects.filter(code__startswith="WC-")}
    if len(centres) < 4:
        return
    routing = routings.routing_create(
        actor=actor,
        header={"formula_id": formula.pk, "date": date(2026, 10, 1), "note": "醇酸防锈漆工艺"},
        lines=[
            {
                "name": name,
                "work_center_id": centres[code].pk,
                "setup_hours": D(setup),
                "run_hours": D(run),
                "instructions": text,
            }
            for name, code, setup, run, text in OPERATIONS
        ],
    )
    routings.routing_release(actor=actor, doc_id=routing.pk)


def _orders(actor, formula, today) -> int:
    header = {
        "formula_id": formula.pk,
        "issue_warehouse_id": Warehouse.objects.get(code="WH-RM").pk,
        "output_location_id": Location.objects.get(warehouse__code="WH-FG", code="F-02").pk,
    }
    done = orders.production_order_create(
        actor=actor,
        header={
            **header,
            "quantity": D("500"),
            "date": today - timedelta(days=1),
            "note": "月度补库",
        },
    )
    orders.production_order_release(actor=actor, doc_id=done.pk)
    orders.production_order_issue(actor=actor, doc_id=done.pk, on_date=today)
    orders.production_order_complete(
        actor=actor, doc_id=done.pk, output_quantity=D("489"), on_date=today
    )
    orders.production_order_close(actor=actor, doc_id=done.pk)
    waiting = orders.production_order_create(
        actor=actor, header={**header, "quantity": D("1000"), "date": today, "note": "客户订单备货"}
    )
    orders.production_order_release(actor=actor, doc_id=waiting.pk)
    orders.production_order_create(
        actor=actor, header={**header, "quantity": D("2000"), "date": today + timedelta(days=3)}
    )
    return 3

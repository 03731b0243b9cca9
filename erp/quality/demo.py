"""Quality demo: inspection plans for epoxy resin E-51 (GB/T 2828.1 AQL 1.0, retest every
180 days) and titanium dioxide (and a general plan for solvents), then four incoming lots
received through the warehouse's other receipt: one released by the quality manager with the
assay written onto the lot and a retain sample (留样) kept, one released in part (部分放行:
two leaking drums split off into a nonconforming child lot), one rejected and turned into an
NCR returned to the supplier, one still waiting for the inspector. Concessions (让步接收) go
to 质量经理 + 总经理 by the approval rule added here."""

from datetime import timedelta
from decimal import Decimal

from erp.core.demo import DEMO_PASSWORD, demo_today
from erp.iam.models import User
from erp.inventory.demo import DEMO_SOURCE
from erp.inventory.services import ReceiptLine, StockSource, stock_receive
from erp.masterdata.models import Location, Material, MaterialCategory
from erp.quality.models import InspectionLot, InspectionPlan
from erp.quality.services import inspections, ncrs, plans
from erp.quality.services.retain import retain_sample_create

RESIN = [
    {"name": "环氧值", "unit": "eq/100g", "method": "GB/T 1677", "lower_limit": "0.48",
     "upper_limit": "0.54", "lot_attribute": "环氧值"},
    {"name": "粘度(25℃)", "unit": "mPa·s", "method": "GB/T 22314", "lower_limit": "10000",
     "upper_limit": "16000"},
    {"name": "外观", "kind": "pass_fail", "method": "目测：透明无机械杂质"},
]  # fmt: skip
TIO2 = [
    {"name": "TiO2 含量", "unit": "%", "method": "GB/T 1706", "lower_limit": "93",
     "lot_attribute": "TiO2含量"},
    {"name": "吸油量", "unit": "g/100g", "method": "GB/T 5211.15", "upper_limit": "21"},
    {"name": "白度", "kind": "pass_fail", "method": "与标样对比"},
]  # fmt: skip
SOLVENT = [
    {"name": "纯度", "unit": "%", "method": "GC", "lower_limit": "99.0", "upper_limit": "100",
     "lot_attribute": "纯度"},
    {"name": "水分", "unit": "%", "method": "卡尔费休", "upper_limit": "0.10"},
]  # fmt: skip


def load_demo(*, actor) -> None:
    if InspectionPlan.objects.exists():
        return
    materials = {m.code: m for m in Material.objects.filter(code__in=("RM-1001", "RM-2001"))}
    people = {u.username: u for u in User.objects.filter(username__in=_ROLES)}
    if len(materials) < 2 or len(people) < len(_ROLES):
        return  # master data or users not loaded
    qm, inspector, keeper = (people[r] for r in _ROLES)
    today = demo_today()
    _plan(
        qm,
        "环氧树脂 E-51 来料检验",
        {
            "material_id": materials["RM-1001"].pk,
            "sampling_scheme": "gbt2828",
            "aql": "1.0",
            "retest_interval_days": 180,
        },
        RESIN,
        today,
    )
    _plan(qm, "钛白粉来料检验", {"material_id": materials["RM-2001"].pk}, TIO2, today)
    solvents = MaterialCategory.objects.filter(code="RM-SOL").first()
    if solvents is not None:
        _plan(qm, "溶剂类通用来料检验", {"category_id": solvents.pk}, SOLVENT, today)
    # The inventory demo's fresh delivery (钛白粉 RM2001-2611C) arrived before these plans.
    for waiting in InspectionLot.objects.filter(state="open", plan__isnull=True):
        if plans.plan_for(material=waiting.material, inspection_type=waiting.inspection_type):
            inspections.inspection_lot_plan_apply(actor=inspector, doc_id=waiting.pk)
    good = _receive(keeper, materials["RM-1001"], "RM1001-2611C", "800", today)
    _results(inspector, good, ["0.51", "13200", "pass"])
    inspections.inspection_lot_submit(actor=inspector, doc_id=good.pk)
    inspections.inspection_lot_release(actor=qm, doc_id=good.pk, password=DEMO_PASSWORD)
    retain_sample_create(
        actor=qm,
        lot_id=good.lot_id,
        inspection_lot_id=good.pk,
        quantity="0.5",
        unit="kg",
        location="留样柜 A-3",
        keep_until=today + timedelta(days=730),
    )
    part = _receive(keeper, materials["RM-1001"], "RM1001-2611E", "600", today)
    _results(inspector, part, ["0.50", "12800", "pass"])
    inspections.inspection_lot_submit(actor=inspector, doc_id=part.pk)
    inspections.inspection_lot_release(
        actor=qm,
        doc_id=part.pk,
        password=DEMO_PASSWORD,
        reason="2 桶外包装破损渗漏，拒收退供应商",
        rejected_quantity="50",
    )
    bad = _receive(keeper, materials["RM-1001"], "RM1001-2611D", "400", today)
    _results(inspector, bad, ["0.45", "17500", "pass"], comment="复测两次结果一致")
    inspections.inspection_lot_submit(actor=inspector, doc_id=bad.pk)
    inspections.inspection_lot_reject(actor=qm, doc_id=bad.pk, reason="环氧值、粘度均超标")
    ncr = ncrs.ncr_create(
        actor=qm,
        header={
            "inspection_lot_id": bad.pk,
            "date": today,
            "description": "环氧值 0.45 低于下限 0.48，粘度 17500 超上限",
            "disposition": "return",
            "root_cause": "供应商该批次聚合反应不完全",
        },
        lines=[
            {
                "action": "通知供应商 8D 整改并提供复检报告",
                "owner_id": qm.pk,
                "due_date": today + timedelta(days=14),
            },
            {
                "action": "该供应商后续 3 批加严检验",
                "owner_id": inspector.pk,
                "due_date": today + timedelta(days=60),
            },
        ],
    )
    ncrs.ncr_confirm(actor=qm, doc_id=ncr.pk)
    _receive(keeper, materials["RM-2001"], "RM2001-2611D", "500", today)  # waits for results
    _concession_rule(actor)


def _concession_rule(actor) -> None:
    """让步接收 needs the quality manager's and the general manager's approval."""
    from erp.approvals.models import ApprovalRule
    from erp.approvals.services.rules import StepSpec, approval_rule_save

    if ApprovalRule.objects.filter(doc_type=inspections.DOC_TYPE).exists():
        return
    approval_rule_save(
        actor=actor,
        doc_type=inspections.DOC_TYPE,
        name="让步接收：质量经理 + 总经理",
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


_ROLES = ("quality_manager", "inspector", "warehouse")


def _plan(actor, name, scope, lines, today):
    draft = plans.inspection_plan_create(
        actor=actor,
        header={
            "name": name,
            "inspection_type": "incoming",
            "date": today - timedelta(days=30),
            "sampling": "每批按桶数开方根取样，混合后检验",
            **scope,
        },
        lines=lines,
    )
    return plans.inspection_plan_activate(actor=actor, doc_id=draft.pk)


def _receive(keeper, material, lot_number, qty, today) -> InspectionLot:
    """A supplier delivery into the quarantine bin (purchasing's goods receipt will post the
    same inflow through the same gate); the stock listener opens the inspection."""
    location = Location.objects.get(warehouse__code="WH-QC", code="Q-RM")
    stock_receive(
        actor=keeper,
        lines=[
            ReceiptLine(
                material_id=material.pk,
                location_id=location.pk,
                quantity=Decimal(qty),
                unit_cost=material.standard_cost or Decimal("10"),
                lot_number=lot_number,
                supplier_lot="S" + lot_number[-5:],
            )
        ],
        posting_date=today,
        source=StockSource(DEMO_SOURCE, f"DEMO-QC-{lot_number}", f"DEMO-QC-{lot_number}"),
        reason="供应商到货，待来料检验",
    )
    return InspectionLot.objects.get(lot__material=material, lot__number=lot_number)


def _results(inspector, inspection, values, comment=""):
    inspections.inspection_results_record(
        actor=inspector,
        doc_id=inspection.pk,
        results=[
            {"line_no": no, "value": v, "comment": comment} for no, v in enumerate(values, start=1)
        ],
    )

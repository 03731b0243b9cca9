"""Reads of MRP: the facts a run plans from (set-based, a fixed number of queries however
many materials) and what the pages show of a run."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Q, Sum

from erp.core.errors import NotFound
from erp.core.models.document import draft_name
from erp.masterdata.models import Material
from erp.mrp.models import (
    DEMAND_KINDS,
    EntryKind,
    ExceptionKind,
    Forecast,
    MrpRun,
    Pegging,
    PlanEntry,
    PlanException,
    PlannedKind,
    PlannedOrder,
    PlanningParameter,
    RunMaterial,
    RunState,
)
from erp.mrp.services import engine

ZERO = Decimal(0)
SO_OPEN = ("submitted", "approved", "credit_hold")
PO_OPEN = ("submitted", "approved")
PR_OPEN = ("draft", "submitted", "approved")
MO_OPEN = ("draft", "released", "started")


def _ref(number: str, pk: int) -> str:
    return number or draft_name(pk)


# --- facts for a run ------------------------------------------------------------------------


def params_all() -> dict[int, engine.Params]:
    """Planning parameters of every active material: its own row, else the material's fields."""
    own = {p["material_id"]: p for p in PlanningParameter.objects.values()}
    result = {}
    for m in Material.objects.filter(active=True).values(
        "id", "code", "procurement", "lead_time_days", "safety_stock", "min_order_qty",
        "order_multiple",
    ):  # fmt: skip
        p = own.get(m["id"])
        make = m["procurement"] == Material.Procurement.MAKE
        if p is None:
            result[m["id"]] = engine.Params(
                m["id"], m["code"], make,
                lead_time_days=m["lead_time_days"],
                safety_stock=m["safety_stock"],
                min_lot=m["min_order_qty"],
                lot_multiple=m["order_multiple"],
            )  # fmt: skip
            continue
        result[m["id"]] = engine.Params(
            m["id"], m["code"], make,
            lead_time_days=p["lead_time_days"],
            qc_release_days=p["qc_release_days"],
            quarantine_counts=p["quarantine_counts"],
            safety_stock=p["safety_stock"],
            min_lot=p["min_lot"],
            max_lot=p["max_lot"],
            lot_multiple=p["lot_multiple"],
            fixed_lot=p["fixed_lot"],
            yield_pct=p["yield_pct"],
        )  # fmt: skip
    return result


def formulas_released() -> list[engine.FormulaVersion]:
    """Released formula versions with the operations of their newest released routing."""
    from erp.production.models import Formula, FormulaLine, RoutingOperation

    lines: dict[int, list] = defaultdict(list)
    for ln in (
        FormulaLine.objects.filter(document__state="released")
        .order_by("document_id", "line_no", "id")
        .only(
            "document_id",
            "material_id",
            "mode",
            "percentage",
            "quantity",
            "loss_pct",
            "compensates",
        )
    ):
        lines[ln.document_id].append((ln.material_id, ln.calc_line))
    routing_of: dict[int, int] = {}
    operations: dict[int, list] = defaultdict(list)
    for op in (
        RoutingOperation.objects.filter(document__state="released")
        .order_by("document__formula_id", "-document__date", "-document_id", "line_no", "id")
        .values(
            "document_id", "document__formula_id", "setup_hours", "run_hours",
            "work_center__capacity_hours_per_day",
        )
    ):  # fmt: skip
        routing = routing_of.setdefault(op["document__formula_id"], op["document_id"])
        if routing == op["document_id"]:  # the newest released routing only
            operations[op["document__formula_id"]].append(
                (op["setup_hours"], op["run_hours"], op["work_center__capacity_hours_per_day"])
            )
    return [
        engine.FormulaVersion(
            f["id"],
            f["product_id"],
            f["formula_version"],
            f["date"],
            f["valid_to"],
            tuple(lines.get(f["id"], ())),
            batch_size=f["batch_size"],
            operations=tuple(operations.get(f["id"], ())),
            yield_pct=f["yield_pct"],
        )
        for f in Formula.objects.filter(state="released")
        .order_by("product_id", "formula_version")
        .values(
            "id", "product_id", "formula_version", "date", "valid_to", "batch_size", "yield_pct"
        )
    ]


def sales_demands() -> list[engine.Demand]:
    from erp.sales.models import SalesOrderLine

    rows = (
        SalesOrderLine.objects.filter(document__state__in=SO_OPEN, quantity__gt=F("delivered_qty"))
        .order_by("id")
        .values(
            "id", "material_id", "quantity", "delivered_qty", "requested_date",
            "min_remaining_days", "document_id", "document__number", "document__date",
        )
    )  # fmt: skip
    return [
        engine.Demand(
            r["material_id"],
            r["requested_date"] or r["document__date"],
            r["quantity"] - r["delivered_qty"],
            engine.SALES,
            "sales.salesorder",
            r["document_id"],
            _ref(r["document__number"], r["document_id"]),
            r["min_remaining_days"],
        )
        for r in rows
    ]


def production_facts(params) -> tuple[list[engine.Demand], list[engine.Receipt]]:
    """Open production orders: their unissued components are demand on the order date, their
    output (at the product's expected yield) supply a lead time later."""
    from erp.production.models import ProductionOrder, ProductionOrderLine

    demands = [
        engine.Demand(
            r["material_id"],
            r["document__date"],
            r["required_quantity"] - r["issued_quantity"],
            engine.DEPENDENT,
            "production.productionorder",
            r["document_id"],
            _ref(r["document__number"], r["document_id"]),
        )
        for r in ProductionOrderLine.objects.filter(
            document__state__in=MO_OPEN, required_quantity__gt=F("issued_quantity")
        )
        .order_by("id")
        .values(
            "material_id",
            "required_quantity",
            "issued_quantity",
            "document_id",
            "document__number",
            "document__date",
        )
    ]
    receipts = []
    for o in (
        ProductionOrder.objects.filter(state__in=MO_OPEN)
        .order_by("id")
        .values("id", "number", "date", "product_id", "quantity")
    ):
        p = params.get(o["product_id"])
        days = (p.lead_time_days + p.qc_release_days) if p else 0
        yield_pct = p.yield_pct if p else engine.HUNDRED
        receipts.append(
            engine.Receipt(
                o["product_id"],
                o["date"] + timedelta(days=days),
                (o["quantity"] * yield_pct / engine.HUNDRED).quantize(engine.QTY),
                EntryKind.RECEIPT_MO,
                "production.productionorder",
                o["id"],
                _ref(o["number"], o["id"]),
            )
        )
    return demands, receipts


def purchase_receipts(params, plan_date: date) -> list[engine.Receipt]:
    """Open purchase order lines (due on their expected date + QC release time) and open
    requisition lines (on their needed date): what is already on its way or asked for."""
    from erp.purchasing.models import PurchaseOrderLine, PurchaseRequisitionLine

    receipts = []
    for r in (
        PurchaseOrderLine.objects.filter(
            document__state__in=PO_OPEN, quantity__gt=F("received_quantity")
        )
        .order_by("id")
        .values(
            "material_id", "quantity", "received_quantity", "expected_date", "document_id",
            "document__number", "document__date",
        )
    ):  # fmt: skip
        p = params.get(r["material_id"])
        qc = p.qc_release_days if p else 0
        due = r["expected_date"] or r["document__date"] + timedelta(
            days=p.lead_time_days if p else 0
        )
        receipts.append(
            engine.Receipt(
                r["material_id"],
                due + timedelta(days=qc),
                r["quantity"] - r["received_quantity"],
                EntryKind.RECEIPT_PO,
                "purchasing.purchaseorder",
                r["document_id"],
                _ref(r["document__number"], r["document_id"]),
            )
        )
    for r in (
        PurchaseRequisitionLine.objects.filter(
            document__state__in=PR_OPEN, quantity__gt=F("ordered_quantity")
        )
        .order_by("id")
        .values(
            "material_id", "quantity", "ordered_quantity", "needed_date", "document_id",
            "document__number", "document__date",
        )
    ):  # fmt: skip
        receipts.append(
            engine.Receipt(
                r["material_id"],
                r["needed_date"] or plan_date,
                r["quantity"] - r["ordered_quantity"],
                EntryKind.RECEIPT_PR,
                "purchasing.purchaserequisition",
                r["document_id"],
                _ref(r["document__number"], r["document_id"]),
            )
        )
    return receipts


def lot_stock(params=None, plan_date: date | None = None) -> list[engine.LotStock]:
    """Unreserved on hand per lot (all locations), with the lot's status and expiry, and for a
    lot in quarantine with an inspection under way its expected release date."""
    from erp.inventory.models import StockBalance

    rows = (
        StockBalance.objects.filter(on_hand__gt=F("reserved"))
        .values("material_id", "lot_id", "lot__number", "lot__status", "lot__expiry_date")
        .annotate(qty=Sum(F("on_hand") - F("reserved")))
        .order_by("material_id", "lot_id")
    )
    releases = quarantine_releases(params or {}, plan_date) if plan_date else {}
    return [
        engine.LotStock(
            r["material_id"],
            r["lot_id"],
            r["lot__number"] or "",
            r["qty"],
            r["lot__status"] or engine.RELEASED,
            r["lot__expiry_date"],
            releases.get(r["lot_id"]) if r["lot__status"] == engine.QUARANTINE else None,
        )
        for r in rows
    ]


def quarantine_releases(params, plan_date: date) -> dict[int, date]:
    """Lot → expected release date: its open inspection's date + the material's QC release
    time, not before the plan date (an overdue inspection is expected any day now)."""
    from django.apps import apps

    if not apps.is_installed("erp.quality"):
        return {}
    from erp.quality.models import InspectionLot

    result: dict[int, date] = {}
    for lot_id, material_id, day in (
        InspectionLot.objects.filter(state__in=("open", "submitted"), lot__status="quarantine")
        .order_by("lot_id", "date", "id")
        .values_list("lot_id", "material_id", "date")
    ):
        p = params.get(material_id)
        due = max(day + timedelta(days=p.qc_release_days if p else 0), plan_date)
        result.setdefault(lot_id, due)  # the earliest inspection of the lot
    return result


def forecasts_open(plan_date: date) -> list[engine.ForecastIn]:
    rows = []
    for f in (
        Forecast.objects.filter(period_start__gte=plan_date - timedelta(days=31))
        .order_by("material_id", "period_start")
        .values("material_id", "period", "period_start", "quantity")
    ):
        rows.append(
            engine.ForecastIn(
                f["material_id"], f["period_start"], period_end(f["period"], f["period_start"]),
                f["quantity"],
            )
        )  # fmt: skip
    return rows


def period_end(period: str, start: date) -> date:
    """First day after a forecast period (a week of 7 days, or the calendar month)."""
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def facts_gather(plan_date: date) -> engine.Facts:
    params = params_all()
    mo_demands, mo_receipts = production_facts(params)
    sales = sales_demands()
    forecasts = engine.forecast_demands(forecasts_open(plan_date), sales, plan_date)
    return engine.Facts(
        plan_date=plan_date,
        params=params,
        formulas=formulas_released(),
        demands=sales + forecasts + mo_demands,
        lots=lot_stock(params, plan_date),
        receipts=purchase_receipts(params, plan_date) + mo_receipts,
    )


# --- pages ----------------------------------------------------------------------------------


def run_latest(*, finished: bool = False) -> MrpRun | None:
    qs = MrpRun.objects.all()
    if finished:
        qs = qs.filter(state=RunState.DONE)
    return qs.order_by("-pk").first()


def run_base(plan_date: date, *, before: int | None = None) -> MrpRun | None:
    """The run a net-change run starts from: the latest finished run of the same plan date
    that recorded its materials' fingerprints (runs before net change did not)."""
    qs = MrpRun.objects.filter(state=RunState.DONE, plan_date=plan_date, materials__isnull=False)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    return qs.order_by("-pk").first()


def mode_default(plan_date: date) -> str:
    """Net change when there is a run to start from, else full. A net-change run is exact
    whatever changed (parameters and formulas are in every material's fingerprint); after a
    change that touches most materials it simply recomputes most of them."""
    if run_base(plan_date) is not None:
        return MrpRun.Mode.NET_CHANGE
    return MrpRun.Mode.FULL


def kept_of(run: MrpRun) -> dict[int, engine.Kept]:
    """A finished run's per-material outcomes, as the next net-change run compares them."""
    orders: dict[int, list] = defaultdict(list)
    for material_id, quantity, start in (
        PlannedOrder.objects.filter(run=run, kind=PlannedKind.MAKE)
        .order_by("seq")
        .values_list("material_id", "quantity", "start_date")
    ):
        orders[material_id].append((quantity, start))
    return {
        m: engine.Kept(facts, result, planned, exceptions, tuple(orders.get(m, ())))
        for m, facts, result, planned, exceptions in RunMaterial.objects.filter(run=run)
        .values_list(
            "material_id", "facts_digest", "result_digest", "planned_count", "exception_count"
        )
        .iterator(chunk_size=5000)
    }


def run_get(pk) -> MrpRun:
    """The run of a page or API call; a missing (or non-numeric) id is a 404."""
    run = MrpRun.objects.filter(pk=pk if str(pk).isdigit() else 0).first()
    if run is None:
        raise NotFound()
    return run


def runs_recent(limit: int = 10):
    return MrpRun.objects.order_by("-pk")[:limit]


def run_active() -> MrpRun | None:
    return MrpRun.objects.filter(active=True).first()


def planned_orders(
    run, *, material=None, kind="", state="", exception="", planner=None, category_id=None
):
    qs = PlannedOrder.objects.filter(run=run).select_related("material", "material__base_unit")
    if category_id:
        qs = qs.filter(material__category_id=category_id)
    if material:
        qs = qs.filter(
            Q(material__code__icontains=material) | Q(material__name__icontains=material)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if exception == "late":
        qs = qs.filter(late=True)
    elif exception:
        qs = qs.filter(material_id__in=run.exceptions.filter(kind=exception).values("material_id"))
    if planner:
        qs = qs.filter(material__planning_parameter__planner=planner)
    return qs.order_by("material__code", "due_date", "seq")


def pegs_by_order(orders: list[PlannedOrder]) -> dict[int, list[Pegging]]:
    """The pegging of a page of planned orders, in one query, by planned order id."""
    pegs: dict[int, list[Pegging]] = defaultdict(list)
    for g in Pegging.objects.filter(planned_order__in=orders).order_by("need_date", "pk"):
        pegs[g.planned_order_id].append(g)
    return pegs


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def time_phased(run: MrpRun, material_id: int, weeks: int = 12) -> dict:
    """Weeks across (the first one also holds everything overdue, the last everything after):
    demand, open orders, planned orders and projected on hand per week."""
    first = week_start(run.plan_date)
    starts = [first + timedelta(weeks=i) for i in range(weeks)]
    rows = {k: [ZERO] * weeks for k in ("demand", "receipts", "planned", "stock", "expiring")}
    for e in PlanEntry.objects.filter(run=run, material_id=material_id).values(
        "kind", "date", "quantity"
    ):
        i = min(max((e["date"] - first).days // 7, 0), weeks - 1)
        if e["kind"] in DEMAND_KINDS:
            rows["demand"][i] += e["quantity"]
        elif e["kind"] == EntryKind.STOCK:
            rows["stock"][i] += e["quantity"]
        elif e["kind"] == EntryKind.EXPIRING:
            rows["expiring"][i] += e["quantity"]
        else:
            rows["receipts"][i] += e["quantity"]
    for due, qty in PlannedOrder.objects.filter(run=run, material_id=material_id).values_list(
        "due_date", "quantity"
    ):
        rows["planned"][min(max((due - first).days // 7, 0), weeks - 1)] += qty
    projected, balance = [], ZERO
    for i in range(weeks):
        balance += rows["stock"][i] + rows["receipts"][i] + rows["planned"][i]
        balance -= rows["demand"][i] + rows["expiring"][i]
        projected.append(balance)
    return {"weeks": starts, **rows, "projected": projected}


def exception_counts(run: MrpRun) -> dict[str, int]:
    from django.db.models import Count

    return dict(run.exceptions.values("kind").annotate(n=Count("id")).values_list("kind", "n"))


def planned_by_seq(run: MrpRun, seqs: set) -> dict[int, PlannedOrder]:
    """The parent planned orders a dependent demand came from, with their material."""
    seqs = {s for s in seqs if s}
    if not seqs:
        return {}
    return {
        o.seq: o
        for o in PlannedOrder.objects.filter(run=run, seq__in=seqs).select_related("material")
    }


def planned_of(run: MrpRun, material_id: int):
    return PlannedOrder.objects.filter(run=run, material_id=material_id).order_by("due_date", "seq")


def exceptions(run: MrpRun, *, kind: str = "", material_id: int | None = None):
    rows = PlanException.objects.filter(run=run)
    if material_id is not None:
        return rows.filter(material_id=material_id).order_by("kind", "date", "pk")
    if kind in ExceptionKind:
        rows = rows.filter(kind=kind)
    return rows.select_related("material").order_by("material__code", "kind", "date", "pk")


def entries_of(run: MrpRun, material_id: int):
    return PlanEntry.objects.filter(run=run, material_id=material_id).order_by("date", "kind", "pk")

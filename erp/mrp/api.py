"""MRP on /api/v1/: runs (start, list, status), planned orders of a run (list with pegging,
firm in a batch), planning parameters (list, read, save). Same services as the pages."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from erp.core.access import require_perm
from erp.core.api_crud import actor as _actor
from erp.core.api_pagination import ErpPagination
from erp.mrp import selectors
from erp.mrp.models import Forecast, MrpRun, PlanningParameter
from erp.mrp.services.firming import planned_orders_firm
from erp.mrp.services.forecasts import forecasts_save
from erp.mrp.services.parameters import planning_parameter_save
from erp.mrp.services.runs import mrp_run_start

router = Router(tags=["mrp"])


class RunIn(Schema):
    model_config = ConfigDict(extra="forbid")
    plan_date: dt.date | None = None
    horizon_days: int = Field(120, ge=1, le=730)
    # "full" or "net_change"; none: net change when a finished run of the plan date exists
    mode: str | None = None


class RunOut(Schema):
    id: int
    number: str
    state: str
    plan_date: dt.date
    progress: int
    step: str
    message: str
    digest: str
    demand_count: int
    planned_count: int
    exception_count: int
    mode: str
    based_on_id: int | None
    recomputed_count: int
    created_at: dt.datetime
    finished_at: dt.datetime | None


class PegOut(Schema):
    demand_kind: str
    source_type: str
    source_id: int | None
    source_number: str
    need_date: dt.date
    quantity: Decimal
    parent_seq: int | None


class PlannedOut(Schema):
    id: int
    seq: int
    material_id: int
    material_code: str
    kind: str
    low_level_code: int
    quantity: Decimal
    start_date: dt.date
    due_date: dt.date
    late: bool
    state: str
    firmed_type: str
    firmed_id: int | None
    firmed_number: str
    pegs: list[PegOut]

    @staticmethod
    def resolve_material_code(obj) -> str:
        return obj.material.code

    @staticmethod
    def resolve_pegs(obj) -> list:
        return getattr(obj, "pegs_out", [])


class FirmIn(Schema):
    model_config = ConfigDict(extra="forbid")
    planned_ids: list[int] = Field(min_length=1, max_length=500)


class FirmedOut(Schema):
    type: str
    id: int
    number: str


class ParameterIn(Schema):
    model_config = ConfigDict(extra="forbid")
    lead_time_days: int = Field(0, ge=0, le=3650)
    qc_release_days: int = Field(0, ge=0, le=3650)
    quarantine_counts: bool = False
    safety_stock: Decimal = Decimal(0)
    min_lot: Decimal = Decimal(0)
    max_lot: Decimal = Decimal(0)
    lot_multiple: Decimal = Decimal(0)
    fixed_lot: Decimal = Decimal(0)
    yield_pct: Decimal = Decimal(100)
    planner_id: int | None = None


class ParameterOut(ParameterIn):
    model_config = ConfigDict(extra="ignore")
    material_id: int


@router.post("/mrp-runs/", response={202: RunOut}, operation_id="mrprun_start")
def run_start(request, body: RunIn):
    """Queue a run (refused with 400 mrp_run_active while one is queued or running); poll
    GET /mrp-runs/{id} for its progress."""
    run = mrp_run_start(
        actor=_actor(request),
        plan_date=body.plan_date,
        horizon_days=body.horizon_days,
        mode=body.mode,
    )
    return 202, run


@router.get("/mrp-runs/", response=list[RunOut], operation_id="mrprun_list")
@paginate(ErpPagination)
def run_list(request):
    require_perm(_actor(request), "mrp.view_mrprun")
    return MrpRun.objects.order_by("-pk")


@router.get("/mrp-runs/{run_id}", response=RunOut, operation_id="mrprun_read")
def run_read(request, run_id: int):
    require_perm(_actor(request), "mrp.view_mrprun")
    return selectors.run_get(run_id)


def _planned_out(rows: list) -> list:
    """Attach each page row's pegging in one query (the schema resolves `pegs` from it)."""
    pegs = selectors.pegs_by_order(rows)
    for o in rows:
        o.pegs_out = pegs.get(o.pk, [])
    return rows


@router.get(
    "/mrp-runs/{run_id}/planned-orders/",
    response=list[PlannedOut],
    operation_id="plannedorder_list",
)
@paginate(ErpPagination, decorate=_planned_out)
def planned_list(request, run_id: int, material: str = "", kind: str = "", state: str = ""):
    require_perm(_actor(request), "mrp.view_plannedorder")
    return selectors.planned_orders(
        selectors.run_get(run_id), material=material, kind=kind, state=state
    )


@router.post(
    "/mrp-runs/{run_id}/planned-orders/firm",
    response=list[FirmedOut],
    operation_id="plannedorder_firm",
)
def planned_firm(request, run_id: int, body: FirmIn):
    """Firm planned orders: buys → one draft purchase requisition, makes → draft production
    orders. A planned order firmed before is refused with 409 mrp_already_firmed."""
    docs = planned_orders_firm(actor=_actor(request), run_id=run_id, planned_ids=body.planned_ids)
    return [{"type": d._meta.label_lower, "id": d.pk, "number": d.reference} for d in docs]


@router.get("/planning-parameters/", response=list[ParameterOut], operation_id="param_list")
@paginate(ErpPagination)
def parameter_list(request):
    require_perm(_actor(request), "mrp.view_planningparameter")
    return PlanningParameter.objects.order_by("material__code")


@router.put("/planning-parameters/{material_id}", response=ParameterOut, operation_id="param_save")
def parameter_save(request, material_id: int, body: ParameterIn):
    return planning_parameter_save(
        actor=_actor(request), material_id=material_id, data=body.model_dump()
    )


class ForecastLineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    material_code: str = Field(max_length=40)
    period_start: dt.date
    quantity: Decimal
    period: str = Field("month", pattern="^(week|month)$")
    note: str = Field("", max_length=200)


class ForecastsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    lines: list[ForecastLineIn] = Field(min_length=1, max_length=5000)


class ForecastOut(Schema):
    id: int
    material_id: int
    period: str
    period_start: dt.date
    quantity: Decimal
    note: str


@router.get("/forecasts/", response=list[ForecastOut], operation_id="forecast_list")
@paginate(ErpPagination)
def forecast_list(request, material_id: int | None = None):
    require_perm(_actor(request), "mrp.view_forecast")
    qs = Forecast.objects.order_by("material_id", "period_start")
    return qs.filter(material_id=material_id) if material_id else qs


@router.post("/forecasts/", response=dict, operation_id="forecast_save")
def forecast_save(request, body: ForecastsIn):
    """Save forecast lines, all or none (a quantity of 0 removes that period's forecast)."""
    rows = [line.model_dump() | {"period_start": str(line.period_start)} for line in body.lines]
    return {"saved": forecasts_save(actor=_actor(request), rows=rows)}

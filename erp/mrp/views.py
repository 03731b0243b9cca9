"""The planner's pages: the workbench (run status with a progress bar, planned orders with
filters and batch firming, exceptions), one material's time-phased view with pegging, and
the planning parameters. Reads through selectors, writes through services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from erp.core.access import require_perm
from erp.core.errors import DomainError, NotFound
from erp.core.export import xlsx_bytes, xlsx_response
from erp.core.list_views import ListPage
from erp.core.references import refs_attach
from erp.masterdata.models import Material, MaterialCategory
from erp.mrp import selectors
from erp.mrp.lists import FORECASTS
from erp.mrp.models import (
    EntryKind,
    ExceptionKind,
    MrpRun,
    PlanException,
    PlannedKind,
    PlannedOrder,
    PlanningParameter,
)
from erp.mrp.services.firming import planned_orders_firm
from erp.mrp.services.forecasts import forecasts_parse, forecasts_save
from erp.mrp.services.parameters import planning_parameter_save
from erp.mrp.services.runs import mrp_run_start
from erp.mrp.states import PlannedState

PAGE_SIZE = 100


def _run_from(request) -> MrpRun | None:
    pk = request.GET.get("run") or request.POST.get("run")
    if pk:
        return selectors.run_get(pk)
    return selectors.run_latest(finished=True) or selectors.run_latest()


def _status_context(run: MrpRun | None) -> dict:
    active = selectors.run_active()
    return {"active": active, "run": run, "polling": active is not None}


def workbench(request):
    require_perm(request.user, "mrp.view_plannedorder")
    run = _run_from(request)
    f = {
        "material": request.GET.get("material", "").strip()[:60],
        "kind": request.GET.get("kind", "") if request.GET.get("kind") in PlannedKind else "",
        "state": request.GET.get("state", "") if request.GET.get("state") in PlannedState else "",
        "exception": request.GET.get("exception", "")
        if request.GET.get("exception") in ExceptionKind
        else "",
        "mine": request.GET.get("mine") == "1",
        "category": int(request.GET["category"])
        if request.GET.get("category", "").isdigit()
        else None,
    }
    page = None
    counts: dict = {}
    if run is not None:
        qs = selectors.planned_orders(
            run,
            material=f["material"],
            kind=f["kind"],
            state=f["state"],
            exception=f["exception"],
            planner=request.user if f["mine"] else None,
            category_id=f["category"],
        )
        if request.GET.get("export") == "xlsx":
            return _planned_export(run, qs)
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        _pegs_attach(list(page.object_list))
        counts = selectors.exception_counts(run)
    context = {
        **_status_context(run),
        "page": page,
        "filters": f,
        "kinds": PlannedKind.choices,
        "states": PlannedState.choices,
        "exception_kinds": [(k, label, counts.get(k, 0)) for k, label in ExceptionKind.choices],
        "is_latest": run is not None and run == selectors.run_latest(finished=True),
        "runs": selectors.runs_recent(),
        "run_modes": MrpRun.Mode.choices,
        "mode_default": selectors.mode_default(timezone.localdate()),
        "categories": MaterialCategory.objects.filter(active=True).order_by("code"),
    }
    return render(request, "mrp/workbench.html", context)


EXPORT_LIMIT = 100_000


def _planned_export(run: MrpRun, qs):
    """The filtered planned orders as Excel, one row each, with what they cover."""
    orders = list(qs[:EXPORT_LIMIT])
    _pegs_attach(orders)
    headers = [
        _("Material"), _("Name"), _("Kind"), _("Quantity"), _("Unit"), _("Start"), _("Due"),
        _("Late"), _("Covers (pegging)"), _("State"), _("Document"),
    ]  # fmt: skip
    rows = (
        [
            o.material.code,
            o.material.name,
            o.get_kind_display(),
            o.quantity,
            o.material.base_unit.code,
            o.start_date,
            o.due_date,
            _("yes") if o.late else "",
            "; ".join(_peg_text(g) for g in o.peg_list),
            o.get_state_display(),
            o.firmed_number,
        ]
        for o in orders
    )
    body = xlsx_bytes(
        sheet_title=str(run),
        headers=headers,
        rows=rows,
        title_rows=[_("MRP planned orders") + f" {run}"],
    )
    return xlsx_response(body, f"{run}.xlsx")


def _peg_text(g) -> str:
    source = str(g.source_ref) if g.source_ref else g.label
    return f"{source} {g.quantity.normalize():f} @{g.need_date.isoformat()}"


def _peg_label(g) -> str:
    """What a peg without a source document covers, in words (page and export alike)."""
    if g.demand_kind == EntryKind.DEMAND_DEPENDENT:
        return _("for %(code)s (planned #%(seq)s)") % {"code": g.source_number, "seq": g.parent_seq}
    if g.demand_kind == EntryKind.DEMAND_SAFETY:
        return _("Safety stock")
    if g.demand_kind == EntryKind.DEMAND_FORECAST:
        return _("Forecast from %(start)s") % {"start": g.source_number}
    return g.source_number


def _pegs_attach(orders: list[PlannedOrder]) -> None:
    """Each order's pegs, in one query, with their source documents as links."""
    by_order = selectors.pegs_by_order(orders)
    pegs = [g for o in orders for g in by_order.get(o.pk, [])]
    refs_attach([g for g in pegs if g.source_id])
    for g in pegs:
        g.source_ref = getattr(g, "source_ref", None)
        g.label = _peg_label(g)
    for o in orders:
        o.peg_list = by_order.get(o.pk, [])
        o.rules = _rules_worded(o.explanation)


RULE_LABELS = {
    "fixed": _lazy("Fixed lot"),
    "min": _lazy("Minimum lot"),
    "multiple": _lazy("Lot multiple"),
    "max": _lazy("Maximum lot"),
}


def _rules_worded(explanation: str) -> str:
    """The engine's "min=800;multiple=400" in the user's language."""
    parts = []
    for item in filter(None, explanation.split(";")):
        key, _sep, value = item.partition("=")
        parts.append(f"{RULE_LABELS.get(key, key)} {value}")
    return " · ".join(parts)


def run_status(request):
    """The status card, polled by htmx every second while a run is queued or running."""
    require_perm(request.user, "mrp.view_mrprun")
    context = _status_context(_run_from(request))
    response = render(request, "mrp/_run_status.html", context)
    if not context["polling"] and request.headers.get("HX-Request") and request.GET.get("was"):
        response["HX-Redirect"] = reverse("mrp:workbench")
    return response


@require_POST
def run_start(request):
    try:
        run = mrp_run_start(actor=request.user, mode=request.POST.get("mode") or None)
    except DomainError as exc:
        if exc.status >= 403 or exc.code == "permission_denied":
            raise
        messages.warning(request, str(exc.message))
        return redirect("mrp:workbench")
    messages.success(request, _("MRP run %(run)s started.") % {"run": run})
    return redirect("mrp:workbench")


@require_POST
def firm(request):
    run = _run_from(request)
    if run is None:
        raise NotFound()
    ids = [i for i in request.POST.getlist("planned") if i.isdigit()]
    try:
        documents = planned_orders_firm(actor=request.user, run_id=run.pk, planned_ids=ids)
    except DomainError as exc:
        if exc.code == "permission_denied":
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Firmed: %(documents)s.") % {"documents": ", ".join(d.reference for d in documents)},
        )
    return redirect(reverse("mrp:workbench") + f"?run={run.pk}")


def material_detail(request, run_pk: int, material_pk: int):
    require_perm(request.user, "mrp.view_plannedorder")
    run = selectors.run_get(run_pk)
    material = Material.objects.select_related("base_unit").filter(pk=material_pk).first()
    if material is None:
        raise NotFound()
    orders = list(selectors.planned_of(run, material.pk))
    _pegs_attach(orders)
    parents = selectors.planned_by_seq(run, {g.parent_seq for o in orders for g in o.peg_list})
    exceptions = list(selectors.exceptions(run, material_id=material.pk))
    refs_attach([x for x in exceptions if x.source_type and x.source_type != "inventory.lot"])
    entries = list(selectors.entries_of(run, material.pk))
    refs_attach([e for e in entries if e.source_id])
    context = {
        "run": run,
        "material": material,
        "orders": orders,
        "parents": parents,
        "exceptions": exceptions,
        "entries": entries,
        "phased": selectors.time_phased(run, material.pk),
    }
    return render(request, "mrp/material.html", context)


def exception_list(request):
    require_perm(request.user, "mrp.view_plannedorder")
    run = _run_from(request)
    kind = request.GET.get("kind", "")
    rows = selectors.exceptions(run, kind=kind) if run is not None else PlanException.objects.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    refs_attach([x for x in page.object_list if x.source_type and x.source_type != "inventory.lot"])
    context = {"run": run, "page": page, "kind": kind, "kinds": ExceptionKind.choices}
    return render(request, "mrp/exceptions.html", context)


def parameter_list(request):
    require_perm(request.user, "mrp.view_planningparameter")
    q = request.GET.get("q", "").strip()[:60]
    materials = Material.objects.filter(active=True).select_related(
        "planning_parameter", "base_unit"
    )
    if q:
        materials = materials.filter(code__icontains=q) | materials.filter(name__icontains=q)
    page = Paginator(materials.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mrp/parameters.html", {"page": page, "q": q})


def parameter_edit(request, material_pk: int):
    require_perm(request.user, "mrp.view_planningparameter")
    material = Material.objects.filter(pk=material_pk, active=True).first()
    if material is None:
        raise NotFound()
    param = PlanningParameter.objects.filter(material=material).first()
    errors: dict = {}
    data = request.POST if request.method == "POST" else None
    if data is not None:
        try:
            planning_parameter_save(actor=request.user, material_id=material.pk, data=data.dict())
        except DomainError as exc:
            if exc.code == "permission_denied":
                raise
            errors = exc.details.get("fields", {})
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Planning parameters of %(m)s saved.") % {"m": material})
            return redirect("mrp:parameter_list")
    initial = param or PlanningParameter(
        material=material,
        lead_time_days=material.lead_time_days,
        safety_stock=material.safety_stock,
        min_lot=material.min_order_qty,
        lot_multiple=material.order_multiple,
    )
    from erp.iam.models import User

    context = {
        "material": material,
        "param": initial,
        "errors": errors,
        "data": data,
        "users": User.objects.filter(is_active=True).order_by("username"),
    }
    return render(request, "mrp/parameter_form.html", context)


class ForecastList(ListPage):
    """Forecasts from last month on (the shared list: filter, sort, page, export) under a box
    to paste new ones from Excel; a refused paste shows the page again with the text kept."""

    config = FORECASTS
    template_name = "mrp/forecasts.html"

    def post(self, request):
        text = request.POST.get("lines", "")[:200_000]
        try:
            saved = forecasts_save(actor=request.user, rows=forecasts_parse(text))
        except DomainError as exc:
            if exc.code == "permission_denied":
                raise
            messages.error(request, str(exc.message))
            return self.get(request)
        messages.success(request, _("%(n)s forecast lines saved.") % {"n": saved})
        return redirect("mrp:forecast_list")

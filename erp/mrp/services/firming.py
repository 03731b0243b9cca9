"""Firming (确认) planned orders: planned purchases become one draft purchase requisition,
planned production becomes draft production orders, through purchasing's and production's
own services (MRP writes none of their tables).

Twice is once: the run row is locked first, then the planned orders, and only proposed ones
may be firmed; a second request for the same proposals waits for the first and is then
refused, naming the document they became. Only the newest finished run may be firmed: an older
one planned from facts that are no longer true."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from erp.core.services.audit import audit_record
from erp.mrp import selectors
from erp.mrp.models import MrpRun, PlannedKind, PlannedOrder
from erp.mrp.states import PLANNED_MACHINE, PlannedState, RunState

MAX_BATCH = 500


def planned_orders_firm(*, actor, run_id: int, planned_ids: list[int]) -> list:
    """Firm the chosen proposals of the run; returns the documents made (requisition first)."""
    require_perm(actor, "mrp.firm_plannedorder")
    ids = sorted({int(i) for i in planned_ids})
    if not ids or len(ids) > MAX_BATCH:
        raise ValidationFailed(
            _("Choose between 1 and %(max)s planned orders to firm.") % {"max": MAX_BATCH},
            code="mrp_firm_selection",
        )
    with transaction.atomic():
        run = MrpRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            raise NotFound()
        _run_check(run)
        orders = list(
            PlannedOrder.objects.select_for_update()
            .filter(run=run, pk__in=ids)
            .select_related("material")
            .order_by("seq")
        )
        if len(orders) != len(ids):
            raise NotFound()
        _proposed_check(orders)
        params = selectors.params_all()
        documents = []
        buys = [o for o in orders if o.kind == PlannedKind.BUY]
        if buys:
            documents.append(_requisition(actor, run, buys, params))
        for order in orders:
            if order.kind == PlannedKind.MAKE:
                documents.append(_production_order(actor, run, order))
        return documents


def _run_check(run: MrpRun) -> None:
    latest = selectors.run_latest(finished=True)
    if run.state != RunState.DONE or latest is None or latest.pk != run.pk:
        raise BusinessRuleError(
            _(
                "Run %(run)s is not the latest finished MRP run: its proposals are out of date. "
                "Firm the proposals of the latest run."
            )
            % {"run": str(run)},
            code="mrp_run_outdated",
        )


def _proposed_check(orders: list[PlannedOrder]) -> None:
    firmed = [o for o in orders if o.state != PlannedState.PROPOSED]
    if firmed:
        o = firmed[0]
        raise Conflict(
            _("Planned order %(seq)s (%(material)s) is already firmed as %(document)s.")
            % {"seq": o.seq, "material": o.material.code, "document": o.firmed_number},
            code="mrp_already_firmed",
        )


def _requisition(actor, run: MrpRun, orders: list[PlannedOrder], params):
    from erp.purchasing.services.requisitions import requisition_lines_from_plan

    suppliers = _preferred_suppliers([o.material_id for o in orders])
    lines = []
    for o in orders:
        p = params.get(o.material_id)
        arrive = o.due_date - timedelta(days=p.qc_release_days if p else 0)
        lines.append(
            {
                "material_id": o.material_id,
                "quantity": o.quantity,
                "needed_date": arrive,
                "supplier_id": suppliers.get(o.material_id),
                "note": f"{run} #{o.seq}",
            }
        )
    doc = requisition_lines_from_plan(actor=actor, lines=lines, note=str(run))
    _firmed(actor, run, orders, "purchasing.purchaserequisition", doc)
    return doc


def _preferred_suppliers(material_ids: list[int]) -> dict[int, int]:
    from erp.masterdata.models import SupplierMaterial

    chosen: dict[int, int] = {}
    for material_id, supplier_id in (
        SupplierMaterial.objects.filter(material_id__in=material_ids)
        .order_by("material_id", "-is_preferred", "supplier__code")
        .values_list("material_id", "supplier_id")
    ):
        chosen.setdefault(material_id, supplier_id)
    return chosen


def _production_order(actor, run: MrpRun, order: PlannedOrder):
    from erp.production.services.orders import production_order_create

    warehouse_id, location_id = _places(order)
    doc = production_order_create(
        actor=actor,
        header={
            "product_id": order.material_id,
            "date": max(order.start_date, timezone.localdate()),
            "quantity": order.quantity,
            "issue_warehouse_id": warehouse_id,
            "output_location_id": location_id,
            "note": f"{run} #{order.seq}",
        },
    )
    _firmed(actor, run, [order], "production.productionorder", doc)
    return doc


def _places(order: PlannedOrder) -> tuple[int, int]:
    """Issue from the warehouse of the first component's default, output to the product's
    default location; without defaults the production order refuses and says which."""
    from erp.masterdata.models import Location

    material = order.material
    location_id = material.default_location_id
    if location_id is None and material.default_warehouse_id:
        location_id = (
            Location.objects.filter(warehouse_id=material.default_warehouse_id)
            .order_by("code")
            .values_list("pk", flat=True)
            .first()
        )
    if location_id is None:
        raise BusinessRuleError(
            _(
                "%(material)s has no default location: set it on the material so the "
                "production order knows where its output goes."
            )
            % {"material": material.code},
            code="mrp_no_location",
        )
    warehouse_id = _issue_warehouse(order) or Location.objects.get(pk=location_id).warehouse_id
    return warehouse_id, location_id


def _issue_warehouse(order: PlannedOrder) -> int | None:
    from erp.production.selectors import formula_for

    formula = formula_for(product=order.material_id, on_date=order.start_date)
    if formula is None:
        return None
    return (
        formula.lines.exclude(material__default_warehouse=None)
        .order_by("line_no")
        .values_list("material__default_warehouse_id", flat=True)
        .first()
    )


def _firmed(actor, run: MrpRun, orders: list[PlannedOrder], doc_type: str, doc) -> None:
    now = timezone.now()
    PLANNED_MACHINE.transition_queryset(
        PlannedOrder.objects.filter(pk__in=[o.pk for o in orders]),
        "firm",
        expected=len(orders),
        firmed_type=doc_type,
        firmed_id=doc.pk,
        firmed_number=doc.reference,
        firmed_at=now,
        firmed_by=actor,
    )
    for o in orders:
        audit_record(
            actor=actor,
            action="firm",
            obj=o,
            object_repr=f"{run}/{o.seq} {o.material.code}",  # the run by its number
            changes={"state": PlannedState.FIRMED, "firmed_number": str(doc.reference)},
        )

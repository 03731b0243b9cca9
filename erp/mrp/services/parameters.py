"""Planning parameters (计划参数) per material: the one write is `planning_parameter_save`."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.money import round_quantity
from erp.core.services.audit import audit_record, diff, snapshot
from erp.masterdata.models import Material
from erp.mrp.models import PlanningParameter

QUANTITIES = ("safety_stock", "min_lot", "max_lot", "lot_multiple", "fixed_lot")
DAYS = ("lead_time_days", "qc_release_days")
FIELDS = (*DAYS, *QUANTITIES, "yield_pct", "quarantine_counts", "planner_id")
MAX_DAYS = 3650


def _error(field: str, message) -> ValidationFailed:
    return ValidationFailed(code="mrp_parameter_invalid", fields={field: [message]})


def _decimal(data: dict, field: str) -> Decimal:
    try:
        value = Decimal(str(data.get(field) if data.get(field) not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise _error(field, _("Enter a number.")) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e13"):
        raise _error(field, _("Enter a number of zero or more."))
    return value


def _days(data: dict, field: str) -> int:
    raw = data.get(field)
    try:
        value = int(raw) if raw not in (None, "") else 0
    except (TypeError, ValueError):
        raise _error(field, _("Enter whole days.")) from None
    if not 0 <= value <= MAX_DAYS:
        raise _error(field, _("Enter between 0 and 3650 days."))
    return value


def _clean(data: dict) -> dict:
    clean: dict = {f: _days(data, f) for f in DAYS}
    clean |= {f: round_quantity(_decimal(data, f)) for f in QUANTITIES}
    yield_pct = _decimal(data, "yield_pct") if data.get("yield_pct") not in (None, "") else 100
    if not 0 < yield_pct <= 100:
        raise _error("yield_pct", _("Enter an expected yield above 0 and at most 100 %."))
    clean["yield_pct"] = Decimal(yield_pct).quantize(Decimal("0.001"))
    if clean["max_lot"] and clean["max_lot"] < clean["min_lot"]:
        raise _error("max_lot", _("The maximum lot is below the minimum lot."))
    if clean["max_lot"] and clean["lot_multiple"] > clean["max_lot"]:
        raise _error("lot_multiple", _("The lot multiple is above the maximum lot."))
    clean["quarantine_counts"] = bool(data.get("quarantine_counts"))
    if "planner_id" in data:  # a form without the field keeps the planner
        clean["planner_id"] = _planner(data.get("planner_id"))
    return clean


def _planner(raw) -> int | None:
    from erp.iam.models import User

    if raw in (None, ""):
        return None
    if not str(raw).isdigit() or not User.objects.filter(pk=int(raw), is_active=True).exists():
        raise _error("planner_id", _("Choose an active user as planner."))
    return int(raw)


def planning_parameter_save(*, actor, material_id: int, data: dict) -> PlanningParameter:
    """Create or change the planning parameters of one material."""
    require_perm(actor, "mrp.change_planningparameter")
    clean = _clean(data)
    with transaction.atomic():
        material = Material.objects.filter(pk=material_id, active=True).first()
        if material is None:
            raise NotFound()
        param = PlanningParameter.objects.select_for_update().filter(material=material).first()
        created = param is None
        if created:
            require_perm(actor, "mrp.add_planningparameter")
            param = PlanningParameter(material=material)
        before = snapshot(param, FIELDS) if not created else {}
        for key, value in clean.items():
            setattr(param, key, value)
        param.save()
        after = snapshot(param, FIELDS)
        audit_record(
            actor=actor,
            action="create" if created else "update",
            obj=param,
            object_repr=material.code,
            changes=after if created else diff(before, after),
        )
    return param

"""Sampling of an inspection lot (抽样): the plan's scheme applied to the lot size, and the
GB/T 2828.1 switching between normal, tightened and reduced inspection per supplier ×
material, moved on by every usage decision."""

import math
from decimal import Decimal

from erp.core.ledger import stock_offset_partner
from erp.quality import sampling
from erp.quality.models import SamplingHistory, SamplingScheme, Severity

SAMPLING_FIELDS = [
    "severity",
    "code_letter",
    "sample_size",
    "acceptance_number",
    "rejection_number",
]
# The history keeps what the longest rule looks back on (10 accepted lots for reduced).
HISTORY_KEPT = 10


def supplier_of(source) -> int | None:
    """The supplier of the stock document that brought the goods (a purchase receipt), via
    the partner registry the ledger uses: quality does not import purchasing."""
    if source is None:
        return None
    return stock_offset_partner(source.type, source.id).get("supplier_id")


def lot_size(quantity: Decimal) -> int:
    """GB/T 2828.1 counts items: the quantity in the base unit, rounded up (a part drum is
    one more item to sample from)."""
    return max(1, math.ceil(quantity))


def severity_of(*, supplier_id, material_id) -> str:
    if supplier_id is None:
        return Severity.NORMAL
    found = SamplingHistory.objects.filter(supplier_id=supplier_id, material_id=material_id)
    return found.values_list("severity", flat=True).first() or Severity.NORMAL


def sampling_apply(inspection) -> None:
    """Set the inspection's sample size (and Ac/Re under GB/T 2828.1) from its plan and
    quantity; the caller saves SAMPLING_FIELDS."""
    plan = inspection.plan
    values = dict.fromkeys(SAMPLING_FIELDS)
    values["severity"], values["code_letter"] = "", ""
    if plan is not None and plan.sampling_scheme == SamplingScheme.FIXED:
        values["sample_size"] = min(plan.sample_size, lot_size(inspection.quantity))
    elif plan is not None and plan.sampling_scheme == SamplingScheme.GBT2828:
        severity = severity_of(
            supplier_id=inspection.supplier_id, material_id=inspection.material_id
        )
        found = sampling.single_plan(
            lot_size(inspection.quantity), plan.aql, plan.inspection_level, severity
        )
        values.update(
            severity=severity,
            code_letter=found.code_letter,
            sample_size=found.sample_size,
            acceptance_number=found.acceptance,
            rejection_number=found.rejection,
        )
    for field, value in values.items():
        setattr(inspection, field, value)


def switching_record(inspection, *, accepted: bool) -> SamplingHistory | None:
    """Move the supplier × material switching on by one decided lot: GB/T 2828.1 plans of a
    purchase receipt only (other stock has no supplier to switch for)."""
    if inspection.supplier_id is None or not inspection.severity:
        return None
    state, _created = SamplingHistory.objects.select_for_update().get_or_create(
        supplier_id=inspection.supplier_id, material_id=inspection.material_id
    )
    history = (state.history + ("A" if accepted else "R"))[-HISTORY_KEPT:]
    severity = sampling.next_severity(state.severity, history)
    state.history = "" if severity != state.severity else history
    state.severity = severity
    state.save(update_fields=["history", "severity", "updated_at"])
    return state

"""Reads of the quality app (home figures)."""

from erp.quality.models import InspectionLot, InspectionLotState


def inspections_waiting_results_count() -> int:
    return InspectionLot.objects.filter(state=InspectionLotState.OPEN).count()


def inspections_waiting_decision_count() -> int:
    return InspectionLot.objects.filter(state=InspectionLotState.SUBMITTED).count()


def limits_shown(r) -> str:
    """A characteristic's limits as read: "98 ~ 100", "≥ 93", "≤ 21"; "" for pass/fail."""
    if r.kind == "pass_fail":
        return ""
    lower = "" if r.lower_limit is None else f"{r.lower_limit.normalize():f}"
    upper = "" if r.upper_limit is None else f"{r.upper_limit.normalize():f}"
    if lower and upper:
        return f"{lower} ~ {upper}"
    return f"≥ {lower}" if lower else (f"≤ {upper}" if upper else "")

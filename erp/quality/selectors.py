"""Reads of the quality app (home figures)."""

from erp.quality.models import InspectionLot, InspectionLotState


def inspections_waiting_results_count() -> int:
    return InspectionLot.objects.filter(state=InspectionLotState.OPEN).count()


def inspections_waiting_decision_count() -> int:
    return InspectionLot.objects.filter(state=InspectionLotState.SUBMITTED).count()

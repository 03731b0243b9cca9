"""Concession (让步接收) through the approvals engine: an out-of-spec or nonconforming lot
released on concession waits for the approvers the rules name (demo: 质量经理 + 总经理);
approved, the lot is released (a partial concession splits off its rejected part), refused,
the lot is nonconforming."""

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.approvals.contract import ApprovalSubject, approval_subject_register
from erp.approvals.states import RequestState
from erp.core.money import format_cny
from erp.inventory.models import StockBalance
from erp.quality.models import CharacteristicKind, InspectionLot, InspectionLotState
from erp.quality.selectors import limits_shown
from erp.quality.services.inspections import DOC_TYPE, decision_apply, engine_transition


def _lot_value(inspection: InspectionLot):
    found = StockBalance.objects.filter(lot_id=inspection.lot_id).aggregate(v=Sum("value"))["v"]
    return found or 0


def _result_shown(r) -> str:
    if r.kind == CharacteristicKind.PASS_FAIL:
        return {True: str(_("Pass")), False: str(_("Fail")), None: ""}[r.passed]
    return "" if r.value is None else f"{r.value.normalize():f}{r.unit}"


def concession_decided(inspection: InspectionLot, request) -> None:
    """The engine finished the request (approver's transaction, inspection row locked)."""
    if inspection.state != InspectionLotState.CONCESSION:
        return
    actor = inspection.decided_by  # who asked for the concession: quality decides lots
    if request.state == RequestState.APPROVED:
        engine_transition(inspection, "concession_approve", request=request)
        decision_apply(actor, inspection, "conditional")
        return
    engine_transition(inspection, "concession_refuse", request=request)
    inspection.rejected_quantity = None
    inspection.save(update_fields=["rejected_quantity"])
    decision_apply(actor, inspection, "reject")


def concessions_register() -> None:
    """Plug inspection lots into the approvals engine (called from QualityConfig.ready)."""
    approval_subject_register(
        ApprovalSubject(
            doc_type=DOC_TYPE,
            model=InspectionLot,
            label=_("Concession (inspection lot)"),
            rule_fields=lambda i: {
                "amount": _lot_value(i),
                "department": "",
                "material": i.material.code,
            },
            extra_fields={"material": ("code", _("Material"))},
            summary=lambda i: [
                (_("Material"), str(i.material)),
                (_("Lot"), i.lot.number),
                (_("Quantity"), f"{i.quantity.normalize():f}"),
                (_("Lot value"), format_cny(_lot_value(i))),
                (_("Rejected quantity"), i.partial_quantity_shown),
                (_("Decision reason"), i.decision_reason),
            ],
            lines=lambda i: (
                [_("Characteristic"), _("Limits"), _("Result"), _("Comment")],
                [
                    [r.name, limits_shown(r), _result_shown(r), r.comment]
                    for r in i.lines.order_by("line_no")
                ],
            ),
            url=lambda i: reverse("quality:inspectionlot_detail", args=[i.pk]),
            requester=lambda i: i.decided_by or i.created_by,
            on_decided=concession_decided,
        )
    )

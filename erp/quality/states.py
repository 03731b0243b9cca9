"""State machines of the quality documents.

Inspection lot: open (results are entered) → submitted (by the inspector) → released /
conditional / rejected (the usage decision, by someone else: quality manager). The decision
is what changes the inventory lot's status."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.states import StateMachine, Transition
from erp.quality.models import InspectionLotState, NcrState, PlanState

PLAN_MACHINE = StateMachine(
    PlanState,
    [
        Transition(
            "activate",
            ("draft",),
            "active",
            "quality.activate_inspectionplan",
            _("Activate"),
            style="success",
            confirm=_("Activate this plan? It replaces the active plan of the same scope."),
        ),
        Transition(
            "retire",
            ("active",),
            "retired",
            "quality.retire_inspectionplan",
            _("Retire"),
            style="outline-danger",
            confirm=_("Retire this plan? New inspections will no longer use it."),
        ),
    ],
)

DECIDE = "quality.decide_inspectionlot"
# Transitions the approvals engine drives: no button and no permission of their own (the
# approver's seat on the request authorises them), as for sales orders.
BY_APPROVALS = ""

INSPECTION_MACHINE = StateMachine(
    InspectionLotState,
    [
        Transition(
            "submit",
            ("open",),
            "submitted",
            "quality.submit_inspectionlot",
            _("Submit results"),
            confirm=_("Submit the results for the usage decision? They can no longer be edited."),
        ),
        Transition(
            "release",
            ("submitted",),
            "released",
            DECIDE,
            pgettext_lazy("inspection action", "Release"),
            style="success",
            confirm=_("Release the lot? It becomes usable for production and delivery."),
        ),
        # 让步接收 goes to the approvals engine (质量经理 + 总经理 in the demo rules): the lot
        # is released only when the request is approved; a nonconforming lot may be
        # conceded too.
        Transition(
            "conditional",
            ("submitted", "rejected"),
            "concession",
            DECIDE,
            _("Conditional release"),
            style="outline-warning",
        ),
        Transition(
            "concession_approve",
            ("concession",),
            "conditional",
            BY_APPROVALS,
            _("Concession approved"),
        ),
        Transition(
            "concession_refuse",
            ("concession",),
            "rejected",
            BY_APPROVALS,
            _("Concession refused"),
        ),
        Transition(
            "reject",
            ("submitted",),
            "rejected",
            DECIDE,
            _("Reject lot"),
            style="outline-danger",
        ),
    ],
)

NCR_MACHINE = StateMachine(
    NcrState,
    [
        Transition(
            "confirm",
            ("draft",),
            "confirmed",
            "quality.confirm_nonconformancereport",
            _("Confirm disposition"),
        ),
        Transition(
            "close",
            ("confirmed",),
            "closed",
            "quality.close_nonconformancereport",
            _("Close"),
            style="success",
            confirm=_("Close the report? Every corrective action must be done."),
        ),
        Transition(
            "cancel",
            ("draft",),
            "cancelled",
            "quality.cancel_nonconformancereport",
            pgettext_lazy("document action", "Cancel"),
            style="outline-danger",
            confirm=_("Cancel this draft?"),
        ),
    ],
)

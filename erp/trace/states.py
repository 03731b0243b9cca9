"""The recall case's state machine: open → stock on hold → hold released → closed."""

from django.utils.translation import gettext_lazy as _

from erp.core.states import StateMachine, Transition
from erp.trace.models import RecallState

RECALL_MACHINE = StateMachine(
    RecallState,
    [
        Transition(
            "hold",
            ("open",),
            "held",
            "trace.hold_recallcase",
            _("Hold all affected stock"),
            style="danger",
            confirm=_("Put every affected lot still in stock on hold (冻结) now?"),
        ),
        Transition(
            "release",
            ("held",),
            "released",
            "trace.release_recallcase",
            _("Release the hold"),
            style="outline-primary",
            confirm=_("Give every held lot its status from before the hold back?"),
        ),
        Transition(
            "close",
            ("open", "held", "released"),
            "closed",
            "trace.close_recallcase",
            _("Close"),
            style="success",
            confirm=_("Close the case? A hold still in place is released."),
        ),
    ],
)

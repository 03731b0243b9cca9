"""States and transitions of formulas (配方) and production orders (生产订单)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.states import StateMachine, Transition

# Transitions the approvals engine takes (no button, no permission of their own).
BY_APPROVALS = ""


class FormulaState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", pgettext_lazy("document state", "Approved")
    RELEASED = "released", pgettext_lazy("formula state", "Released")
    SUPERSEDED = "superseded", pgettext_lazy("production state", "Superseded")
    CANCELLED = "cancelled", _("Cancelled")


class ProductionOrderState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RELEASED = "released", pgettext_lazy("production state", "Released")
    STARTED = "started", pgettext_lazy("production state", "Started")
    COMPLETED = "completed", pgettext_lazy("production state", "Completed")
    CLOSED = "closed", pgettext_lazy("production state", "Closed")
    CANCELLED = "cancelled", _("Cancelled")


FORMULA_MACHINE = StateMachine(
    FormulaState,
    [
        Transition(
            "submit",
            ("draft",),
            "submitted",
            "production.submit_formula",
            _("Submit for approval"),
            confirm=_("Submit this formula version for approval? It cannot be edited meanwhile."),
        ),
        Transition(
            "approve",
            ("submitted",),
            "approved",
            BY_APPROVALS,
            pgettext_lazy("document state", "Approved"),
        ),
        Transition("reopen", ("submitted",), "draft", BY_APPROVALS, _("Back to draft")),
        # From draft only when no approval rule applies (the request is approved at once).
        Transition(
            "release",
            ("draft", "approved"),
            "released",
            "production.release_formula",
            _("Release"),
            confirm=_("Release this formula version? It can no longer be edited afterwards."),
        ),
        # No button: releasing a newer version of the product supersedes the older ones.
        Transition(
            "supersede",
            ("released",),
            "superseded",
            "production.release_formula",
            _("Supersede"),
        ),
        Transition(
            "cancel",
            ("draft",),
            "cancelled",
            "production.cancel_formula",
            pgettext_lazy("document action", "Cancel"),
            style="outline-danger",
            confirm=_("Cancel this draft?"),
        ),
    ],
)


class RoutingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RELEASED = "released", pgettext_lazy("formula state", "Released")
    CANCELLED = "cancelled", _("Cancelled")


ROUTING_MACHINE = StateMachine(
    RoutingState,
    [
        Transition(
            "release",
            ("draft",),
            "released",
            "production.release_routing",
            _("Release"),
            confirm=_("Release this routing? It can no longer be edited afterwards."),
        ),
        Transition(
            "cancel",
            ("draft",),
            "cancelled",
            "production.cancel_routing",
            pgettext_lazy("document action", "Cancel"),
            style="outline-danger",
            confirm=_("Cancel this draft?"),
        ),
    ],
)

ORDER_MACHINE = StateMachine(
    ProductionOrderState,
    [
        Transition(
            "release",
            ("draft",),
            "released",
            "production.release_productionorder",
            pgettext_lazy("production order action", "Release"),
            confirm=_("Release this order to the workshop?"),
        ),
        Transition(
            "issue",
            ("released",),
            "started",
            "production.issue_productionorder",
            _("Issue materials"),
            confirm=_(
                "Issue every component now (first expiry first out, potency adjusted)? "
                "Stock moves are posted."
            ),
        ),
        Transition(
            "complete",
            ("started",),
            "completed",
            "production.complete_productionorder",
            _("Report output"),
            style="success",
            confirm=_("Receive the output into a new quarantine lot at the actual cost?"),
        ),
        Transition(
            "close",
            ("completed",),
            "closed",
            "production.close_productionorder",
            pgettext_lazy("production action", "Close"),
            style="outline-secondary",
            confirm=_("Close this order? Nothing more can be posted to it."),
        ),
        Transition(
            "cancel",
            ("draft", "released"),
            "cancelled",
            "production.cancel_productionorder",
            pgettext_lazy("document action", "Cancel"),
            style="outline-danger",
            confirm=_("Cancel this order?"),
        ),
    ],
)

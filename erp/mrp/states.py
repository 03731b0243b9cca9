"""States of an MRP run and of a planned order, with their declared transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.states import StateMachine, Transition, machine_of_register


class RunState(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("mrp run state", "Queued")
    RUNNING = "running", pgettext_lazy("mrp run state", "Running")
    DONE = "done", pgettext_lazy("mrp run state", "Finished")
    FAILED = "failed", pgettext_lazy("mrp run state", "Failed")


class PlannedState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("planned order state", "Proposed")
    FIRMED = "firmed", pgettext_lazy("planned order state", "Firmed")


RUN_MACHINE = StateMachine(
    RunState,
    [
        # No buttons: the job moves a run along; starting one is `mrp_run_start`.
        Transition("execute", ("queued",), "running", "mrp.start_mrprun", _("Run")),
        Transition("finish", ("running",), "done", "mrp.start_mrprun", _("Finish")),
        Transition(
            "fail",
            ("queued", "running"),
            "failed",
            "mrp.start_mrprun",
            pgettext_lazy("mrp run action", "Fail"),
        ),
    ],
)

PLANNED_MACHINE = StateMachine(
    PlannedState,
    [
        Transition(
            "firm",
            ("proposed",),
            "firmed",
            "mrp.firm_plannedorder",
            pgettext_lazy("mrp action", "Firm"),
        ),
    ],
)

machine_of_register("mrp.mrprun", RUN_MACHINE)
machine_of_register("mrp.plannedorder", PLANNED_MACHINE)

"""The retest date a usage decision leaves on its lot (复检日期): kept apart from the job
that opens re-inspections, which needs the inspection services this module is used by."""

import datetime as dt

from django.utils import timezone

from erp.quality.models import LotRetest


def retest_after_decision(actor, inspection, decision: str) -> None:
    """A release under a plan with a retest interval sets the lot's next retest date; any
    other decision ends the schedule (a rejected lot is not re-inspected, a release without
    an interval has none). Called inside the decision's transaction."""
    plan = inspection.plan
    days = plan.retest_interval_days if plan is not None else None
    if decision == "reject" or not days:
        LotRetest.objects.filter(lot_id=inspection.lot_id).delete()
        return
    LotRetest.objects.update_or_create(
        lot_id=inspection.lot_id,
        defaults={
            "retest_on": timezone.localdate() + dt.timedelta(days=days),
            "blocks": plan.retest_blocks_lot,
            "scheduled_by": actor,
        },
    )

"""MRP jobs for huey (`erp worker` runs them): a run off the request, so the planner can leave
the workbench and come back to its progress bar."""

from django.utils import translation
from huey.contrib.djhuey import db_task


@db_task(name="mrp_run")
def mrp_run_task(run_id: int) -> str:
    from erp.mrp.models import MrpRun
    from erp.mrp.services.runs import mrp_run_execute, progress_to

    run = MrpRun.objects.select_related("started_by").get(pk=run_id)
    with translation.override(getattr(run.started_by, "language", None) or None):
        run = mrp_run_execute(run_id=run_id, progress=progress_to(run_id))
    return f"{run} {run.state} {run.planned_count}"

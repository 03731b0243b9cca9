"""Month-end close as a background job: the button queues it, the period page polls its
status (htmx every second while it runs), and the user may leave and come back."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp.accounting.models import Period
from erp.accounting.tasks import month_end_queue, month_end_task
from erp.core.access import require_perm
from erp.core.errors import NotFound
from erp.core.jobs import job_last_run

STALE_AFTER = dt.timedelta(minutes=30)  # a run this old without a finish died with its worker


def _period(pk) -> Period:
    period = Period.objects.filter(pk=pk).first()
    if period is None:
        raise NotFound()
    return period


def month_end_status(period: Period) -> dict:
    """The last close run of the period as the status partial shows it."""
    run = job_last_run(month_end_task(period.pk))
    if run is None:
        return {"run": None, "running": False}
    running = run.finished_at is None and timezone.now() - run.started_at < STALE_AFTER
    step, total, label = 0, 4, run.message
    head, _sep, rest = run.message.partition(" ")
    if running and "/" in head:
        done, _slash, count = head.partition("/")
        if done.isdigit() and count.isdigit():
            step, total, label = int(done), int(count), rest
    error = run.message.split(": ", 1)[-1] if run.ok is False else ""
    return {
        "run": run,
        "running": running,
        "percent": round(100 * step / total) if total else 0,
        "label": label,
        "error": error,
    }


@require_POST
def month_end_run(request, pk: int):
    require_perm(request.user, "accounting.close_period")
    period = _period(pk)
    if month_end_status(period)["running"]:
        messages.info(request, _("The month-end close of this period is already running."))
    else:
        month_end_queue(actor_id=request.user.pk, period_id=period.pk)
    return redirect("accounting:period_detail", pk=period.pk)


def month_end_status_page(request, pk: int):
    require_perm(request.user, "accounting.view_period")
    period = _period(pk)
    context = {"period": period, "polling": True, **month_end_status(period)}
    response = render(request, "accounting/_month_end_status.html", context)
    if not context["running"] and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # finished: reload so the checklist shows the result
    return response

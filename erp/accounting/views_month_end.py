"""Month-end close as a background job: the button queues it, the period page polls its
status (htmx every second while it runs), and the user may leave and come back."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from erp.accounting.models import Period
from erp.accounting.selectors import month_end_status
from erp.accounting.services.month_end import MonthEndRunning, month_end_start
from erp.core.access import require_perm
from erp.core.errors import DomainError, NotFound


def _period(pk) -> Period:
    period = Period.objects.filter(pk=pk).first()
    if period is None:
        raise NotFound()
    return period


@require_POST
def month_end_run(request, pk: int):
    try:
        month_end_start(actor=request.user, period_id=pk)
    except MonthEndRunning as exc:
        messages.info(request, str(exc.message))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    return redirect("accounting:period_detail", pk=pk)


def month_end_status_page(request, pk: int):
    require_perm(request.user, "accounting.view_period")
    period = _period(pk)
    context = {"period": period, "polling": True, **month_end_status(period)}
    response = render(request, "accounting/_month_end_status.html", context)
    if not context["running"] and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # finished: reload so the checklist shows the result
    return response

"""The daily operations report as a page, for any day (default: yesterday)."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.reports.daily import daily_report_build


def daily_page(request):
    require_perm(request.user, "reports.view_dailyreport")
    today = timezone.localdate()
    raw = request.GET.get("day")
    try:
        day = dt.date.fromisoformat(raw) if raw else today - dt.timedelta(days=1)
    except ValueError:
        raise ValidationFailed(_("Enter a date as 2026-03-01."), code="invalid_filter") from None
    if day > today:
        raise ValidationFailed(_("Choose today or a past date."), code="invalid_filter")
    report = daily_report_build(day)
    context = {
        "title": _("Daily operations report"),
        "report": report,
        "previous": (day - dt.timedelta(days=1)).isoformat(),
        "next": (day + dt.timedelta(days=1)).isoformat() if day < today else "",
    }
    return render(request, "reports/daily.html", context)

"""Reports jobs for huey (`erp worker` runs them): the daily operations report every morning."""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from erp.core.jobs import job_run_record


@db_periodic_task(crontab(hour="6", minute="30"), name="reports_daily_operations")
def reports_daily_operations() -> str:
    """06:30 every day: yesterday's report to ERP_DAILY_REPORT_TO."""
    from erp.reports.daily import daily_report_send

    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return job_run_record("reports_daily_operations", lambda: daily_report_send(yesterday))


@db_task(name="reports_daily_operations_now")
def reports_daily_operations_now(day_iso: str) -> str:
    """On demand: one day's report sent now (the page's “e-mail it” button)."""
    from erp.reports.daily import daily_report_send

    day = dt.date.fromisoformat(day_iso)
    return job_run_record("reports_daily_operations", lambda: daily_report_send(day))

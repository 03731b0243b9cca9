"""每日运行监控报告: one day's figures for management and the hypercare team — documents
created and still waiting, sales and margin, shipments and receipts, stock value, quarantine
lots, failed jobs and backups, who logged in. Built on demand for any day (the page) and every
morning for yesterday by the job queue (the e-mail); it reads, it stores nothing."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erp.core.jobs import job_name
from erp.core.models import JobRun
from erp.core.references import document_types
from erp.reports import selectors as sel

WAITING_STATES = ("draft", "submitted", "credit_hold")
STUCK_DAYS = 3


@dataclass
class DocCount:
    label: str
    created: int
    waiting: int  # in draft or awaiting approval for more than STUCK_DAYS days


@dataclass
class DailyReport:
    day: dt.date
    revenue: Decimal
    cost: Decimal
    documents: list[DocCount] = field(default_factory=list)
    stock_value: Decimal = Decimal(0)
    quarantine: int = 0
    overdue: Decimal = Decimal(0)
    failed_jobs: list[JobRun] = field(default_factory=list)
    last_backup: JobRun | None = None
    last_check: JobRun | None = None  # the weekly `erp check` of the operations schedule
    count_accuracy: Decimal | None = None
    logins: list[str] = field(default_factory=list)

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def stuck_days(self) -> int:
        return STUCK_DAYS


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    return start, start + dt.timedelta(days=1)


def _documents(day: dt.date) -> list[DocCount]:
    """Per document type: created that day, and waiting in draft/approval for more than
    STUCK_DAYS days at the end of it — one query per type."""
    start, end = _bounds(day)
    stuck_before = end - dt.timedelta(days=STUCK_DAYS)
    rows = []
    for doc_type in document_types().values():
        model = doc_type.model
        # Lines shown as their document (a voucher line) are counted with that document.
        if model is None or doc_type.number_field != "number":
            continue
        found = model._default_manager.aggregate(
            created=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
            waiting=Count("pk", filter=Q(state__in=WAITING_STATES, created_at__lt=stuck_before)),
        )
        if found["created"] or found["waiting"]:
            rows.append(DocCount(str(doc_type.label), found["created"], found["waiting"]))
    return sorted(rows, key=lambda r: (-r.created, r.label))


def daily_report_build(day: dt.date) -> DailyReport:
    scope = sel.Scope(day, day)
    start, end = _bounds(day)
    report = DailyReport(day=day, revenue=sel.revenue_total(scope), cost=sel.cost_total(scope))
    report.documents = _documents(day)
    report.stock_value = sel.stock_value_at(day)
    report.quarantine = sel.quarantine_lots_waiting()
    report.overdue = sel.receivables_overdue(day + dt.timedelta(days=1))[0]
    report.failed_jobs = list(
        JobRun.objects.filter(started_at__gte=start, started_at__lt=end, ok=False).order_by(
            "started_at"
        )[:50]
    )
    for run in report.failed_jobs:
        run.name = job_name(run.task)  # 每日运行监控报告, not reports_daily_operations
    report.last_backup = (
        JobRun.objects.filter(task__contains="backup", started_at__lt=end)
        .order_by("-started_at")
        .first()
    )
    report.last_check = (
        JobRun.objects.filter(task="ops_weekly_check", started_at__lt=end)
        .order_by("-started_at")
        .first()
    )
    report.count_accuracy = sel.count_accuracy(day, day)
    user_model = get_user_model()
    report.logins = [
        str(u)
        for u in user_model.objects.filter(last_login__gte=start, last_login__lt=end).order_by(
            "username"
        )
    ]
    return report


def daily_report_recipients() -> list[str]:
    raw = settings.ERP_DAILY_REPORT_TO
    if isinstance(raw, str):
        raw = raw.replace(";", ",").split(",")
    return [a.strip() for a in raw if a and a.strip()]


def daily_report_send(day: dt.date) -> str:
    """Render the day's report and e-mail it to ERP_DAILY_REPORT_TO (plain text and HTML);
    nobody configured: nothing is sent. Returns what the job run records (translated)."""
    recipients = daily_report_recipients()
    if not recipients:
        return _("no recipients: set ERP_DAILY_REPORT_TO to the addresses to send it to")
    with translation.override(settings.LANGUAGE_CODE):
        report = daily_report_build(day)
        context = {"report": report}
        subject = _("Daily operations report %(day)s") % {"day": day.isoformat()}
        text = render_to_string("reports/daily_email.txt", context)
        html = render_to_string("reports/daily_email.html", context)
    message = EmailMultiAlternatives(
        f"[ERP {settings.ERP_INSTANCE}] {subject}", text, None, recipients
    )
    message.attach_alternative(html, "text/html")
    message.send()
    # The job run's message, shown on the status page: in the active (the site's) language.
    return _("sent the report of %(day)s to %(n)s recipients") % {
        "day": day.isoformat(),
        "n": len(recipients),
    }

"""The daily operations report: its figures, the morning e-mail, the page for any day."""

import datetime as dt
from decimal import Decimal

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from erp.reports.daily import daily_report_build, daily_report_send
from erp.reports.tests import scenario
from erp.reports.tests.scenario import TODAY


class DailyTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.s = scenario.build()

    def test_the_day_s_figures(self):
        report = daily_report_build(TODAY)
        assert (report.revenue, report.cost, report.margin) == (
            Decimal("1500.00"),
            Decimal("220.00"),
            Decimal("1280.00"),
        )
        assert report.stock_value == Decimal("1780.00") and report.quarantine == 1
        created = {d.label: d.created for d in report.documents}
        assert created["销售发票"] == 2 and created["发货单"] == 3 and created["销售订单"] == 3
        assert daily_report_build(TODAY - dt.timedelta(days=1)).revenue == Decimal("0")

    @override_settings(ERP_DAILY_REPORT_TO="gm@example.com, cfo@example.com")
    def test_the_morning_mail_goes_to_the_configured_recipients(self):
        with translation.override("en"):
            assert daily_report_send(TODAY).startswith("sent")
        (message,) = mail.outbox
        assert message.to == ["gm@example.com", "cfo@example.com"]
        assert TODAY.isoformat() in message.subject and "每日运行监控报告" in message.subject
        assert "¥1,500.00" in message.body and "¥1,280.00" in message.body
        html = message.alternatives[0][0]
        assert "¥1,780.00" in html

    @override_settings(ERP_DAILY_REPORT_TO="")
    def test_nobody_configured_nothing_sent(self):
        with translation.override("en"):
            assert daily_report_send(TODAY).startswith("no recipients")
        assert mail.outbox == []

    @override_settings(ERP_DAILY_REPORT_TO="gm@example.com")
    def test_the_job_message_is_in_chinese_on_a_chinese_site(self):
        # The status page shows the job run's message: 已发送 / 未配置收件人, not English.
        with translation.override("zh-hans"):
            assert daily_report_send(TODAY) == f"已将 {TODAY.isoformat()} 的报告发送给 1 位收件人"
        with override_settings(ERP_DAILY_REPORT_TO=""), translation.override("zh-hans"):
            assert "ERP_DAILY_REPORT_TO" in daily_report_send(TODAY)
            assert daily_report_send(TODAY).startswith("未配置收件人")

    @override_settings(ERP_DAILY_REPORT_TO=["gm@example.com"])
    def test_the_periodic_job_sends_yesterday_and_records_its_run(self):
        from erp.core.models import JobRun
        from erp.reports.tasks import reports_daily_operations

        reports_daily_operations.call_local()
        (message,) = mail.outbox
        assert (TODAY - dt.timedelta(days=1)).isoformat() in message.subject
        assert JobRun.objects.get(task="reports_daily_operations").ok

    def test_the_page_shows_any_past_day(self):
        self.client.force_login(self.s["gm"])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from erp.core.references import document_types

        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(reverse("reports:daily"), {"day": TODAY.isoformat()})
        html = response.content.decode()
        # One count per document type, plus a fixed number for the rest.
        types = sum(1 for t in document_types().values() if t.model is not None)
        assert len(ctx.captured_queries) <= types + 20, len(ctx.captured_queries)
        assert "¥1,500.00" in html and "销售发票" in html
        assert self.client.get(reverse("reports:daily")).status_code == 200
        future = (TODAY + dt.timedelta(days=1)).isoformat()
        assert self.client.get(reverse("reports:daily"), {"day": future}).status_code == 400
        self.client.force_login(self.s["seller"])
        assert self.client.get(reverse("reports:daily")).status_code == 403

    def test_a_failed_job_is_named_not_coded(self):
        """The failed-jobs line showed the task code (reports_daily_operations); each app names
        its jobs with job_name_register."""
        from django.utils import timezone

        from erp.core.models import JobRun

        at = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(6, 30)))
        JobRun.objects.create(
            task="reports_daily_operations", started_at=at, ok=False, message="SMTP down"
        )
        with translation.override("zh-hans"):
            (run,) = daily_report_build(TODAY).failed_jobs
            assert run.name == "每日运行监控报告"

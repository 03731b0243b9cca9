"""The scheduler fires the backup (huey immediate mode), retention keeps the right archives,
and administrators see the overdue banner and the status page."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from erp.core.models import AuditEvent, JobRun
from erp.ops.context_processors import ops_banner
from erp.ops.models import BackupRecord, ScheduleSettings
from erp.ops.services.backups import retention_keep
from erp.ops.services.schedule import slot_daily, slot_monthly, slot_weekly
from erp.ops.tasks import ops_schedule_tick

SH = ZoneInfo("Asia/Shanghai")


def test_slots_follow_the_configured_time_day_and_weekday():
    now = dt.datetime(2026, 3, 4, 1, 30, tzinfo=SH)  # a Wednesday, before 02:00
    assert slot_daily(now, dt.time(2, 0)) == dt.datetime(2026, 3, 3, 2, 0, tzinfo=SH)
    assert slot_daily(now, dt.time(1, 0)) == dt.datetime(2026, 3, 4, 1, 0, tzinfo=SH)
    assert slot_weekly(now, dt.time(2, 0), 6) == dt.datetime(2026, 3, 1, 2, 0, tzinfo=SH)
    assert slot_monthly(now, dt.time(2, 0), 1) == dt.datetime(2026, 3, 1, 2, 0, tzinfo=SH)
    assert slot_monthly(now, dt.time(2, 0), 5) == dt.datetime(2026, 2, 5, 2, 0, tzinfo=SH)


def test_retention_keeps_7_daily_4_weekly_12_monthly():
    start = dt.datetime(2025, 1, 1, 2, 0)
    stamps = [start + dt.timedelta(days=d) for d in range(400)]
    keep = retention_keep(stamps, daily=7, weekly=4, monthly=12)
    newest = stamps[-1]
    assert set(stamps[-7:]) <= keep
    assert newest == dt.datetime(2026, 2, 4, 2, 0)
    weeks = {s.isocalendar()[:2] for s in keep}
    assert {newest.isocalendar()[:2], (newest - dt.timedelta(days=21)).isocalendar()[:2]} <= weeks
    older = sorted(s for s in keep if s < newest - dt.timedelta(days=40))
    # months 2025-03 … 2025-11 keep their last backup (2025-12 … 2026-02 complete the 12);
    # nothing older than 12 months survives
    assert older == [max(x for x in stamps if (x.year, x.month) == (2025, m)) for m in range(3, 12)]
    assert len(keep) <= 7 + 4 + 12


@pytest.mark.django_db(transaction=True)
def test_schedule_tick_runs_backup_drill_check_and_offsite_once(admin_user, backup_dir, tmp_path):
    offsite = tmp_path / "offsite"
    ScheduleSettings.objects.create(
        pk=1, backup_time=dt.time(0, 0), offsite_dir=str(offsite), offsite_day=1
    )
    ops_schedule_tick()  # huey immediate mode in tests: runs now
    record = BackupRecord.objects.get()
    assert record.ok and record.trigger == BackupRecord.Trigger.SCHEDULE
    assert record.verify_ok, record.verify_message
    assert Path(record.path).parent == backup_dir
    assert (offsite / Path(record.path).name).read_bytes() == Path(record.path).read_bytes()
    runs = {r.task: r for r in JobRun.objects.all()}
    assert runs["ops_daily_backup"].ok and "恢复演练通过" in runs["ops_daily_backup"].message
    assert runs["ops_offsite_copy"].ok
    assert "ops_weekly_check" in runs
    ops_schedule_tick()  # nothing is due any more
    assert BackupRecord.objects.count() == 1
    assert JobRun.objects.filter(task="ops_daily_backup").count() == 1


def _banner(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return ops_banner(request).get("ops_backup_alert", "")


def test_banner_for_administrators_when_backup_missing_failed_or_overdue(admin_user, make_user):
    clerk = make_user("clerk", "sales")
    assert "No backup" in _banner(admin_user) or "尚未" in _banner(admin_user)
    assert _banner(clerk) == ""
    now = timezone.now()
    BackupRecord.objects.create(created_at=now - dt.timedelta(hours=30), trigger="command", ok=True)
    assert "26" in _banner(admin_user)
    BackupRecord.objects.create(created_at=now - dt.timedelta(hours=1), trigger="command", ok=True)
    assert _banner(admin_user) == ""
    BackupRecord.objects.create(created_at=now, trigger="schedule", ok=False, message="disk full")
    assert _banner(admin_user) != ""


def test_status_page_shows_last_backup_and_drill_to_admin_only(client, admin_user, make_user):
    taken = timezone.now() - dt.timedelta(hours=2)
    BackupRecord.objects.create(
        created_at=taken,
        trigger="schedule",
        ok=True,
        path="/srv/backups/erp-default-20260301-020000.tar.gz",
        size=123456,
        verified_at=taken + dt.timedelta(minutes=1),
        verify_ok=True,
    )
    client.force_login(make_user("clerk", "sales"))
    assert client.get(reverse("ops:status")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("ops:status"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "erp-default-20260301-020000.tar.gz" in text
    assert timezone.localtime(taken).strftime("%Y-%m-%d %H:%M") in text
    assert "系统状态" in text and "恢复演练" in text


def test_schedule_page_saves_settings_with_audit_and_refuses_relative_path(client, admin_user):
    client.force_login(admin_user)
    form = {
        "backups_enabled": "on",
        "backup_time": "03:30",
        "keep_daily": "10",
        "keep_weekly": "4",
        "keep_monthly": "12",
        "offsite_dir": "relative/dir",
        "offsite_day": "2",
        "check_weekday": "6",
        "admin_email": "it@example.cn",
        "overdue_hours": "26",
    }
    page = client.post(reverse("ops:schedule"), form)
    assert page.status_code == 200 and "绝对目录路径" in page.content.decode()
    assert not ScheduleSettings.objects.exists()
    page = client.post(reverse("ops:schedule"), {**form, "offsite_dir": "/mnt/share/erp"})
    assert page.status_code == 302
    saved = ScheduleSettings.objects.get()
    assert saved.backup_time == dt.time(3, 30) and saved.keep_daily == 10
    event = AuditEvent.objects.get(object_type="ops.schedulesettings")
    assert event.changes["keep_daily"] == [7, 10]

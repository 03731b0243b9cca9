"""System status (系统状态) and the backup schedule page, for the system administrator."""

import platform
import sqlite3
from pathlib import Path

import django
from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from erp.core.access import has_perm, require_perm
from erp.core.errors import ValidationFailed
from erp.ops import health, selectors, tasks
from erp.ops.forms import ScheduleForm
from erp.ops.models import BackupRecord
from erp.ops.services.backups import app_version, backup_dir
from erp.ops.services.schedule import EDITABLE, schedule_settings_update


def _database_version() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _disk(path: Path) -> dict:
    free, total = health.disk_free(path)
    return {"path": str(path), "free_gb": free / 1024**3, "total_gb": total / 1024**3}


@require_GET
def status(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "ops.view_status")
    context = {
        "versions": [
            (_("ERP"), app_version()),
            ("Django", django.get_version()),
            ("Python", platform.python_version()),
            (_("Database"), _database_version()),
        ],
        "instance": settings.ERP_INSTANCE,
        "test_instance": settings.ERP_TEST_INSTANCE,
        "db_vendor": connection.vendor,
        "db_name": str(connection.settings_dict["NAME"]),
        "db_size_mb": health.database_size() / 1024**2,
        "disks": [_disk(Path(settings.DATA_DIR)), _disk(backup_dir())],
        "pending": selectors.job_queue_pending(),
        "queue_class": settings.HUEY.get("huey_class", ""),
        "last_backup": selectors.backup_last(),
        "last_good": selectors.backup_last_ok(),
        "last_drill": selectors.drill_last(),
        "alert": selectors.backup_alert(),
        "tasks": selectors.scheduled_tasks_status(),
        "backups": selectors.backups_recent(),
        "health": health.health_items(full=False),
        "can_backup": has_perm(request.user, "ops.add_backuprecord"),
        "can_verify": has_perm(request.user, "ops.verify_backuprecord"),
        "can_schedule": has_perm(request.user, "ops.change_schedulesettings"),
    }
    return render(request, "ops/status.html", context)


@require_POST
def backup_run(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "ops.add_backuprecord")
    tasks.ops_backup_now(request.user.pk)
    messages.success(
        request,
        _("The backup was started. It appears below when done; reload this page in a minute."),
    )
    return redirect("ops:status")


@require_POST
def backup_verify_run(request: HttpRequest, record_id: int) -> HttpResponse:
    require_perm(request.user, "ops.verify_backuprecord")
    if not BackupRecord.objects.filter(pk=record_id, ok=True, pruned_at__isnull=True).exists():
        raise Http404
    tasks.ops_backup_verify(request.user.pk, record_id)
    messages.success(request, _("The restore drill was started. Reload this page in a minute."))
    return redirect("ops:status")


@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "ops.change_schedulesettings")
    current = selectors.schedule_settings_get()
    form = ScheduleForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_settings_update(
                actor=request.user, **{name: form.cleaned_data[name] for name in EDITABLE}
            )
        except ValidationFailed as exc:
            for name, errors in (exc.details.get("fields") or {}).items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(request, _("Backup schedule saved."))
            return redirect("ops:status")
    return render(request, "ops/schedule_form.html", {"form": form})

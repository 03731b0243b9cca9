"""/api/v1/backups/: the backups of the status page, for an integrator or a monitoring tool.

GET  /backups/ (`ok`, `trigger`)   backups taken, newest first, with their restore drill
GET  /backups/{id}                 one backup
POST /backups/                     start a backup with its restore drill as a job → 202
GET  /backups/job                  the state of the latest backup job (running / done)
GET  /backups/{id}/download        the archive itself — admins only
                                   (ops.download_backuprecord: it holds the whole database)
"""

import datetime as dt
from pathlib import Path

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.pagination import paginate

from erp.core.access import require_perm
from erp.core.api_crud import actor, found
from erp.core.api_pagination import ErpPagination
from erp.core.errors import NotFound
from erp.core.jobs import job_last_run
from erp.ops import tasks
from erp.ops.models import BackupRecord
from erp.ops.services.backups import backup_dir

router = Router(tags=["ops: backups"])
JOB = "ops_backup_now"


class BackupOut(Schema):
    id: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    trigger: str
    file_name: str
    size: int
    sha256: str
    vendor: str
    ok: bool
    message: str
    verified_at: dt.datetime | None
    verify_ok: bool | None
    verify_message: str
    pruned_at: dt.datetime | None


class JobOut(Schema):
    task: str
    state: str  # "running" | "succeeded" | "failed"
    started_at: dt.datetime
    finished_at: dt.datetime | None
    message: str


class JobStartedOut(Schema):
    task: str
    message: str


def _backups(user):
    require_perm(user, "ops.view_backuprecord")
    return BackupRecord.objects.order_by("-created_at", "-pk")


@router.get("/backups/", response=list[BackupOut])
@paginate(ErpPagination)
def backups_list(
    request: HttpRequest,
    ok: bool | None = None,
    trigger: BackupRecord.Trigger | None = None,
    date_from: dt.date | None = None,
):
    qs = _backups(actor(request))
    if ok is not None:
        qs = qs.filter(ok=ok)
    if trigger:
        qs = qs.filter(trigger=trigger)
    return qs.filter(created_at__date__gte=date_from) if date_from else qs


@router.post("/backups/", response={202: JobStartedOut})
def backups_start(request: HttpRequest):
    """Queue a backup with its restore drill (the same job as 立即备份 on the status page)."""
    user = actor(request)
    require_perm(user, "ops.add_backuprecord")
    tasks.ops_backup_now(user.pk)
    message = _("The backup was started as a job. Follow it at /api/v1/backups/job.")
    return 202, {"task": JOB, "message": str(message)}


@router.get("/backups/job", response=JobOut)
def backups_job(request: HttpRequest):
    require_perm(actor(request), "ops.view_backuprecord")
    run = job_last_run(JOB)
    if run is None:
        raise NotFound(
            _("No backup job has run yet. Start one with POST /api/v1/backups/."),
            code="backup_job_none",
        )
    state = "running" if run.ok is None else ("succeeded" if run.ok else "failed")
    return {
        "task": run.task,
        "state": state,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "message": run.message,
    }


@router.get("/backups/{backup_id}", response=BackupOut)
def backups_get(request: HttpRequest, backup_id: int):
    return found(_backups(actor(request)).filter(pk=backup_id).first())


@router.get("/backups/{backup_id}/download", response={200: None})
def backups_download(request: HttpRequest, backup_id: int):
    """The archive (.tar.gz); only with ops.download_backuprecord (the admin role)."""
    user = actor(request)
    require_perm(user, "ops.download_backuprecord")
    record = found(_backups(user).filter(pk=backup_id, ok=True).first())
    path = Path(record.path)
    inside = path.resolve().is_relative_to(backup_dir().resolve()) if record.path else False
    if record.pruned_at or not inside or not path.is_file():
        raise NotFound(
            _(
                "The archive of this backup is no longer on the server (removed by retention "
                "or moved)."
            ),
            code="backup_file_gone",
        )
    return FileResponse(path.open("rb"), as_attachment=True, filename=record.file_name)

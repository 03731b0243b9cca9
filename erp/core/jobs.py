"""Record every run of a background or scheduled job as a JobRun row (status page, health checks).

A JobRun is operational bookkeeping, not business data: it is written outside the business
services and carries no audit event.
"""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from erp.core.models import JobRun

MESSAGE_LIMIT = 2000

_JOB_NAMES: dict[str, object] = {}


def job_name_register(task: str, label) -> None:
    """Name a job's task code for people (a lazy translated string), from AppConfig.ready():
    reports and status pages show 每日运行监控报告, not reports_daily_operations."""
    _JOB_NAMES[task] = label


def job_name(task: str) -> str:
    """The registered name of a task, or the code itself when none is registered."""
    label = _JOB_NAMES.get(task)
    return str(label) if label is not None else task


def job_run_record(task: str, fn: Callable[[], Any]) -> Any:
    """Run fn, recording start, finish, success and a message (its result or the error).

    The error is re-raised so the queue's own retry and logging still apply."""
    run = JobRun.objects.create(task=task, started_at=timezone.now())
    try:
        result = fn()
    except Exception as exc:
        _finish(run, ok=False, message=f"{type(exc).__name__}: {exc}")
        raise
    _finish(run, ok=True, message="" if result is None else str(result))
    return result


def _finish(run: JobRun, *, ok: bool, message: str) -> None:
    run.finished_at = timezone.now()
    run.ok = ok
    run.message = message[:MESSAGE_LIMIT]
    run.save(update_fields=["finished_at", "ok", "message"])


def job_last_run(task: str) -> JobRun | None:
    return JobRun.objects.filter(task=task).order_by("-started_at").first()

"""Upload → dry run (nothing written) → confirm → apply all-or-nothing, with an ImportLog.

The apply re-reads the stored file, checks its SHA-256 against the dry run's, takes the dry
run's parsed rows stored beside it (parsed_store: the sheet is not read twice), locks the
import type's ImportLock row (two runs of one type queue) and runs every row in one
transaction: any error rolls all of them back."""

import hashlib
import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import DomainError
from erp.core.services.audit import audit_record
from erp.golive.errors import ImportAlreadyDone, ImportFileRejected, ImportSpecUnknown
from erp.golive.importing.engine import Outcome, Parsed, execute, parse
from erp.golive.importing.parsed_store import parsed_dumps, parsed_loads
from erp.golive.importing.spec import ImportSpec, spec_get
from erp.golive.models import ImportLock, ImportLog

STORAGE_DIR = "golive/imports"


class _RollBack(Exception):
    """Leaves the savepoint of a dry run or a failed apply, carrying the outcome."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def import_spec_for(*, actor, spec_key: str) -> ImportSpec:
    spec = spec_get(spec_key)
    if spec is None:
        raise ImportSpecUnknown()
    require_perm(actor, *spec.permissions)
    return spec


def import_dry_run(*, actor, spec_key: str, file_name: str, content: bytes) -> ImportLog:
    """Check the file and every row as if importing, then roll back; store file and log."""
    spec = import_spec_for(actor=actor, spec_key=spec_key)
    sha256 = hashlib.sha256(content).hexdigest()
    log = ImportLog(spec_key=spec.key, actor=actor, file_name=file_name[:255], sha256=sha256)
    try:
        parsed = parse(spec, content)
    except ImportFileRejected as exc:
        return _save_rejected(log, exc)
    stored_parse = parsed_dumps(parsed, sha256)  # before execute() resolves references
    try:
        with transaction.atomic():
            # check_only: a batch spec writes nothing; the rollback still undoes whatever a
            # per-row spec's services wrote while checking.
            raise _RollBack(execute(spec, actor, parsed, check_only=True))
    except _RollBack as done:
        outcome = done.outcome
    with transaction.atomic():
        _fill(log, outcome, parsed.rows_total)
        log.result = ImportLog.Result.DRY_RUN_FAILED if outcome.errors else _dry_ok()
        log.message = _previous_apply_note(log)
        log.save()
        if not outcome.errors:
            log.stored_name = default_storage.save(
                posixpath.join(STORAGE_DIR, f"{log.pk}-{sha256}.xlsx"), ContentFile(content)
            )
            log.save(update_fields=["stored_name"])
            default_storage.save(_parsed_name(log), ContentFile(stored_parse))
        audit_record(actor=actor, action="import", obj=log, note=f"dry run {log.result}")
    return log


def _dry_ok() -> str:
    return ImportLog.Result.DRY_RUN_OK


def _save_rejected(log: ImportLog, exc: DomainError) -> ImportLog:
    with transaction.atomic():
        log.result = ImportLog.Result.DRY_RUN_FAILED
        log.error_count = 1
        log.message = str(exc.message)
        log.save()
        audit_record(actor=log.actor, action="import", obj=log, note="file rejected")
    return log


def _previous_apply_note(log: ImportLog) -> str:
    previous = (
        ImportLog.objects.filter(
            spec_key=log.spec_key, sha256=log.sha256, result=ImportLog.Result.APPLIED
        )
        .select_related("actor")
        .order_by("-applied_at")
        .first()
    )
    if previous is None:
        return ""
    return gettext(
        "This same file was already imported on %(when)s by %(who)s (import #%(id)s)."
    ) % {
        "when": timezone.localtime(previous.applied_at).strftime("%Y-%m-%d %H:%M"),
        "who": previous.actor,
        "id": previous.pk,
    }


def _fill(log: ImportLog, outcome: Outcome, rows_total: int) -> None:
    log.rows_total = rows_total
    log.created_count = outcome.count("created")
    log.updated_count = outcome.count("updated")
    log.unchanged_count = outcome.count("unchanged")
    log.error_count = len(outcome.errors)
    log.report = outcome.report()


def import_apply(*, actor, log_id: int) -> ImportLog:
    """Apply a checked upload in one transaction; on any row error nothing is written."""
    log = ImportLog.objects.filter(pk=log_id, actor=actor).first()
    if log is None:
        raise ImportAlreadyDone(_("This upload does not exist or is not yours."), code="not_found")
    spec = import_spec_for(actor=actor, spec_key=log.spec_key)
    ImportLock.objects.get_or_create(spec_key=spec.key)
    with transaction.atomic():
        ImportLock.objects.select_for_update().get(spec_key=spec.key)
        log = ImportLog.objects.select_for_update().get(pk=log_id)
        if log.result != ImportLog.Result.DRY_RUN_OK:
            raise ImportAlreadyDone()
        parsed = _parsed_again(spec, log)
        try:
            with transaction.atomic():
                outcome = execute(spec, actor, parsed)
                if outcome.errors:
                    raise _RollBack(outcome)
        except _RollBack as failed:
            outcome = failed.outcome
        _fill(log, outcome, parsed.rows_total)
        log.result = ImportLog.Result.FAILED if outcome.errors else ImportLog.Result.APPLIED
        log.applied_at = timezone.now()
        log.save()
        audit_record(
            actor=actor,
            action="import",
            obj=log,
            changes={
                "created": log.created_count,
                "updated": log.updated_count,
                "unchanged": log.unchanged_count,
                "errors": log.error_count,
            },
            note=f"apply {log.result}",
        )
    return log


def _parsed_name(log: ImportLog) -> str:
    return f"{log.stored_name}.parsed.json"


def _parsed_again(spec: ImportSpec, log: ImportLog) -> Parsed:
    """The dry run's parse of the stored upload (the file itself is still checked against
    the dry run's SHA-256); the file is read again only when that parse is missing."""
    content = _stored_content(log)
    try:
        with default_storage.open(_parsed_name(log), "rb") as handle:
            parsed = parsed_loads(handle.read(), hashlib.sha256(content).hexdigest())
    except (OSError, ValueError):
        parsed = None
    return parsed if parsed is not None else parse(spec, content)


def _stored_content(log: ImportLog) -> bytes:
    try:
        with default_storage.open(log.stored_name, "rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        raise ImportFileRejected(
            _("The uploaded file is no longer stored. Upload it again."), code="import_file_gone"
        ) from None
    if hashlib.sha256(content).hexdigest() != log.sha256:
        raise ImportFileRejected(
            _("The stored file was changed after the check. Upload it again."),
            code="import_file_changed",
        )
    return content

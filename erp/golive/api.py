"""/api/v1/import-specs/ and /api/v1/imports/: the Excel imports an integrator drives like the
import pages do (upload → dry run → confirm), through erp/golive/services/imports.py.

    GET  /import-specs/                    the import types the caller may see, with columns
    GET  /import-specs/{spec_key}/template the .xlsx template of one type
    POST /imports/  (multipart: spec_key, file)   upload: a dry run, nothing written → 201
    GET  /imports/  (`spec_key`, `result`)  the caller's uploads (all of them with view_importlog)
    GET  /imports/{log_id}                  status and the dry run's / import's report
    POST /imports/{log_id}/confirm          apply a passed dry run, all-or-nothing

The dry run answers the same report the preview page shows: every error of the file with its
row, and the rows that would be created or updated with their values."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from erp.core.access import has_perm, require_perm
from erp.core.api_crud import actor
from erp.core.api_pagination import ErpPagination
from erp.core.errors import ValidationFailed
from erp.core.export import xlsx_response
from erp.golive import selectors
from erp.golive.errors import ImportSpecUnknown
from erp.golive.importing.reading import MAX_FILE_BYTES
from erp.golive.importing.spec import all_specs, spec_get
from erp.golive.importing.workbook import workbook_bytes
from erp.golive.models import ImportLog
from erp.golive.services import imports as import_services

router = Router(tags=["golive: imports"])


class ColumnOut(Schema):
    header: str
    field: str
    kind: str
    required: bool
    help: str
    choices: list[str]
    line: bool


class SpecOut(Schema):
    key: str
    title: str
    sheet: str
    can_import: bool
    columns: list[ColumnOut]


class ImportOut(Schema):
    id: int
    spec_key: str
    file_name: str
    result: str
    result_label: str
    created_at: dt.datetime
    applied_at: dt.datetime | None
    actor: str
    rows_total: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    message: str
    can_confirm: bool

    @staticmethod
    def resolve_result_label(obj) -> str:
        return str(obj.get_result_display())

    @staticmethod
    def resolve_actor(obj) -> str:
        return obj.actor.get_username()

    @staticmethod
    def resolve_can_confirm(obj) -> bool:
        return (
            obj.result == ImportLog.Result.DRY_RUN_OK and obj.created_count + obj.updated_count > 0
        )


class ImportDetailOut(ImportOut):
    report: dict  # {"errors": [{row, field, value, message}], "rows": [...]}


def _view_permission(spec) -> str:
    meta = spec.queryset().model._meta
    return f"{meta.app_label}.view_{meta.model_name}"


def _spec_out(user, spec) -> dict:
    return {
        "key": spec.key,
        "title": str(spec.title),
        "sheet": str(spec.sheet),
        "can_import": all(has_perm(user, p) for p in spec.permissions),
        "columns": [
            {
                "header": str(c.header),
                "field": c.field,
                "kind": c.kind,
                "required": c.required,
                "help": str(c.help),
                "choices": [str(v) for v, _label in c.choices],
                "line": c.line,
            }
            for c in spec.columns
        ],
    }


@router.get("/import-specs/", response=list[SpecOut])
@paginate(ErpPagination, page_size=100)
def import_specs_list(request: HttpRequest):
    """Import types whose records the caller may view (`can_import`: may also upload)."""
    user = actor(request)
    return [_spec_out(user, s) for s in all_specs() if has_perm(user, _view_permission(s))]


@router.get("/import-specs/{spec_key}/template", response={200: None})
def import_specs_template(request: HttpRequest, spec_key: str):
    """The .xlsx template (headers, help row, example rows) of one import type."""
    spec = spec_get(spec_key)
    if spec is None:
        raise ImportSpecUnknown()
    require_perm(actor(request), _view_permission(spec))
    return xlsx_response(workbook_bytes(spec), f"{spec.sheet}导入模板.xlsx")


@router.post("/imports/", response={201: ImportDetailOut})
def imports_upload(request: HttpRequest, spec_key: Form[str], file: File[UploadedFile]):
    """Upload a filled-in template: checked row by row as if imported, nothing written. A
    file that cannot be read is answered 201 with result `dry_run_failed` and the reason."""
    if file.size > MAX_FILE_BYTES:
        raise ValidationFailed(
            fields={"file": [str(_("The file is larger than 20 MB. Split it into several files."))]}
        )
    log = import_services.import_dry_run(
        actor=actor(request), spec_key=spec_key, file_name=file.name or "", content=file.read()
    )
    return 201, selectors.import_log_get(actor(request), log.pk)


@router.get("/imports/", response=list[ImportOut])
@paginate(ErpPagination)
def imports_list(
    request: HttpRequest,
    spec_key: str = Query("", max_length=60),
    result: ImportLog.Result | None = None,
):
    qs = selectors.import_log_list(actor(request))
    if spec_key:
        qs = qs.filter(spec_key=spec_key)
    return qs.filter(result=result) if result else qs


@router.get("/imports/{log_id}", response=ImportDetailOut)
def imports_get(request: HttpRequest, log_id: int):
    return selectors.import_log_get(actor(request), log_id)


@router.post("/imports/{log_id}/confirm", response=ImportDetailOut)
def imports_confirm(request: HttpRequest, log_id: int):
    """Import a passed dry run in one transaction: result `applied`, or `failed` with the
    errors and nothing written. Only the uploader confirms; a second confirm is a 409."""
    user = actor(request)
    log = selectors.import_log_get(user, log_id)
    import_services.import_apply(actor=user, log_id=log.pk)
    return selectors.import_log_get(user, log_id)


# Registers the go-live cockpit (/go-live/...) and the set-up wizard (/setup).
from erp.golive import api_cockpit, api_setup  # noqa: E402, F401

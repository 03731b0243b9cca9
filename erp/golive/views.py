"""Import pages: hub, template and export downloads, upload with dry run, preview, confirm,
and the import log. Writes go through erp.golive.services.imports."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from erp.core.access import has_perm, require_perm
from erp.core.export import xlsx_response
from erp.golive import selectors
from erp.golive.errors import ImportSpecUnknown
from erp.golive.forms import UploadForm
from erp.golive.importing.engine import export_rows
from erp.golive.importing.spec import ImportSpec, all_specs, spec_get
from erp.golive.importing.workbook import workbook_bytes
from erp.golive.services.imports import import_apply, import_dry_run, import_spec_for


def view_permission(spec: ImportSpec) -> str:
    meta = spec.queryset().model._meta
    return f"{meta.app_label}.view_{meta.model_name}"


def _spec(spec_key: str) -> ImportSpec:
    spec = spec_get(spec_key)
    if spec is None:
        raise ImportSpecUnknown()
    return spec


def import_hub(request):
    specs = [
        {
            "spec": spec,
            "can_import": all(has_perm(request.user, p) for p in spec.permissions),
        }
        for spec in all_specs()
        if has_perm(request.user, view_permission(spec))
    ]
    return render(request, "golive/hub.html", {"specs": specs})


def template_download(request, spec_key: str):
    spec = _spec(spec_key)
    require_perm(request.user, view_permission(spec))
    return xlsx_response(workbook_bytes(spec), f"{spec.sheet}导入模板.xlsx")


def export_download(request, spec_key: str):
    spec = _spec(spec_key)
    require_perm(request.user, view_permission(spec))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(workbook_bytes(spec, export_rows(spec)), f"{spec.sheet}-{stamp}.xlsx")


def import_upload(request, spec_key: str):
    spec = import_spec_for(actor=request.user, spec_key=spec_key)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        log = import_dry_run(
            actor=request.user, spec_key=spec.key, file_name=upload.name, content=upload.read()
        )
        return redirect("golive:log_detail", log_id=log.pk)
    return render(request, "golive/upload.html", {"spec": spec, "form": form})


def log_detail(request, log_id: int):
    log = selectors.import_log_get(request.user, log_id)
    spec = spec_get(log.spec_key)
    report = log.report or {}
    return render(
        request,
        "golive/preview.html",
        {
            "log": log,
            "spec": spec,
            "errors": report.get("errors", []),
            "rows": report.get("rows", []),
            "changes": log.created_count + log.updated_count,
            "can_confirm": log.result == log.Result.DRY_RUN_OK
            and log.actor_id == request.user.pk
            and log.created_count + log.updated_count > 0,
        },
    )


@require_POST
def log_confirm(request, log_id: int):
    log = selectors.import_log_get(request.user, log_id)
    log = import_apply(actor=request.user, log_id=log.pk)
    if log.result == log.Result.APPLIED:
        messages.success(
            request,
            _("Imported: %(c)s created, %(u)s updated, %(n)s unchanged.")
            % {"c": log.created_count, "u": log.updated_count, "n": log.unchanged_count},
        )
    else:
        messages.error(request, _("The import failed and nothing was written. See the errors."))
    return redirect("golive:log_detail", log_id=log.pk)


def log_list(request):
    page = Paginator(selectors.import_log_list(request.user), 50).get_page(request.GET.get("page"))
    titles = {s.key: s.title for s in all_specs()}
    return render(request, "golive/log_list.html", {"page": page, "titles": titles})

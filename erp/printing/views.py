"""Pages of the print templates: list (new, import), editor (check via htmx, preview PDF,
save as a new version), versions (activate, restore, diff), export, images, print log."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp.core.access import require_perm
from erp.core.errors import DomainError, NotFound, ValidationFailed
from erp.core.list_views import ListPage
from erp.core.record_views import style_form
from erp.printing import context as print_context
from erp.printing import selectors
from erp.printing.forms import AssetForm, ImportForm, NewTemplateForm, VersionForm
from erp.printing.lists import PRINT_LOG
from erp.printing.models import PrintAsset, PrintTemplateVersion
from erp.printing.services import assets as asset_services
from erp.printing.services import templates as services
from erp.printing.services.prints import document_pdf

VIEW, EDIT = "printing.view_printtemplate", "printing.change_printtemplate"


def _template(pk):
    template = selectors.template_get(pk)
    if template is None:
        raise NotFound()
    return template


def _kit(template):
    kit = selectors.printable_kit(template.doc_type)
    if kit is None:
        raise NotFound()
    return kit


def _refused(request, exc: DomainError):
    if exc.status in (403, 404):
        raise exc
    messages.error(request, str(exc.message))


def template_list(request):
    require_perm(request.user, VIEW)
    kits = {k.label: k for k in selectors.printable_kits()}
    rows = [(t, kits.get(t.doc_type)) for t in selectors.templates_listed()]
    return render(
        request,
        "printing/template_list.html",
        {
            "rows": rows,
            "new_form": style_form(NewTemplateForm()),
            "import_form": style_form(ImportForm()),
        },
    )


@require_POST
def template_create(request):
    require_perm(request.user, EDIT)
    form = NewTemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("printing:template_list")
    try:
        template = services.print_template_create(
            actor=request.user,
            doc_type=form.cleaned_data["doc_type"],
            name=form.cleaned_data["name"],
            body=services.default_body(form.cleaned_data["layout"]),
            **form.settings(),
        )
    except DomainError as exc:
        _refused(request, exc)
        return redirect("printing:template_list")
    messages.success(request, _("Template %(name)s created.") % {"name": template.name})
    return redirect("printing:template_edit", pk=template.pk)


@require_POST
def template_import(request):
    require_perm(request.user, EDIT)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a template file."))
        return redirect("printing:template_list")
    upload = form.cleaned_data["file"]
    try:
        data = upload.read(services.MAX_IMPORT_BYTES + 1)
        version = services.print_template_import(actor=request.user, data=data)
    except DomainError as exc:
        _refused(request, exc)
        return redirect("printing:template_list")
    messages.success(
        request,
        _("Imported as version %(n)s of %(name)s: preview it, then activate it.")
        % {"n": version.number, "name": version.template.name},
    )
    return redirect("printing:template_versions", pk=version.template_id)


def _editor_context(request, template, form, error=None) -> dict:
    kit = _kit(template)
    return {
        "template": template,
        "kit": kit,
        "form": style_form(form),
        "fields": print_context.fields_for(kit),
        "common_fields": print_context.COMMON_FIELDS,
        "filters": print_context.FILTERS,
        "latest": selectors.template_latest_version(template),
        "error": error,
        "can_edit": request.user.has_perm(EDIT),
        "syntax_help": _code_help(
            _(
                "Write %(field)s to print a value and %(loop)s to loop over the lines. "
                "Record text is always escaped."
            ),
            field="{{ doc.number }}",
            loop="{% for line in lines %}…{% endfor %}",
        ),
        "page_help": _code_help(
            _(
                "Page numbers: the footer prints “page / pages”; an element of class %(cls)s "
                "repeats as the header of every page; table headings repeat when lines break "
                "across pages."
            ),
            cls="print-header",
        ),
    }


def _code_help(text: str, **codes: str) -> str:
    """A translated sentence with template code shown as <code> (escaped, then marked safe)."""
    shown = {name: f"<code>{escape(code)}</code>" for name, code in codes.items()}
    return mark_safe(escape(text) % shown)  # noqa: S308 — every part is escaped above


def template_edit(request, pk):
    """GET: the newest version (or ?from=<version>) in the editor; POST: save a new version."""
    require_perm(request.user, VIEW)
    template = _template(pk)
    if request.method == "POST":
        require_perm(request.user, EDIT)
        form = VersionForm(request.POST)
        if form.is_valid():
            try:
                version = services.print_template_version_save(
                    actor=request.user, template_id=template.pk, **form.cleaned_data
                )
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                context = _editor_context(request, template, form, error=exc)
                return render(request, "printing/template_edit.html", context, status=400)
            messages.success(
                request,
                _("Saved as version %(n)s. Preview it, then activate it to print with it.")
                % {"n": version.number},
            )
            return redirect("printing:template_versions", pk=template.pk)
        return render(
            request,
            "printing/template_edit.html",
            _editor_context(request, template, form),
            status=400,
        )
    source = selectors.template_latest_version(template)
    chosen = request.GET.get("from", "")
    if chosen.isdigit():
        source = selectors.template_version(template, pk=int(chosen)) or source
    form = VersionForm(instance=source)
    if source is not None:
        form.initial["note"] = ""
    return render(request, "printing/template_edit.html", _editor_context(request, template, form))


@require_POST
def template_check(request, pk):
    """htmx: render the edited text against the sample and the newest document; OK or the
    error with its line, nothing saved."""
    require_perm(request.user, EDIT)
    template = _template(pk)
    kit = _kit(template)
    form = VersionForm(request.POST)
    error, doc, html = None, None, ""
    if not form.is_valid():
        error = ValidationFailed(" ".join(e for errs in form.errors.values() for e in errs))
    else:
        doc = selectors.latest_document(kit, request.user, request.POST.get("number", "").strip())
        try:
            html = services.version_check(
                PrintTemplateVersion(template=template, **form.cleaned_data),
                template.doc_type,
                doc=doc,
            )
        except DomainError as exc:
            error = exc
    return render(
        request,
        "printing/_check_result.html",
        {
            "error": error,
            "doc_reference": kit.reference(doc) if doc is not None else "",
            "preview_html": html,  # shown in a sandboxed iframe: no script, no same origin
            "live": True,
        },
    )


def _preview_response(request, template, version):
    kit = _kit(template)
    number = request.POST.get("number", "") or request.GET.get("number", "")
    doc = selectors.latest_document(kit, request.user, number.strip())
    if doc is None and number.strip():
        messages.error(
            request,
            _(
                "No %(type)s numbered %(number)s that you may see: check the number, "
                "or leave it empty to preview the newest."
            )
            % {"type": kit.verbose_name, "number": number.strip()},
        )
        return redirect("printing:template_edit", pk=template.pk)
    if doc is None:
        messages.error(
            request,
            _("No %(type)s to preview with yet: create one, then preview.")
            % {"type": kit.verbose_name},
        )
        return redirect("printing:template_edit", pk=template.pk)
    try:
        pdf = document_pdf(actor=request.user, kit=kit, doc=doc, version=version, preview=True)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return render(
            request, "printing/_check_result.html", {"error": exc, "page": True}, status=400
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"preview-{kit.reference(doc)}.pdf"
    )
    return response


@require_POST
def template_preview(request, pk):
    """The edited (unsaved) text as a PDF of a real document, in a new tab; not logged."""
    require_perm(request.user, EDIT)
    template = _template(pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("printing:template_edit", pk=template.pk)
    version = PrintTemplateVersion(template=template, number=0, **form.cleaned_data)
    return _preview_response(request, template, version)


def version_preview(request, pk):
    """A saved version as a PDF of the newest document (before activating it)."""
    require_perm(request.user, EDIT)
    version = selectors.version_get(pk)
    if version is None:
        raise NotFound()
    return _preview_response(request, version.template, version)


def template_versions(request, pk):
    require_perm(request.user, VIEW)
    template = _template(pk)
    versions = list(selectors.template_versions(template))
    return render(
        request,
        "printing/template_versions.html",
        {"template": template, "kit": _kit(template), "versions": versions,
         "can_edit": request.user.has_perm(EDIT)},
    )  # fmt: skip


def version_diff(request, pk):
    require_perm(request.user, VIEW)
    template = _template(pk)
    by_number = {v.number: v for v in selectors.template_versions(template)}
    numbers = sorted(by_number)
    if not numbers:
        raise NotFound()

    def pick(name, default):
        value = request.GET.get(name, "")
        return by_number.get(int(value)) if value.isdigit() else by_number[default]

    old = pick("a", numbers[-2] if len(numbers) > 1 else numbers[-1])
    new = pick("b", numbers[-1])
    if old is None or new is None:
        raise NotFound()
    return render(
        request,
        "printing/version_diff.html",
        {"template": template, "old": old, "new": new, "numbers": numbers,
         "table": selectors.versions_diff(old, new), "same": old.body == new.body,
         "settings_changes": selectors.version_settings_changes(old, new)},
    )  # fmt: skip


@require_POST
def version_activate(request, pk):
    require_perm(request.user, EDIT)
    version = selectors.version_get(pk)
    if version is None:
        raise NotFound()
    try:
        services.print_template_version_activate(actor=request.user, version_id=version.pk)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Version %(n)s now prints.") % {"n": version.number})
    return redirect("printing:template_versions", pk=version.template_id)


@require_POST
def version_restore(request, pk):
    require_perm(request.user, EDIT)
    version = selectors.version_get(pk)
    if version is None:
        raise NotFound()
    try:
        new = services.print_template_version_restore(actor=request.user, version_id=version.pk)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("Version %(old)s restored as version %(new)s, which now prints.")
            % {"old": version.number, "new": new.number},
        )
    return redirect("printing:template_versions", pk=version.template_id)


@require_POST
def template_make_default(request, pk):
    require_perm(request.user, EDIT)
    try:
        template = services.print_template_make_default(actor=request.user, template_id=pk)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(name)s is now the default.") % {"name": template.name})
    return redirect("printing:template_list")


def template_export(request, pk):
    require_perm(request.user, VIEW)
    template = _template(pk)
    version = template.active_version or selectors.template_latest_version(template)
    chosen = request.GET.get("version", "")
    if chosen.isdigit():
        version = selectors.template_version(template, number=int(chosen))
    if version is None:
        raise NotFound()
    payload = json.dumps(selectors.template_export(template, version), ensure_ascii=False, indent=2)
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{template.name}-v{version.number}.json"
    )
    return response


def assets(request):
    require_perm(request.user, VIEW)
    form = AssetForm()
    status = 200
    if request.method == "POST":
        require_perm(request.user, EDIT)
        if request.POST.get("remove"):
            asset_services.print_asset_remove(actor=request.user, kind=request.POST["remove"])
            return redirect("printing:assets")
        form = AssetForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data = form.cleaned_data["image"].read(asset_services.MAX_BYTES + 1)
                asset_services.print_asset_upload(
                    actor=request.user, kind=form.cleaned_data["kind"], data=data
                )
            except DomainError as exc:
                _refused(request, exc)
                status = 400
            else:
                messages.success(request, _("Image saved; templates print it from now on."))
                return redirect("printing:assets")
        else:
            status = 400
    uris = selectors.assets_as_uris()
    listed = selectors.assets_listed()
    return render(
        request,
        "printing/assets.html",
        {"form": style_form(form), "can_edit": request.user.has_perm(EDIT),
         "images": _images(listed, uris)},
        status=status,
    )  # fmt: skip


def _images(listed, uris) -> list:
    return [
        (kind, label, listed.get(kind), uris.get(kind, ""))
        for kind, label in PrintAsset.Kind.choices
    ]


print_log = ListPage.as_view(config=PRINT_LOG)  # filter, sort, page, export to Excel

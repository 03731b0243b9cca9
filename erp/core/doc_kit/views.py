"""The pages every kit document has: new/edit draft (header form + htmx line formset), one empty
line row, detail with action buttons by state and permission, transitions, PDF print. The list
page is the generic ListPage with the declaration's ListConfig (it also exports xlsx)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from erp.core.access import require_perm
from erp.core.doc_kit.declaration import DocumentKit
from erp.core.doc_kit.forms import line_formset_class
from erp.core.errors import DomainError, NotFound, PermissionDenied
from erp.core.money import round_amount
from erp.core.printing import document_print, document_print_choices, pdf_response
from erp.core.record_views import style_form
from erp.core.selectors import audit_events_for, audit_rows

PREFIX = "lines"


def kit_document_get(kit: DocumentKit, pk, user=None):
    """The document, read through the kit's scope when `user` is given (404 outside it)."""
    qs = kit.model.objects.select_related("created_by", *kit.select_related)
    if user is not None:
        qs = kit.visible(user, qs)
    doc = qs.filter(pk=pk).first()
    if doc is None:
        raise NotFound()
    return doc


def kit_lines(kit: DocumentKit, doc) -> list:
    if kit.line_model is None:
        return []
    return list(doc.lines.select_related(*kit.line_select_related))


class KitView(View):
    kit: DocumentKit = None  # type: ignore[assignment]

    def base_context(self, doc=None) -> dict:
        kit = self.kit
        list_url = reverse(kit.url_name("list"))
        user = getattr(self.request, "user", None)
        if kit.list_fallback and not (user and user.has_perm(kit.list_config.permission)):
            list_url = reverse(kit.list_fallback)
        return {
            "kit": kit,
            "config": kit.list_config,
            "list_url": list_url,
            "doc": doc,
            "urls": {page: kit.url_name(page) for page in ("action", "edit", "print", "list")},
            "doc_reference": kit.reference(doc) if doc is not None else "",
            "state_label": kit.state_label(doc) if doc is not None else "",
        }


class KitFormPage(KitView):
    """New draft (pk None) or edit a draft."""

    def get(self, request, pk=None):
        doc = self._target(request, pk)
        kit, user = self.kit, request.user
        if doc is None:
            header = kit.header_form(initial=kit.header_form.initial_new(user), user=user)
            rows = [{}]
        else:
            header = kit.header_form(initial=kit.header_form.initial_from(doc), user=user)
            rows = (
                [kit.line_form.initial_from(ln) for ln in kit_lines(kit, doc)]
                if kit.line_form
                else []
            )
        formset = self._formset(prefix=PREFIX, initial=rows)
        return self._render(request, doc, header, formset)

    def post(self, request, pk=None):
        doc = self._target(request, pk)
        kit = self.kit
        header = kit.header_form(request.POST, user=request.user)
        formset = self._formset(request.POST, prefix=PREFIX)
        if not (header.is_valid() and (formset is None or formset.is_valid())):
            return self._render(request, doc, header, formset, status=400)
        lines = [
            f.as_line()
            for f in (formset.forms if formset is not None else [])
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            if doc is None:
                doc = kit.create(actor=request.user, header=header.as_header(), lines=lines)
            else:
                doc = kit.update(
                    actor=request.user, doc_id=doc.pk, header=header.as_header(), lines=lines
                )
        except DomainError as exc:
            if exc.status == 403:
                raise
            header.add_error(None, str(exc.message))
            return self._render(request, doc, header, formset, status=exc.status)
        messages.success(request, _("Saved."))
        return redirect(kit.url_name("detail"), pk=doc.pk)

    def _formset(self, *args, **kwargs):
        if self.kit.line_form is None:
            return None
        return line_formset_class(self.kit.line_form, self.kit.max_lines)(*args, **kwargs)

    def _target(self, request, pk):
        if pk is None:
            require_perm(request.user, self.kit.perm("add"))
            return None
        if self.kit.may_edit is None:
            require_perm(request.user, self.kit.perm("change"))
            return kit_document_get(self.kit, pk)
        doc = kit_document_get(self.kit, pk, request.user)
        if not self.kit.may_edit(request.user, doc):
            raise PermissionDenied()
        return doc

    def _render(self, request, doc, header, formset, status=200):
        kit = self.kit
        for form in [header, *(formset.forms if formset is not None else [])]:
            style_form(form)
        line_formsets = []
        if formset is not None:
            lines = {"title": _("Lines"), "row_url_name": kit.url_name("row")}
            line_headers = [
                (f.label, f.required)
                for name, f in formset.form().fields.items()
                if name != "DELETE"
            ]
            line_formsets.append((lines, formset, line_headers))
        wide = set(kit.form_wide_fields)
        context = {
            **self.base_context(doc),
            "form": header,
            "form_sections": [
                (kit.form_title or _("Header"), [(f, f.name in wide) for f in header])
            ],
            # core/record_form.html renders every (lines, formset, headers) of this list.
            "line_formsets": line_formsets,
            "max_lines": kit.max_lines,
            "cancel_url": reverse(kit.url_name("detail"), args=[doc.pk])
            if doc
            else reverse(kit.url_name("list")),
        }
        return render(request, kit.form_template, context, status=status)


class KitLineRowPage(KitView):
    """An empty line row (htmx "add line"): ?index=N is the new form's index."""

    def get(self, request):
        kit = self.kit
        if kit.line_form is None:
            raise NotFound()
        if not (
            request.user.has_perm(kit.perm("add")) or request.user.has_perm(kit.perm("change"))
        ):
            require_perm(request.user, kit.perm("add"))
        try:
            index = int(request.GET.get("index", ""))
        except ValueError:
            index = -1
        if not 0 <= index < kit.max_lines:
            return HttpResponse(_("Too many lines."), status=400)
        formset = line_formset_class(kit.line_form, kit.max_lines)(prefix=PREFIX)
        form = formset.form(
            prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False
        )
        style_form(form)
        return render(request, "core/_lines_row.html", {"line_form": form})


def _cells(columns, obj) -> list:
    return [(c, c.cell(obj)) for c in columns]


class KitDetailPage(KitView):
    template_name = "core/doc_kit/detail.html"

    def get(self, request, pk):
        kit = self.kit
        doc = kit_document_get(kit, pk, request.user)
        lines = kit_lines(kit, doc)
        if kit.line_annotate:
            kit.line_annotate(doc, lines)
        extra = kit.detail_extra(request, doc, lines) if kit.detail_extra else {}
        actions = []
        for t in kit.actions(request.user, doc):
            form_class = kit.transition_forms.get(t.name)
            form = form_class(prefix=None) if form_class else None
            actions.append((t, form))
        context = {
            **self.base_context(doc),
            "header_cells": _cells(kit.header_columns, doc),
            "line_columns": kit.line_columns,
            "line_rows": [(ln, _cells(kit.line_columns, ln)) for ln in lines],
            "lines": lines,
            "actions": actions,
            "can_edit": kit.can_edit(request.user, doc),
            "print_choices": document_print_choices(kit),
            "audit_rows": audit_rows(audit_events_for(doc)),
            **extra,
        }
        return render(request, self.template_name, context)


class KitActionPage(KitView):
    """POST a transition from the detail page's buttons."""

    def post(self, request, pk, action):
        kit = self.kit
        service = kit.transitions.get(action)
        if service is None:
            raise NotFound()
        # The version the page showed: a change meanwhile answers "reload" instead of acting
        # on a document the user has not seen.
        version = request.POST.get("version", "")
        expected = int(version) if version.isdigit() else None
        inputs = {}
        if action in kit.transition_forms:
            form = kit.transition_forms[action](request.POST)
            if not form.is_valid():
                problems = [str(e) for errors in form.errors.values() for e in errors]
                messages.error(request, " ".join(problems))
                return redirect(kit.url_name("detail"), pk=pk)
            inputs = form.cleaned_data
        try:
            doc = service(actor=request.user, doc_id=pk, expected_version=expected, **inputs)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(doc)s: %(state)s.")
                % {"doc": kit.reference(doc), "state": kit.state_label(doc)},
            )
        return redirect(kit.url_name("detail"), pk=pk)


class KitPrintPage(KitView):
    def get(self, request, pk):
        kit = self.kit
        doc = kit_document_get(kit, pk, request.user)
        response = document_print(request, kit, doc)  # a user's template (erp.printing) first
        if response is not None:
            return response
        if kit.print_context is not None:
            context = kit.print_context(request, doc)
        else:
            context = self._context(doc)
            if kit.print_extra is not None:
                context.update(kit.print_extra(request, doc))
        name = kit.print_filename or kit.verbose_name
        return pdf_response(
            request,
            template_name=kit.print_template,
            context={
                "kit": kit,
                "doc": doc,
                "doc_reference": kit.reference(doc),
                "state_label": kit.state_label(doc),
                **context,
            },
            filename=f"{name}-{kit.reference(doc)}.pdf",
        )

    def _context(self, doc) -> dict:
        kit = self.kit
        lines = kit_lines(kit, doc)
        if kit.line_annotate:
            kit.line_annotate(doc, lines)
        columns = kit.print_columns if kit.print_columns is not None else kit.line_columns
        totals = {
            c.name: sum((c.value(ln) or 0 for ln in lines), start=round_amount(0))
            for c in columns
            if c.total
        }
        return {
            "title": kit.verbose_name,
            "header_cells": _cells(kit.printed_header_columns, doc),
            "columns": columns,
            "line_rows": [(ln, _cells(columns, ln)) for ln in lines],
            "lines": lines,
            "totals": totals,
            "total_cells": [(c, totals.get(c.name)) for c in columns],
            "total": next(iter(totals.values()), None),
            "signatures": kit.print_signatures,
        }

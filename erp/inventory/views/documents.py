"""Other receipt, other issue, transfer and scrap pages: create/edit drafts with htmx lines,
detail with moves and audit trail, transitions (过账/作废), PDF print."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from erp.core.access import require_perm
from erp.core.errors import DomainError, NotFound
from erp.core.money import round_amount
from erp.core.printing import pdf_response
from erp.core.record_views import style_form
from erp.core.selectors import audit_events_for, audit_rows
from erp.inventory import forms
from erp.inventory.lists_documents import LISTS
from erp.inventory.selectors import lots_pick_fefo, moves_of_source
from erp.inventory.services.documents import (
    MAX_LINES,
    kind_get,
    stock_document_cancel,
    stock_document_create,
    stock_document_post,
    stock_document_update,
)

ACTIONS = {"post": stock_document_post, "cancel": stock_document_cancel}
PREFIX = "lines"


def document_get(kind: str, pk: int):
    k = kind_get(kind)
    doc = k.model.objects.select_related("warehouse", "created_by").filter(pk=pk).first()
    if doc is None:
        raise NotFound()
    return k, doc


class DocumentFormPage(View):
    """New draft (pk None) or edit a draft."""

    kind = ""
    template_name = "inventory/document_form.html"

    def get(self, request, pk=None):
        k, doc = self._target(request, pk)
        header = forms.HEADER_FORMS[self.kind](initial=_header_initial(doc))
        formset = forms.line_formset_class(self.kind)(
            prefix=PREFIX, initial=_lines_initial(k, doc) if doc else [{}]
        )
        return self._render(request, doc, header, formset)

    def post(self, request, pk=None):
        _k, doc = self._target(request, pk)
        header = forms.HEADER_FORMS[self.kind](request.POST)
        formset = forms.line_formset_class(self.kind)(request.POST, prefix=PREFIX)
        if not (header.is_valid() and formset.is_valid()):
            return self._render(request, doc, header, formset, status=400)
        lines = [
            f.as_line()
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            if doc is None:
                doc = stock_document_create(
                    actor=request.user, kind=self.kind, header=header.as_header(), lines=lines
                )
            else:
                doc = stock_document_update(
                    actor=request.user,
                    kind=self.kind,
                    doc_id=doc.pk,
                    header=header.as_header(),
                    lines=lines,
                )
        except DomainError as exc:
            if exc.status == 403:
                raise
            header.add_error(None, str(exc.message))
            return self._render(request, doc, header, formset, status=exc.status)
        messages.success(request, _("Saved."))
        return redirect(f"inventory:{self.kind}_detail", pk=doc.pk)

    def _target(self, request, pk):
        k = kind_get(self.kind)
        if pk is None:
            require_perm(request.user, f"inventory.add_{self.kind}")
            return k, None
        require_perm(request.user, f"inventory.change_{self.kind}")
        return document_get(self.kind, pk)

    def _render(self, request, doc, header, formset, status=200):
        for form in [header, *formset.forms]:
            style_form(form)
        line_form = formset.form()
        lines = {"title": _("Lines"), "row_url_name": f"inventory:{self.kind}_row"}
        line_headers = [
            (f.label, f.required) for name, f in line_form.fields.items() if name != "DELETE"
        ]
        context = {
            "kind": self.kind,
            "config": LISTS[self.kind],
            "list_url": reverse(f"inventory:{self.kind}_list"),
            "doc": doc,
            "form": header,
            "form_sections": [(_("Header"), [(f, False) for f in header])],
            # core/record_form.html renders every (lines, formset, headers) of this list.
            "line_formsets": [(lines, formset, line_headers)],
            "max_lines": MAX_LINES,
            "cancel_url": reverse(f"inventory:{self.kind}_detail", args=[doc.pk])
            if doc
            else reverse(f"inventory:{self.kind}_list"),
        }
        return render(request, self.template_name, context, status=status)


def _header_initial(doc) -> dict:
    if doc is None:
        return {"date": timezone.localdate()}
    initial = {"date": doc.date, "warehouse": doc.warehouse_id, "note": doc.note}
    for name in ("reason", "to_warehouse_id"):
        if hasattr(doc, name):
            initial[name.removesuffix("_id")] = getattr(doc, name)
    return initial


def _lines_initial(k, doc) -> list[dict]:
    fields = forms.LINE_FORMS[k.code].base_fields
    rows = []
    for line in doc.lines.all():
        row = {}
        for name in fields:
            if name == "DELETE":
                continue
            attname = f"{name}_id" if hasattr(line, f"{name}_id") else name
            row[name] = getattr(line, attname, None)
        rows.append(row)
    return rows


class LineRowPage(View):
    """An empty line row (htmx "add line"): ?index=N is the new form's index."""

    kind = ""

    def get(self, request):
        require_perm(request.user, f"inventory.add_{self.kind}")
        try:
            index = int(request.GET.get("index", ""))
        except ValueError:
            index = -1
        if not 0 <= index < MAX_LINES:
            return HttpResponse(_("Too many lines."), status=400)
        formset = forms.line_formset_class(self.kind)(prefix=PREFIX)
        form = formset.form(
            prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False
        )
        style_form(form)
        return render(request, "core/_lines_row.html", {"line_form": form})


class DocumentDetailPage(View):
    kind = ""

    def get(self, request, pk):
        require_perm(request.user, f"inventory.view_{self.kind}")
        k, doc = document_get(self.kind, pk)
        lines = list(doc.lines.select_related("material", "unit", "lot"))
        context = {
            "kind": self.kind,
            "config": LISTS[self.kind],
            "list_url": reverse(f"inventory:{self.kind}_list"),
            "doc": doc,
            "lines": lines,
            "moves": moves_of_source(source_type=k.source_type, source_id=doc.pk).select_related(
                "material", "lot", "from_location", "to_location"
            ),
            "actions": k.machine.allowed_for(request.user, doc.state),
            "can_edit": doc.state == "draft"
            and request.user.has_perm(f"inventory.change_{self.kind}"),
            "fefo": _fefo_suggestions(doc, lines) if self.kind == "otherissue" else {},
            "audit_rows": audit_rows(audit_events_for(doc)),
        }
        return render(request, "inventory/document_detail.html", context)


def _fefo_suggestions(doc, lines) -> dict:
    """Which lots a draft issue line without a lot would take (FEFO), shown before posting."""
    if doc.state != "draft":
        return {}
    suggestions = {}
    for line in lines:
        if line.lot_id or not line.material.batch_managed:
            continue
        try:
            picks = lots_pick_fefo(
                material=line.material,
                quantity=line.base_quantity,
                location=line.location_id,
                on_date=doc.date,
            )
        except DomainError as exc:
            suggestions[line.pk] = str(exc.message)
            continue
        suggestions[line.pk] = ", ".join(
            f"{p.lot.number} × {p.quantity.normalize():f}" for p in picks
        )
    return suggestions


class DocumentActionPage(View):
    kind = ""

    def post(self, request, pk, action):
        service = ACTIONS.get(action)
        if service is None:
            raise NotFound()
        try:
            doc = service(actor=request.user, kind=self.kind, doc_id=pk)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(doc)s: %(state)s.") % {"doc": doc.reference, "state": doc.get_state_display()},
            )
        return redirect(f"inventory:{self.kind}_detail", pk=pk)


class DocumentPrintPage(View):
    kind = ""

    def get(self, request, pk):
        require_perm(request.user, f"inventory.view_{self.kind}")
        k, doc = document_get(self.kind, pk)
        lines = list(doc.lines.select_related("material", "unit", "lot", *k.line_locations))
        for line in lines:
            line.amount = round_amount(line.quantity * getattr(line, "unit_cost", 0))
        context = {
            "kind": self.kind,
            "doc": doc,
            "title": doc._meta.verbose_name,
            "lines": lines,
            "total": sum((ln.amount for ln in lines), start=round_amount(0)),
        }
        return pdf_response(
            request,
            template_name="inventory/print/document.html",
            context=context,
            filename=f"{doc._meta.verbose_name}-{doc.reference}.pdf",
        )

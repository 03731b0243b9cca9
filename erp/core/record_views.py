"""Generic record pages: detail, create and edit, with inline lines edited through htmx.

An app declares a `RecordConfig` per kind of record and mounts the views:

    path("materials/<int:pk>/", DetailPage.as_view(config=records.MATERIAL), name=...)

The form only parses input. Saving goes through the app's services (`create`/`update`
callables), which validate and check business rules; their `ValidationFailed` is mapped back
onto the form fields (details["fields"]) and onto the line rows (details["lines"]). Header and
lines are saved by one service call, so in one transaction.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from erp.core.access import has_perm, require_perm
from erp.core.errors import DomainError, NotFound
from erp.core.record_links import record_links_for
from erp.core.selectors import audit_events_for, audit_rows
from erp.core.templatetags.erp_list import cell

MAX_LINES = 500


@dataclass(frozen=True)
class Field:
    """A field shown on the detail page: a model field name (label and format derived from
    it) or a label with a `value(obj)` callable; `kind` as in erp.core.listing.Column."""

    name: str
    label: Any = None
    kind: str | None = None
    value: Callable[[Any], Any] | None = None
    wide: bool = False


@dataclass(frozen=True)
class Section:
    title: Any
    fields: tuple[Field | str, ...]


@dataclass(frozen=True)
class LinesConfig:
    """One set of inline lines of a record (a material's own unit conversions; a customer's
    contacts, and its delivery addresses).

    `initial(obj)` gives the existing lines as form initial data; the cleaned rows that are not
    deleted go to the service under `prefix` (see RecordConfig.create/update). The prefix is
    also the name the service uses in its errors (details["line_set"])."""

    title: Any
    formset_class: type[forms.BaseFormSet]
    initial: Callable[[Any], list[dict]]
    row_url_name: str
    columns: tuple[Field, ...] = ()
    prefix: str = "lines"
    empty_text: Any = None


@dataclass
class RecordConfig:
    model: type[models.Model]
    title: Any  # plural, for breadcrumbs ("Materials")
    section: Any  # sidebar section shown in breadcrumbs ("Warehouse")
    view_permission: str
    add_permission: str
    change_permission: str
    form_class: type[forms.ModelForm]
    get_object: Callable[[Any], Any]
    # create(actor, data, lines) -> obj; update(actor, obj, data, lines) -> obj. `lines` maps
    # each line set's prefix to its rows ({} when the record has no inline lines).
    create: Callable[..., Any]
    update: Callable[..., Any]
    sections: list[Section]
    list_url_name: str
    detail_url_name: str
    create_url_name: str
    edit_url_name: str
    active_url_name: str | None = None
    set_active: Callable[..., Any] | None = None  # set_active(actor, obj, active) -> obj
    lines: tuple[LinesConfig, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def fetch(self, pk) -> Any:
        obj = self.get_object(pk)
        if obj is None:
            raise NotFound()
        return obj

    def detail_url(self, obj) -> str:
        return reverse(self.detail_url_name, kwargs={"pk": obj.pk})

    def line_set(self, prefix: str) -> LinesConfig:
        return next(x for x in self.lines if x.prefix == prefix)


# --- display -------------------------------------------------------------------------------


def _as_field(spec: Field | str) -> Field:
    return spec if isinstance(spec, Field) else Field(spec)


def field_label(model: type[models.Model], spec: Field) -> Any:
    if spec.label is not None:
        return spec.label
    return model._meta.get_field(spec.name).verbose_name


def field_display(obj: Any, spec: Field) -> Any:
    """The value as users read it: choices by label, yes/no, grouped numbers, ISO dates."""
    if spec.value is not None:
        value = spec.value(obj)
    else:
        display = getattr(obj, f"get_{spec.name}_display", None)
        value = display() if callable(display) else getattr(obj, spec.name, None)
    kind = spec.kind or _kind_of(value)
    if value is None or value == "":
        return "—"
    return cell(value, kind)


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Decimal):
        return "qty"
    if isinstance(value, int):
        return "num"
    if isinstance(value, dt.date):
        return "date"
    return "text"


def detail_sections(config: RecordConfig, obj: Any) -> list[tuple[Any, list]]:
    sections = []
    for section in config.sections:
        items = []
        for spec in map(_as_field, section.fields):
            label = field_label(config.model, spec)
            kind = spec.kind or ""
            items.append((label, field_display(obj, spec), kind, spec.wide))
        sections.append((section.title, items))
    return sections


# --- forms ---------------------------------------------------------------------------------


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Bootstrap classes on every widget, `is-invalid` where the field has an error."""
    for name, bound in form.fields.items():
        widget = bound.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select form-select-sm"
        else:
            css = "form-control form-control-sm"
        if form.is_bound and form.errors.get(name):
            css += " is-invalid"
        if isinstance(bound, forms.DecimalField | forms.IntegerField):
            css += " text-end"
            widget.attrs.setdefault("inputmode", "decimal")
        widget.attrs["class"] = css
    return form


def form_sections(config: RecordConfig, form: forms.BaseForm) -> list[tuple[Any, list]]:
    """Form fields grouped like the detail page; fields no section names come last."""
    placed: set[str] = set()
    sections = []
    for section in config.sections:
        bound = []
        for spec in map(_as_field, section.fields):
            if spec.name in form.fields and spec.name not in placed:
                bound.append((form[spec.name], spec.wide))
                placed.add(spec.name)
        if bound:
            sections.append((section.title, bound))
    rest = [(form[n], False) for n in form.fields if n not in placed]
    if rest:
        sections.append((_("Other"), rest))
    return sections


def apply_domain_error(exc: DomainError, form: forms.BaseForm, formsets=None) -> None:
    """Put a service error next to the fields and line cells it names; the rest on top.

    `formsets` maps a line set's prefix to its formset; details["line_set"] says which set
    details["lines"] ({index of the kept row: {field: [messages]}}) is about."""
    fields = exc.details.get("fields") or {}
    formsets = formsets or {}
    placed = False
    for name, errors in fields.items():
        if name in formsets:
            continue  # the line cells below, or the message on top, say it
        target = name if name in form.fields else None
        for error in errors:
            form.add_error(target, str(error))
            placed = placed or target is not None
    line_errors = exc.details.get("lines") or {}
    formset = formsets.get(exc.details.get("line_set")) if len(formsets) > 1 else None
    if formset is None and len(formsets) == 1:
        formset = next(iter(formsets.values()))
    if formset is not None and line_errors:
        _line_cell_errors(formset, line_errors)
    if not placed or exc.message != exc.default_message:
        form.add_error(None, str(exc.message))


def _line_cell_errors(formset, line_errors: dict) -> None:
    kept = [f for f in formset.forms if f not in formset.deleted_forms and f.has_changed()]
    for index, errors in line_errors.items():
        if int(index) >= len(kept):
            continue
        line_form = kept[int(index)]
        for name, messages_ in errors.items():
            for error in messages_:
                line_form.add_error(name if name in line_form.fields else None, str(error))


def cleaned_lines(formset) -> list[dict]:
    rows = []
    for line_form in formset.forms:
        if line_form in formset.deleted_forms or not line_form.has_changed():
            continue
        data = dict(line_form.cleaned_data)
        data.pop("DELETE", None)
        rows.append(data)
    return rows


# --- views ---------------------------------------------------------------------------------


class DetailPage(View):
    config: RecordConfig = None  # type: ignore[assignment]
    template_name = "core/record_detail.html"

    def get(self, request, pk):
        config = self.config
        require_perm(request.user, config.view_permission)
        obj = config.fetch(pk)
        context = {
            "config": config,
            "obj": obj,
            "sections": detail_sections(config, obj),
            "line_tables": [
                (lines, [field_label_line(lines, c) for c in lines.columns], _line_rows(lines, obj))
                for lines in config.lines
            ],
            "audit_rows": audit_rows(audit_events_for(obj)),
            "can_add": has_perm(request.user, config.add_permission),
            "can_change": has_perm(request.user, config.change_permission),
            "record_links": record_links_for(request.user, obj),
        }
        return render(request, self.template_name, context)


def field_label_line(lines: LinesConfig, spec: Field) -> tuple[Any, str]:
    form_field = lines.formset_class.form.base_fields.get(spec.name)
    label = spec.label or (form_field.label if form_field else spec.name)
    return label, spec.kind or ""


def _line_rows(lines: LinesConfig, obj: Any) -> list[list[tuple[Any, str]]]:
    return [
        [(field_display(_Row(row), spec), spec.kind or "") for spec in lines.columns]
        for row in lines.initial(obj)
    ]


class _Row:
    """Attribute access over a line's initial dict, so Field specs work on it."""

    def __init__(self, data: dict) -> None:
        self.__dict__.update(data)


class FormPage(View):
    config: RecordConfig = None  # type: ignore[assignment]
    template_name = "core/record_form.html"

    def permission(self) -> str:
        raise NotImplementedError

    def get(self, request, pk=None):
        require_perm(request.user, self.permission())
        obj = self.config.fetch(pk) if pk is not None else None
        form = self.config.form_class(instance=obj)
        return self.render_page(request, obj, form, self.formsets(obj))

    def post(self, request, pk=None):
        config = self.config
        require_perm(request.user, self.permission())
        obj = config.fetch(pk) if pk is not None else None
        form = config.form_class(request.POST, instance=obj)
        formsets = self.formsets(obj, request.POST)
        valid = form.is_valid()
        posted = {prefix: fs for prefix, fs in formsets.items() if fs.is_bound}
        for formset in posted.values():
            valid = formset.is_valid() and valid
        if valid:
            lines = {prefix: cleaned_lines(fs) for prefix, fs in posted.items()}
            data = {k: form.cleaned_data[k] for k in form.fields}
            try:
                saved = self.save(request, obj, data, lines)
            except DomainError as exc:
                apply_domain_error(exc, form, formsets)
            else:
                messages.success(request, _("Saved."))
                return redirect(config.detail_url(saved))
        return self.render_page(request, obj, form, formsets, status=400)

    def formsets(self, obj, data=None) -> dict:
        """One formset per line set, by prefix. A set whose management form was not posted is
        left unbound: it is not given to the service, which then keeps those lines."""
        result = {}
        for lines in self.config.lines:
            if data is not None and f"{lines.prefix}-TOTAL_FORMS" in data:
                result[lines.prefix] = lines.formset_class(data, prefix=lines.prefix)
            else:
                initial = lines.initial(obj) if obj is not None else []
                result[lines.prefix] = lines.formset_class(initial=initial, prefix=lines.prefix)
        return result

    def save(self, request, obj, data, lines):
        raise NotImplementedError

    def render_page(self, request, obj, form, formsets, status=200):
        config = self.config
        style_form(form)
        for formset in formsets.values():
            for line_form in formset.forms:
                style_form(line_form)
        context = {
            "config": config,
            "obj": obj,
            "form": form,
            "form_sections": form_sections(config, form),
            "line_formsets": [
                (lines, formsets[lines.prefix], _line_headers(formsets[lines.prefix]))
                for lines in config.lines
            ],
            "line_errors": sum(fs.total_error_count() for fs in formsets.values() if fs.is_bound),
            "non_form_errors": [
                e for fs in formsets.values() if fs.is_bound for e in fs.non_form_errors()
            ],
            "max_lines": MAX_LINES,
            "cancel_url": config.detail_url(obj) if obj else reverse(config.list_url_name),
        }
        return render(request, self.template_name, context, status=status)


def _line_headers(formset) -> list[tuple[Any, bool]]:
    form = formset.empty_form
    return [(f.label, f.field.required) for f in form.visible_fields() if f.name != "DELETE"]


class CreatePage(FormPage):
    def permission(self) -> str:
        return self.config.add_permission

    def save(self, request, obj, data, lines):
        return self.config.create(request.user, data, lines)


class EditPage(FormPage):
    def permission(self) -> str:
        return self.config.change_permission

    def save(self, request, obj, data, lines):
        return self.config.update(request.user, obj, data, lines)


class LineRowView(View):
    """An empty line row for the formset (htmx "add row", and "copy row", which then copies
    the values in the browser): ?index=N is the new form's index; `prefix` names the set."""

    config: RecordConfig = None  # type: ignore[assignment]
    prefix: str = ""
    template_name = "core/_lines_row.html"

    def get(self, request):
        config = self.config
        if not (
            has_perm(request.user, config.add_permission)
            or has_perm(request.user, config.change_permission)
        ):
            require_perm(request.user, config.change_permission)
        try:
            index = int(request.GET.get("index", ""))
        except ValueError:
            index = -1
        if not 0 <= index < MAX_LINES:
            return HttpResponse(_("Too many lines."), status=400)
        lines = config.line_set(self.prefix) if self.prefix else config.lines[0]
        formset = lines.formset_class(prefix=lines.prefix)
        form = formset.form(
            prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False
        )
        style_form(form)
        return render(request, self.template_name, {"line_form": form})


class ActiveToggle(View):
    """POST active=0|1: deactivate or reactivate (records are never deleted)."""

    config: RecordConfig = None  # type: ignore[assignment]

    def post(self, request, pk):
        config = self.config
        require_perm(request.user, config.change_permission)
        obj = config.fetch(pk)
        active = request.POST.get("active") == "1"
        config.set_active(request.user, obj, active)
        messages.success(request, _("Activated.") if active else _("Deactivated."))
        return redirect(config.detail_url(obj))

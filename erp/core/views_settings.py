"""Settings pages owned by core: numbering rules (编码规则) and the audit log (审计日志)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from erp.core import selectors
from erp.core.access import has_perm, require_perm
from erp.core.errors import DomainError, ValidationFailed
from erp.core.models import NumberingRule
from erp.core.services.numbering import numbering_rule_create, numbering_rule_update
from erp.iam.models import User

AUDIT_PAGE_SIZE = 50


class NumberingRuleForm(forms.Form):
    """Parses the inputs; the service decides what is valid (same rules for UI and API)."""

    doc_type = forms.CharField(
        label=_("Document type"),
        max_length=60,
        help_text=_("Written as app.model in lower case, for example:"),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    prefix = forms.CharField(
        label=_("Prefix"),
        max_length=20,
        required=False,
        help_text=_("Letters, digits, - and _"),
    )
    date_part = forms.ChoiceField(
        label=_("Date part"), choices=NumberingRule.DatePart.choices, required=False
    )
    counter_width = forms.IntegerField(label=_("Counter width"), min_value=1, max_value=12)
    reset = forms.ChoiceField(label=_("Counter restarts"), choices=NumberingRule.Reset.choices)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["doc_type"]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def add_domain_errors(self, exc: ValidationFailed) -> None:
        fields = exc.details.get("fields") or {}
        for name, errors in fields.items():
            for error in errors:
                self.add_error(name if name in self.fields else None, error)
        if not fields:
            self.add_error(None, str(exc.message))


def _rule_or_404(rule_id: int) -> NumberingRule:
    rule = selectors.numbering_rule_get(rule_id)
    if rule is None:
        raise Http404
    return rule


@require_GET
def numbering_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "core.view_numberingrule")
    rows = [(rule, selectors.numbering_preview(rule)) for rule in selectors.numbering_rules_list()]
    return render(
        request,
        "core/numbering_list.html",
        {
            "rows": rows,
            "can_add": has_perm(request.user, "core.add_numberingrule"),
            "can_change": has_perm(request.user, "core.change_numberingrule"),
        },
    )


@require_http_methods(["GET", "POST"])
def numbering_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "core.add_numberingrule")
    form = NumberingRuleForm(request.POST or None, initial=_initial(None))
    if request.method == "POST" and form.is_valid():
        try:
            rule = numbering_rule_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            messages.success(request, _("Numbering rule %(name)s saved.") % {"name": rule.name})
            return redirect("core_settings:numbering_list")
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
def numbering_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    require_perm(request.user, "core.change_numberingrule")
    rule = _rule_or_404(rule_id)
    form = NumberingRuleForm(request.POST or None, initial=_initial(rule), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            rule = numbering_rule_update(actor=request.user, rule_id=rule.pk, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Numbering rule %(name)s saved.") % {"name": rule.name})
            return redirect("core_settings:numbering_list")
    return _form_page(request, form, rule)


def _initial(rule: NumberingRule | None) -> dict:
    if rule is None:
        return {"date_part": "YYYYMM", "counter_width": 4, "reset": "monthly"}
    return {f: getattr(rule, f) for f in ("name", "prefix", "date_part", "counter_width", "reset")}


def _form_page(request: HttpRequest, form: NumberingRuleForm, rule) -> HttpResponse:
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["class"] += " is-invalid"
    preview_rule = _preview_rule(request.POST if request.method == "POST" else None, rule)
    events = selectors.audit_rows(selectors.audit_events_for(rule)) if rule else []
    return render(
        request,
        "core/numbering_form.html",
        {
            "form": form,
            "rule": rule,
            "preview": selectors.numbering_preview(preview_rule) if preview_rule else "",
            "audit_rows": events,
        },
    )


@require_GET
def numbering_preview(request: HttpRequest) -> HttpResponse:
    """htmx: the next number for the values in the form, without taking one."""
    require_perm(request.user, "core.view_numberingrule")
    rule = selectors.numbering_rule_get(request.GET.get("rule_id"))
    preview_rule = _preview_rule(request.GET, rule)
    preview = selectors.numbering_preview(preview_rule) if preview_rule else ""
    return render(request, "core/numbering_preview.html", {"preview": preview})


def _preview_rule(data, rule: NumberingRule | None) -> NumberingRule | None:
    """An unsaved copy of the rule with the typed values (counters still those of `rule`)."""
    base = rule or NumberingRule(date_part="YYYYMM", counter_width=4, reset="monthly")
    if data is None:
        return base
    try:
        width = int(data.get("counter_width", base.counter_width))
    except (TypeError, ValueError):
        return None
    if not 1 <= width <= 12:
        return None
    return NumberingRule(
        pk=base.pk,
        doc_type=base.doc_type,
        prefix=str(data.get("prefix", base.prefix))[:20],
        date_part=data.get("date_part", base.date_part) or "",
        counter_width=width,
        reset=data.get("reset", base.reset) or "never",
    )


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("User"), queryset=User.objects.order_by("username"), required=False
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = selectors.audit_object_types()
        from erp.core.audit_display import object_type_label

        named = sorted(((t, object_type_label(t)) for t in types), key=lambda pair: pair[1])
        self.fields["object_type"].choices = [("", _("All")), *named]
        for name, field in self.fields.items():
            css = "form-select" if name in ("actor", "object_type") else "form-control"
            field.widget.attrs["class"] = css


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "core.view_auditevent")
    form = AuditFilterForm(request.GET or None)
    query = selectors.AuditFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = selectors.AuditFilter(
            actor_id=data["actor"].pk if data["actor"] else None,
            object_type=data["object_type"],
            object_id=request.GET.get("object_id", "")[:64],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    page = Paginator(selectors.audit_events_search(query), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.audit_rows(page.object_list),
            "query_string": params.urlencode(),
        },
    )

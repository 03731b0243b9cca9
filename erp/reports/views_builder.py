"""Report builder pages (自定义报表): choose a dataset, columns or groups and sums, filters and
a period; run it (paged), export it, save it. The whole definition travels in the URL, so a
link to a result is a shareable report too."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from erp.core.access import has_perm, require_perm
from erp.core.errors import NotFound
from erp.reports import builder
from erp.reports.models import SavedReport
from erp.reports.periods import PERIODS
from erp.reports.registry import dataset_get, datasets_for
from erp.reports.services.saved_reports import saved_report_delete, saved_report_save
from erp.reports.tables import Col, Link, Table

BUILDER = "reports.view_savedreport"
PAGE_SIZE = 50
FILTER_ROWS = 3
EXPORT_LIMIT = 100_000
MAX_GROUPS = 10_000


def _aligned_totals(spec) -> list | None:
    """Σ of every group (not only this page) under the sum and count columns."""
    totals = builder.spec_totals(spec)
    return None if totals is None else [None] * len(spec.group_by) + totals


def saved_reports_for(user):
    """The user's own definitions and those colleagues shared, over datasets the user may use."""
    codes = [d.code for d in datasets_for(user)]
    return (
        SavedReport.objects.filter(Q(owner=user) | Q(shared=True), dataset__in=codes)
        .select_related("owner")
        .order_by("name", "pk")
    )


def spec_from_query(query) -> dict:
    filters = []
    fields, ops, values = query.getlist("f_field"), query.getlist("f_op"), query.getlist("f_value")
    for field_key, op, value in zip(fields, ops, values, strict=False):
        if field_key:
            filters.append({"field": field_key, "op": op, "value": value})
    return {
        "columns": [k for k in query.getlist("columns") if k],
        "group_by": [k for k in query.getlist("group_by") if k],
        "sums": [k for k in query.getlist("sums") if k],
        "filters": filters,
        "period": query.get("period") or "all",
        "date_from": query.get("date_from", ""),
        "date_to": query.get("date_to", ""),
    }


def query_from_spec(dataset: str, spec: dict) -> list[tuple[str, str]]:
    pairs = [("dataset", dataset)]
    for name in ("columns", "group_by", "sums"):
        pairs += [(name, k) for k in spec.get(name, [])]
    for f in spec.get("filters", []):
        pairs += [("f_field", f["field"]), ("f_op", f["op"]), ("f_value", f["value"])]
    for name in ("period", "date_from", "date_to"):
        if spec.get(name):
            pairs.append((name, spec[name]))
    return pairs


def _result_table(spec: builder.Spec, rows) -> Table:
    groups = len(spec.group_by)
    table = Table(
        [
            Col(label, _kind(kind), total=spec.grouped and i >= groups)
            for i, (label, kind) in enumerate(spec.headers())
        ]
    )
    doc = spec.dataset.document
    link_index = None
    if doc and not spec.grouped:
        id_key, _type = doc
        keys = [f.key for f in spec.columns]
        number_key = "number" if "number" in keys else None
        link_index = keys.index(number_key) if number_key and id_key in keys else None
        id_index = keys.index(id_key) if id_key in keys else None
    for row in rows:
        values = builder.spec_row(spec, row)
        values = [_display(spec, i, v) for i, v in enumerate(values)]
        if link_index is not None:
            url = _doc_url(doc[1], values[id_index])
            values[link_index] = Link(values[link_index], url)
        table.rows.append(values)
    return table


def _kind(kind: str) -> str:
    return "text" if kind in ("choice", "month") else kind


def _display(spec: builder.Spec, index: int, value):
    fields = spec.group_by if spec.grouped else spec.columns
    if index < len(fields):
        f = fields[index]
        if f.kind == "month" and value is not None:
            return value if isinstance(value, str) else value.strftime("%Y-%m")
        if f.kind == "choice":
            return str(dict(f.choices).get(value, value))
    return value


def _doc_url(doc_type: str, pk) -> str:
    app, model = doc_type.split(".")
    try:
        return reverse(f"{app}:{model}_detail", args=[int(pk)])
    except (NoReverseMatch, ValueError, TypeError):  # no detail page: the plain number
        return ""


def builder_page(request):
    require_perm(request.user, BUILDER)
    datasets = datasets_for(request.user)
    code = request.GET.get("dataset") or ""
    dataset = dataset_get(code) if code else None
    context = {
        "title": _("Report builder"),
        "datasets": datasets,
        "dataset": dataset,
        "periods": PERIODS,
        "saved": saved_reports_for(request.user),
        "may_save": has_perm(request.user, "reports.add_savedreport"),
        "may_share": has_perm(request.user, "reports.share_savedreport"),
        "filter_rows": range(FILTER_ROWS),
        "current": None,
    }
    if dataset is None:
        return render(request, "reports/builder.html", context)
    raw = spec_from_query(request.GET)
    spec = builder.spec_parse(code, raw, user=request.user)
    qs = builder.spec_queryset(spec)
    if request.GET.get("export") == "xlsx":
        table = _result_table(spec, qs[:EXPORT_LIMIT])
        return table.xlsx(title=str(dataset.label), filename="custom-report")
    # Groups are few: read them once and page in Python (no second grouping to count them).
    rows = list(qs[:MAX_GROUPS]) if spec.grouped else qs
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    table = _result_table(spec, page.object_list)
    saved_id = request.GET.get("saved")
    current = (
        saved_reports_for(request.user).filter(pk=saved_id).first()
        if saved_id and saved_id.isdigit()
        else None
    )
    params = request.GET.copy()
    params.pop("page", None)
    context.update(
        {
            "spec": spec,
            "spec_data": builder.spec_as_data(spec),
            "table": table,
            "totals": _aligned_totals(spec),
            "page": page,
            "params": params.urlencode(),
            "current": current,
            "filters": list(spec.filters) + [None] * (FILTER_ROWS - len(spec.filters)),
        }
    )
    return render(request, "reports/builder.html", context)


def saved_report_open(request, pk: int):
    require_perm(request.user, BUILDER)
    report = saved_reports_for(request.user).filter(pk=pk).first()
    if report is None:
        raise NotFound()
    query = urlencode([*query_from_spec(report.dataset, report.spec), ("saved", report.pk)])
    return HttpResponseRedirect(f"{reverse('reports:builder')}?{query}")


@require_POST
def saved_report_save_view(request):
    require_perm(request.user, BUILDER)
    report_id = request.POST.get("report_id")
    report = saved_report_save(
        actor=request.user,
        name=request.POST.get("name"),
        dataset=request.POST.get("dataset", ""),
        spec=spec_from_query(request.POST),
        shared=request.POST.get("shared") == "on",
        report_id=int(report_id) if report_id and report_id.isdigit() else None,
    )
    return HttpResponseRedirect(reverse("reports:saved_open", args=[report.pk]))


@require_POST
def saved_report_delete_view(request, pk: int):
    require_perm(request.user, BUILDER)
    saved_report_delete(actor=request.user, report_id=pk)
    return HttpResponseRedirect(reverse("reports:builder"))

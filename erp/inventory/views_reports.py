"""Inventory report pages: on hand (any date), stock ledger, lot page, slow movers, count
accuracy and turnover. Each report page has a GET filter form, a table, an xlsx export of the
same rows and, for accuracy and turnover, an ECharts chart with the table one click away."""

import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any
from urllib.parse import quote

from django import forms
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.export import (
    XLSX_CONTENT_TYPE,
    cell_value,
    neutralise,
    sheet_title_safe,
    xlsx_bytes,
    xlsx_response,
)
from erp.core.references import refs_attach
from erp.inventory import selectors_reports as sel
from erp.inventory.models import Lot
from erp.masterdata.forms.pickers import Picker
from erp.masterdata.models import Location, Material, MaterialCategory, Warehouse

SELECT = {"class": "form-select form-select-sm"}
INPUT = {"class": "form-control form-control-sm"}
DATE = {"class": "form-control form-control-sm", "type": "date"}


@dataclass(frozen=True)
class Col:
    label: Any
    kind: str = "text"  # text | qty | amount | num | price | date | state
    total: bool = False
    link: bool = False  # the row's link goes on this column


@dataclass
class Report:
    columns: list[Col]
    rows: list[tuple[str | None, list]]  # (link of the first cell, values)
    chart: dict | None = None
    note: Any = ""
    extra: dict = field(default_factory=dict)

    def totals(self) -> list | None:
        if not any(c.total for c in self.columns):
            return None
        return [
            sum((r[1][i] or 0 for r in self.rows), Decimal(0)) if c.total else None
            for i, c in enumerate(self.columns)
        ]


class StockFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Keyword"), required=False, max_length=100, widget=forms.TextInput(INPUT)
    )
    warehouse = forms.ModelChoiceField(
        Warehouse.objects.order_by("code"),
        label=_("Warehouse"),
        required=False,
        widget=forms.Select(SELECT),
    )
    location = forms.ModelChoiceField(
        Location.objects.select_related("warehouse").order_by("warehouse__code", "code"),
        label=_("Location"),
        required=False,
        widget=forms.Select(SELECT),
    )
    category = forms.ModelChoiceField(
        MaterialCategory.objects.order_by("code"),
        label=_("Category"),
        required=False,
        widget=forms.Select(SELECT),
    )

    def stock_filter(self) -> sel.StockFilter:
        d = self.cleaned_data
        return sel.StockFilter(
            warehouse=d["warehouse"].pk if d.get("warehouse") else None,
            location=d["location"].pk if d.get("location") else None,
            category=d["category"].pk if d.get("category") else None,
            material=d["material"].pk if d.get("material") else None,
            lot=d["lot"].pk if d.get("lot") else None,
            keyword=(d.get("q") or "").strip(),
        )


class ReportPage(View):
    """GET: validate the filter form, build the report, render it or export it as xlsx."""

    permission = ""
    title: Any = ""
    form_class: type[forms.Form] = StockFilterForm
    export_name = "report"
    template_name = "inventory/reports/report.html"

    def build(self, form) -> Report:
        raise NotImplementedError

    def get(self, request, **kwargs):
        require_perm(request.user, self.permission)
        form = self.form_class(request.GET or self.initial())
        if not form.is_valid():
            raise ValidationFailed(
                _("Some filters are not valid. Correct them and search again."),
                code="invalid_filter",
                fields={k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        report = self.build(form)
        if request.GET.get("export") == "xlsx":
            return self.export(report)
        context = {
            "title": self.title,
            "form": form,
            "report": report,
            "totals": report.totals(),
            "params": request.GET.urlencode(),
        }
        return render(request, self.template_name, context)

    def initial(self) -> dict:
        return {}

    def export(self, report: Report) -> HttpResponse:
        body = xlsx_bytes(
            sheet_title=str(self.title),
            headers=[str(c.label) for c in report.columns],
            rows=[[_plain(v) for v in values] for _url, values in report.rows],
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(body, f"{self.export_name}-{stamp}.xlsx")


def _plain(value):
    # Lazy translations and choices leave as text; numbers and dates stay typed cells.
    if value is None or isinstance(value, Decimal | int | date):
        return value
    return str(value)


def _lot_url(lot) -> str | None:
    return reverse("inventory:lot_trace", kwargs={"pk": lot.pk}) if lot else None


# --- on hand, today or as of a date ----------------------------------------------------------


class OnHandForm(StockFilterForm):
    group = forms.ChoiceField(
        label=_("Group by"),
        choices=[
            ("material", _("Material")),
            ("warehouse", _("Warehouse")),
            ("location", _("Location")),
            ("lot", _("Lot")),
        ],
        required=False,
        widget=forms.Select(SELECT),
    )
    as_of = forms.DateField(label=_("As of date"), required=False, widget=forms.DateInput(DATE))

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Choose today or a past date."))
        return value


class OnHandReport(ReportPage):
    permission = "inventory.view_stockbalance"
    title = _("On hand and value")
    form_class = OnHandForm
    export_name = "on-hand"

    def build(self, form) -> Report:
        group = form.cleaned_data.get("group") or "material"
        rows = sel.on_hand_rows(
            group=group, flt=form.stock_filter(), on_date=form.cleaned_data.get("as_of")
        )
        columns = [Col(_("Material code")), Col(_("Material name")), Col(_("Specification"))]
        if group in ("warehouse", "location", "lot"):
            columns.append(Col(_("Warehouse")))
        if group in ("location", "lot"):
            columns.append(Col(_("Location")))
        if group == "lot":
            columns += [
                Col(_("Lot"), link=True),
                Col(_("Lot status"), "state"),
                Col(_("Expiry date"), "date"),
            ]
        columns += [
            Col(_("On hand"), "qty", total=True),
            Col(_("Unit")),
            Col(_("Unit cost"), "price"),
            Col(_("Stock value"), "amount", total=True),
        ]
        out = []
        for r in rows:
            values = [r.material.code, r.material.name, r.material.specification]
            if group in ("warehouse", "location", "lot"):
                values.append(r.warehouse.name if r.warehouse else "")
            if group in ("location", "lot"):
                values.append(r.location.code if r.location else "")
            if group == "lot":
                values += [
                    r.lot.number if r.lot else "",
                    r.lot.status if r.lot else "",
                    r.lot.expiry_date if r.lot else None,
                ]
            values += [r.quantity, r.material.base_unit.code, r.unit_cost, r.value]
            out.append((_lot_url(r.lot) if group == "lot" else None, values))
        as_of = form.cleaned_data.get("as_of")
        note = (
            _("Figures as of the end of %(date)s, summed from the stock ledger.")
            % {"date": as_of.isoformat()}
            if as_of and as_of < timezone.localdate()
            else _("Current figures from the stock balances.")
        )
        return Report(columns=columns, rows=out, note=note)


# --- stock ledger -----------------------------------------------------------------------------


class LedgerForm(StockFilterForm):
    # Type-ahead pickers: a <select> of every material and lot made this page 600 KB.
    material = forms.ModelChoiceField(
        Material.objects.all(), label=_("Material"), widget=Picker("material")
    )
    lot = forms.ModelChoiceField(
        Lot.objects.select_related("material"),
        label=_("Lot"),
        required=False,
        widget=Picker("lot"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(DATE))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(DATE))
    # Keyset paging (hidden: a new search starts at the first page again).
    after = forms.CharField(required=False, widget=forms.HiddenInput)
    before = forms.CharField(required=False, widget=forms.HiddenInput)
    last = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["q"], self.fields["category"]
        # Only the chosen material's lots: the list stays short with years of lots, and a lot
        # of another material is refused instead of showing an empty ledger.
        material = str(self.data.get("material") or "")
        if material.isdigit():
            lots = self.fields["lot"].queryset.filter(material_id=int(material))
            self.fields["lot"].queryset = lots

    def _key(self, name):
        text = self.cleaned_data.get(name)
        if not text:
            return None
        try:
            return sel.LedgerKey.decode(text)
        except ValueError:
            raise forms.ValidationError(
                _("This page link is not valid. Open the ledger again from the first page.")
            ) from None

    def clean_after(self):
        return self._key("after")

    def clean_before(self):
        return self._key("before")


LEDGER_PAGING = ("after", "before", "last", "export")


class LedgerReport(ReportPage):
    """库存流水账: one keyset page of the ledger (LEDGER_PAGE_SIZE rows) with the running balance
    carried in from the history before the page; the xlsx export streams the whole ledger."""

    permission = "inventory.view_stockmove"
    title = _("Stock ledger")
    form_class = LedgerForm
    export_name = "stock-ledger"
    template_name = "inventory/reports/ledger.html"

    def get(self, request, **kwargs):
        require_perm(request.user, self.permission)
        if not request.GET.get("material"):
            context = {"title": self.title, "form": LedgerForm(), "report": None}
            return render(request, self.template_name, context)
        form = LedgerForm(request.GET)
        if not form.is_valid():
            raise ValidationFailed(
                _("Some filters are not valid. Correct them and search again."),
                code="invalid_filter",
                fields={k: [str(m) for m in v] for k, v in form.errors.items()},
            )
        if request.GET.get("export") == "xlsx":
            return self.export_stream(form)
        ledger, report = self.build_page(form)
        filters = request.GET.copy()
        for name in LEDGER_PAGING:
            filters.pop(name, None)
        base = filters.urlencode()

        def link(**extra):
            query = "&".join(p for p in [base, *(f"{k}={v}" for k, v in extra.items())] if p)
            return f"?{query}"

        pager = {
            "first": link() if ledger.has_prev else None,
            "prev": link(before=ledger.first_key) if ledger.has_prev else None,
            "next": link(after=ledger.last_key) if ledger.has_next else None,
            "last": link(last=1) if ledger.has_next else None,
        }
        context = {
            "title": self.title,
            "form": form,
            "report": report,
            "ledger": ledger,
            "pager": pager,
            "totals": report.totals(),
            "params": base,
        }
        return render(request, self.template_name, context)

    def columns(self, ledger_exact: bool) -> list[Col]:
        return [
            Col(_("Posting date"), "date"),
            Col(_("Move type")),
            Col(_("Source")),
            Col(_("Lot"), link=True),
            Col(_("From location")),
            Col(_("To location")),
            Col(_("In"), "qty", total=True),
            Col(_("Out"), "qty", total=True),
            Col(_("Balance"), "qty"),
            Col(_("Unit cost"), "price"),
            Col(_("Value change"), "amount", total=True),
            Col(_("Balance value") if ledger_exact else _("Balance value at average"), "amount"),
        ]

    @staticmethod
    def _filter_args(form) -> dict:
        d = form.cleaned_data
        return {
            "material_id": d["material"].pk,
            "flt": form.stock_filter(),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }

    @staticmethod
    def _values(line, labels: dict | None = None) -> list:
        m = line.move
        if labels is None:
            label = m.get_move_type_display()
        elif m.move_type in labels:
            label = labels[m.move_type]
        else:
            label = labels[m.move_type] = str(m.get_move_type_display())
        return [
            m.posting_date,
            label,
            m.source_ref,  # 类型名 + 单号, a link on the page, text in xlsx
            m.lot.number if m.lot else "",
            m.from_location.code if m.from_location else "",
            m.to_location.code if m.to_location else "",
            line.quantity_in or None,
            line.quantity_out or None,
            line.balance,
            m.unit_cost,
            line.value_change,
            line.balance_value,
        ]

    def build_page(self, form):
        d = form.cleaned_data
        ledger = sel.stock_ledger(
            **self._filter_args(form),
            after=d.get("after"),
            before=d.get("before"),
            last=bool(d.get("last")),
        )
        opening_label = _("Opening balance") if not ledger.has_prev else _("Brought forward")
        opening_date = d.get("date_from") if not ledger.has_prev else None
        rows: list[tuple[str | None, list]] = [
            (None, _opening(opening_date, opening_label, ledger.opening, ledger.opening_value))
        ]
        refs_attach([line.move for line in ledger.lines])  # one query per document type
        rows += [(_lot_url(line.move.lot), self._values(line)) for line in ledger.lines]
        note = (
            ""
            if ledger.exact_value
            else _(
                "For a location, warehouse or lot the balance value is the balance quantity × "
                "the material's company moving average after each move, as balances are valued."
            )
        )
        return ledger, Report(columns=self.columns(ledger.exact_value), rows=rows, note=note)

    def build(self, form) -> Report:
        return self.build_page(form)[1]

    def export_stream(self, form):
        """The whole ledger to xlsx: moves streamed from the database (.iterator()), source
        references attached per 500 moves, rows written by openpyxl in write-only mode to a
        temporary file that is streamed out; memory stays flat whatever the ledger's size."""
        args = self._filter_args(form)
        exact = not (args["flt"].location or args["flt"].warehouse or args["flt"].lot)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _xlsx_file_response(
            sheet_title=str(self.title),
            headers=[str(c.label) for c in self.columns(exact)],
            rows=self._export_rows(args),
            filename=f"{self.export_name}-{stamp}.xlsx",
        )

    def _export_rows(self, args):
        lines = sel.stock_ledger_rows(**args)
        opening = next(lines)
        yield _opening(
            args["date_from"], _("Opening balance"), opening.balance, opening.balance_value
        )
        labels: dict[str, str] = {}  # move type labels come from a registry: look up once
        while chunk := list(islice(lines, 500)):
            refs_attach([line.move for line in chunk])  # one query per type per 500 moves
            for line in chunk:
                yield self._values(line, labels)


def _opening(day, label, quantity, value) -> list:
    return [day, label, "", "", "", "", None, None, quantity, None, None, value]


def _xlsx_file_response(*, sheet_title, headers, rows, filename) -> FileResponse:
    """Rows (an iterable) written one by one into a write-only workbook in a temporary file,
    then streamed; cells are made safe exactly as erp.core.export does."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title_safe(sheet_title))
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=neutralise(str(text)))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_xlsx_cell(ws, _plain(v)) for v in row])
    target = tempfile.TemporaryFile(suffix=".xlsx")
    wb.save(target)
    target.seek(0)
    response = FileResponse(target, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _xlsx_cell(ws, value):
    converted = cell_value(value)
    cell = WriteOnlyCell(ws, value=converted)
    if isinstance(converted, str):
        cell.data_type = "s"  # never a formula
    elif isinstance(converted, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


# --- slow movers ------------------------------------------------------------------------------


class SlowForm(StockFilterForm):
    days = forms.IntegerField(
        label=_("No outflow for (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        widget=forms.NumberInput(INPUT),
    )


class SlowMoversReport(ReportPage):
    permission = "inventory.view_stockbalance"
    title = _("Slow-moving stock")
    form_class = SlowForm
    export_name = "slow-movers"

    def build(self, form) -> Report:
        days = form.cleaned_data.get("days") or 90
        rows = sel.slow_movers(days=days, flt=form.stock_filter())
        columns = [
            Col(_("Material code")),
            Col(_("Material name")),
            Col(_("On hand"), "qty", total=True),
            Col(_("Unit")),
            Col(_("Stock value"), "amount", total=True),
            Col(_("Last outflow"), "date"),
            Col(_("Days without outflow"), "num"),
        ]
        out = [
            (
                None,
                [
                    r.material.code,
                    r.material.name,
                    r.quantity,
                    r.material.base_unit.code,
                    r.value,
                    r.last_outflow,
                    r.idle_days,
                ],
            )
            for r in rows
        ]
        note = _("Materials in stock with no issue or scrap in the last %(days)s days.") % {
            "days": days
        }
        return Report(columns=columns, rows=out, note=note)


# --- inventory accuracy -----------------------------------------------------------------------


class AccuracyForm(forms.Form):
    warehouse = forms.ModelChoiceField(
        Warehouse.objects.order_by("code"),
        label=_("Warehouse"),
        required=False,
        widget=forms.Select(SELECT),
    )


class AccuracyReport(ReportPage):
    permission = "inventory.view_stockcount"
    title = _("Inventory accuracy")
    form_class = AccuracyForm
    export_name = "inventory-accuracy"

    def build(self, form) -> Report:
        warehouse = form.cleaned_data.get("warehouse")
        wid = warehouse.pk if warehouse else None
        counts = list(sel.counts_posted(warehouse=wid))
        columns = [
            Col(_("Count number"), link=True),
            Col(_("Count date"), "date"),
            Col(_("Warehouse")),
            Col(_("Tolerance (%)"), "num"),
            Col(_("Lines counted"), "num", total=True),
            Col(_("Lines within tolerance"), "num", total=True),
            Col(_("Accuracy (%)"), "num"),
        ]
        rows = [
            (
                _count_url(c),
                [
                    c.number,
                    c.date,
                    c.warehouse.name,
                    c.tolerance_percent,
                    c.lines_total,
                    c.lines_within,
                    c.accuracy_percent,
                ],
            )
            for c in counts
        ]
        months = sel.accuracy_by_month(warehouse=wid)
        chart = {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 16, "top": 30, "bottom": 30},
            "xAxis": {"type": "category", "data": [m.month.strftime("%Y-%m") for m in months]},
            "yAxis": {"type": "value", "min": 0, "max": 100, "name": "%"},
            "series": [
                {
                    "name": str(_("Accuracy (%)")),
                    "type": "line",
                    "data": [str(m.accuracy) if m.accuracy is not None else None for m in months],
                    "markLine": {"data": [{"yAxis": 98, "name": str(_("Target"))}]},
                }
            ],
        }
        total = sum(c.lines_total for c in counts)
        within = sum(c.lines_within for c in counts)
        overall = (Decimal(within) * 100 / total).quantize(Decimal("0.01")) if total else None
        note = (
            _("Overall accuracy: %(pct)s%% of %(n)s counted lines within tolerance (target 98%%).")
            % {"pct": overall, "n": total}
            if total
            else _("No posted stock counts yet.")
        )
        return Report(columns=columns, rows=rows, chart=chart, note=note)


def _count_url(count) -> str | None:
    try:
        return reverse("inventory:stockcount_detail", kwargs={"pk": count.pk})
    except NoReverseMatch:  # the count pages belong to the documents module
        return None


# --- inventory turnover -----------------------------------------------------------------------


class TurnoverForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(DATE))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(DATE))
    by = forms.ChoiceField(
        label=_("Per"),
        choices=[("category", _("Category")), ("material", _("Material"))],
        required=False,
        widget=forms.Select(SELECT),
    )
    category = forms.ModelChoiceField(
        MaterialCategory.objects.order_by("code"),
        label=_("Category"),
        required=False,
        widget=forms.Select(SELECT),
    )

    def clean(self):
        d = super().clean()
        today = timezone.localdate()
        d["date_to"] = min(d.get("date_to") or today, today)
        d["date_from"] = d.get("date_from") or d["date_to"].replace(day=1) - timedelta(days=365)
        if d["date_from"] > d["date_to"]:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return d


class TurnoverReport(ReportPage):
    permission = "inventory.view_stockbalance"
    title = _("Inventory turnover")
    form_class = TurnoverForm
    export_name = "inventory-turnover"

    def build(self, form) -> Report:
        d = form.cleaned_data
        by = d.get("by") or "category"
        category = d.get("category")
        rows = sel.turnover(
            date_from=d["date_from"],
            date_to=d["date_to"],
            by=by,
            flt=sel.StockFilter(category=category.pk if category else None),
        )
        columns = [
            Col(_("Code")),
            Col(_("Name")),
            Col(_("Outflow at cost"), "amount", total=True),
            Col(_("Opening value"), "amount", total=True),
            Col(_("Closing value"), "amount", total=True),
            Col(_("Average value"), "amount", total=True),
            Col(_("Turnover (times)"), "num"),
            Col(_("Days of stock"), "num"),
        ]
        out = [
            (
                None,
                [
                    r.key.code,
                    r.key.name,
                    r.outflow_value,
                    r.opening_value,
                    r.closing_value,
                    r.average_value.quantize(Decimal("0.01")),
                    r.turnover,
                    r.days_of_stock,
                ],
            )
            for r in rows
        ]
        top = rows[:20]
        chart = {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 16, "top": 30, "bottom": 60},
            "xAxis": {
                "type": "category",
                "data": [r.key.code for r in top],
                "axisLabel": {"rotate": 30},
            },
            "yAxis": {"type": "value", "name": str(_("times"))},
            "series": [
                {
                    "name": str(_("Turnover (times)")),
                    "type": "bar",
                    "data": [str(r.turnover) if r.turnover is not None else "0" for r in top],
                }
            ],
        }
        note = _(
            "From %(start)s to %(end)s: outflow (issues and scrap) at cost divided by the "
            "average of the opening and closing stock value."
        ) % {"start": d["date_from"].isoformat(), "end": d["date_to"].isoformat()}
        return Report(columns=columns, rows=out, chart=chart, note=note)


# --- lot page -------------------------------------------------------------------------------


def lot_trace(request, pk: int):
    require_perm(request.user, "inventory.view_lot")
    get_object_or_404(Lot, pk=pk)
    trace = sel.lot_trace(lot_id=pk)
    refs_attach(list(trace.moves))
    return render(
        request,
        "inventory/reports/lot.html",
        {"trace": trace, "lot": trace.lot, "title": trace.lot.number},
    )

"""Finance statement pages: balance sheet, income statement, VAT summary and the opening
tie-out. Read-only; each page exports to xlsx (?export=xlsx) and prints (?export=pdf)."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.accounting import selectors
from erp.accounting import selectors_statements as reads
from erp.accounting.models import Period
from erp.core.access import require_perm
from erp.core.errors import NotFound
from erp.core.export import xlsx_bytes, xlsx_response
from erp.core.printing import pdf_response
from erp.core.selectors import company_get

PERM = "accounting.view_accountperiodbalance"


def _period(request) -> Period | None:
    pk = request.GET.get("period", "")
    if pk.isdigit():
        period = Period.objects.filter(pk=pk).first()
        if period is None:
            raise NotFound()
        return period
    return selectors.period_current() or Period.objects.order_by("-start").first()


def xlsx_title_rows(title: str, period_text: str) -> list[str]:
    """The head of an exported statement as finance files it: its name, 编制单位, the period and
    单位：元 (the amounts below are in yuan)."""
    company = company_get()
    return [
        title,
        _("Company: %(name)s") % {"name": company.name if company else ""},
        _("Period: %(period)s") % {"period": period_text},
        _("Unit: yuan"),
    ]


def _statement_rows(statement) -> list[list]:
    rows = []
    for entry in statement.left + statement.right:
        row = entry.row
        label = "　" * row.indent + row.label
        rows.append([label, row.line or "", *("" if v is None else v for v in entry.values)])
    return rows


def _statement_page(request, build, template_key: str):
    require_perm(request.user, PERM)
    period = _period(request)
    statement = build(period) if period else None
    name = f"{statement.layout.title}-{period}" if statement else ""
    export = request.GET.get("export", "")
    if statement is not None and export == "xlsx":
        headers = [_("Item"), _("Line no."), *statement.layout.columns]
        body = xlsx_bytes(
            sheet_title=name,
            title_rows=xlsx_title_rows(str(statement.layout.title), str(period)),
            headers=headers,
            rows=_statement_rows(statement),
            amount_columns=range(2, len(headers)),
        )
        return xlsx_response(body, f"{name}.xlsx")
    if statement is not None and export == "pdf":
        return pdf_response(
            request,
            template_name=f"accounting/statements/print_{template_key}.html",
            context={"statement": statement, "period": period},
            filename=f"{name}.pdf",
        )
    context = {"statement": statement, "period": period, "periods": selectors.periods_all()}
    return render(request, "accounting/statements/statement.html", context)


def balance_sheet(request):
    return _statement_page(request, reads.balance_sheet, "balance_sheet")


def income_statement(request):
    return _statement_page(request, reads.income_statement, "income_statement")


def _year(request) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and 1900 < int(text) < 3000:
        return int(text)
    period = selectors.period_current()
    return period.year if period else timezone.localdate().year


def vat_summary(request):
    require_perm(request.user, PERM)
    year = _year(request)
    months = reads.vat_summary(year)
    export = request.GET.get("export", "")
    name = _("VAT summary %(year)s") % {"year": year}
    if export == "xlsx":
        headers = [
            _("Period"),
            _("Output VAT"),
            _("Input VAT"),
            _("Input VAT reversed"),
            _("Output plus reversed minus input"),
            _("Transferred out (unpaid VAT)"),
            _("VAT payable at period end"),
            _("Input VAT credit carried forward"),
            _("Unpaid VAT at period end"),
        ]
        rows = [
            [
                str(m.period),
                m.output,
                m.input,
                m.input_reversed,
                m.payable,
                m.transfer_out,
                m.vat_closing,
                m.credit_carried,
                m.unpaid_closing,
            ]
            for m in months
        ]
        body = xlsx_bytes(
            sheet_title=name,
            title_rows=xlsx_title_rows(_("VAT summary"), str(year)),
            headers=headers,
            rows=rows,
            amount_columns=range(1, len(headers)),
        )
        return xlsx_response(body, f"{name}.xlsx")
    context = {
        "months": months,
        "year": year,
        "years": sorted(set(Period.objects.values_list("year", flat=True))),
        "totals": _vat_totals(months),
    }
    if export == "pdf":
        return pdf_response(
            request,
            template_name="accounting/statements/print_vat.html",
            context=context,
            filename=f"{name}.pdf",
        )
    return render(request, "accounting/statements/vat.html", context)


def _vat_totals(months) -> dict:
    zero = Decimal("0")
    return {
        key: sum((getattr(m, key) for m in months), zero)
        for key in ("output", "input", "input_reversed", "payable", "transfer_out")
    }


def opening_tie_out(request):
    """Proves the opening balances: the opening trial balance balances and the opening stock
    value equals the GL inventory accounts. AR/AP subledgers do not exist yet."""
    require_perm(request.user, PERM)
    known = reads.go_live_dates()
    text = request.GET.get("go_live", "")
    try:
        go_live = dt.date.fromisoformat(text) if text else (known[0] if known else None)
    except ValueError:
        go_live = None
    tie = reads.opening_tie_out(go_live) if go_live else None
    context = {"tie": tie, "known": known, "go_live": go_live}
    return render(request, "accounting/statements/tie_out.html", context)

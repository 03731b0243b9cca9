"""Pages of traceability: the one-screen lot trace (+ xlsx), the lot search by lot or supplier
lot number, and opening a recall case or a mock-recall drill from a lot."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from erp.core.access import require_perm
from erp.core.errors import DomainError
from erp.core.export import xlsx_bytes, xlsx_response
from erp.core.printing import pdf_response
from erp.core.record_views import style_form
from erp.trace.forms import LotSearchForm, RecallNoticeForm, RecallOpenForm
from erp.trace.models import RecallCase, RecallKind
from erp.trace.report import customers_of, graph_option, lot_trace
from erp.trace.selectors import lots_by_number, lots_of_delivery
from erp.trace.services.recalls import recall_notice_record, recall_open

VIEW_PERM = "trace.view_lottrace"
EXPORT_ROWS = 200_000  # the export has every row the screen cuts
PDF_ROWS = 1000  # a printed trace longer than this is read in the xlsx


def lot_trace_page(request, pk: int):
    """批次追溯: both trees, customers, suppliers and the mass balance on one screen."""
    require_perm(request.user, VIEW_PERM)
    if request.GET.get("export") == "xlsx":
        return _xlsx(lot_trace(pk, max_rows=EXPORT_ROWS))
    if request.GET.get("export") == "pdf":
        return _pdf(request, lot_trace(pk, max_rows=PDF_ROWS))
    trace = lot_trace(pk)  # NotFound (404) for an unknown lot
    return render(
        request,
        "trace/lot_trace.html",
        {
            "trace": trace,
            "lot": trace.lot,
            "graph": graph_option(trace),
            "can_open": request.user.has_perm("trace.add_recallcase"),
        },
    )


def _pdf(request, trace):
    return pdf_response(
        request,
        template_name="trace/print_trace.html",
        context={
            "trace": trace,
            "lot": trace.lot,
            "trees": [
                (trace.backward, _("Where it came from (backward)")),
                (trace.forward, _("Where it went (forward)")),
            ],
        },
        filename=f"{_('Lot trace')}-{trace.lot.number}.pdf",
    )


def _xlsx(trace):
    headers = [
        _("Direction"),
        pgettext_lazy("trace", "Level"),
        _("Lot"),
        _("Material"),
        _("Status"),
        _("Inspections"),
        _("Quantity linked"),
        _("Production order"),
        _("Document"),
        _("Partner"),
        _("Document quantity"),
        _("Received or produced"),
        _("Consumed"),
        _("Shipped"),
        _("Scrapped"),
        _("Adjusted"),
        _("On hand"),
        _("Difference"),
    ]
    rows = []
    for tree, label in ((trace.backward, _("Backward")), (trace.forward, _("Forward"))):
        for row in tree.rows:
            b = row.balance
            base = [
                str(label),
                row.level,
                row.lot.number,
                f"{row.lot.material.code} {row.lot.material.name}",
                row.lot.get_status_display(),
                "; ".join(f"{i.number} {i.kind} {i.result}" for i in row.inspections),
                row.quantity,
                str(row.via.number) if row.via else "",
            ]
            figures = [b.received, b.consumed, b.shipped, b.scrapped, b.adjusted, b.on_hand]
            rows.append([*base, "", "", None, *figures, b.difference])
            for d in row.docs:
                partner = f"{d.partner.code} {d.partner.name}" if d.partner else ""
                rows.append([*base, str(d.ref or ""), partner, d.quantity] + [None] * 7)
    body = xlsx_bytes(
        sheet_title=str(_("Lot trace")),
        headers=[str(h) for h in headers],
        rows=rows,
        title_rows=[f"{_('Lot trace')} {trace.lot.number}"],
    )
    return xlsx_response(body, f"{_('Lot trace')}-{trace.lot.number}.xlsx")


def lot_search(request):
    """Find a lot by its number, the supplier's lot number or the number of the delivery note
    that shipped it (a complaint names one of them); the delivery note page links here."""
    require_perm(request.user, VIEW_PERM)
    form = LotSearchForm(request.GET or None)
    found = []
    if form.is_valid():
        q = form.cleaned_data["q"]
        found = lots_by_number(q)
        found += [lot for lot in lots_of_delivery(q) if lot not in found]
        if len(found) == 1:
            return redirect("trace:lot_trace", pk=found[0].pk)
    style_form(form)
    return render(
        request, "trace/lot_search.html", {"form": form, "found": found, "searched": form.is_bound}
    )


def recall_new(request):
    """Open a recall case or start a mock recall from a lot (?lot=…&kind=drill preselects)."""
    require_perm(request.user, "trace.add_recallcase")
    initial = {"kind": request.GET.get("kind") or RecallKind.RECALL, "level": 2}
    if (request.GET.get("lot") or "").isdigit():
        initial["lot"] = int(request.GET["lot"])
    form = RecallOpenForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = recall_open(
                actor=request.user,
                lot_id=data["lot"].pk if data["lot"] else None,
                material_id=data["material"].pk if data["material"] else None,
                window_from=data["window_from"],
                window_to=data["window_to"],
                kind=data["kind"],
                level=data["level"],
                scope=data["scope"],
                reason=data["reason"],
                note=data["note"],
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_error(None, str(exc.message))
            status = exc.status
        else:
            messages.success(
                request,
                _("%(kind)s %(number)s opened: %(count)s lots affected.")
                % {
                    "kind": case.get_kind_display(),
                    "number": case.number,
                    "count": case.lines.count(),
                },
            )
            return redirect("trace:recallcase_detail", pk=case.pk)
    elif request.method == "POST":
        status = 400
    style_form(form)
    return render(request, "trace/recall_new.html", {"form": form}, status=status)


@require_POST
def recall_notice(request, pk: int):
    """Log a customer notice from the recall case page (通知记录)."""
    case = get_object_or_404(RecallCase, pk=pk)
    require_perm(request.user, "trace.notify_recallcase")
    customers = customers_of([ln.lot_id for ln in case.lines.all()])
    form = RecallNoticeForm(request.POST, customers=customers)
    if not form.is_valid():
        messages.error(request, _("Choose the customer and how they were told."))
        return redirect("trace:recallcase_detail", pk=pk)
    data = form.cleaned_data
    try:
        recall_notice_record(
            actor=request.user,
            doc_id=pk,
            customer_id=data["customer"],
            channel=data["channel"],
            contact=data["contact"],
            note=data["note"],
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Notice recorded."))
    return redirect("trace:recallcase_detail", pk=pk)

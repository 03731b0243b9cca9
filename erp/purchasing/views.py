"""Pages of their own: push-down (下推) actions, the GR/IR (应付暂估) report, price history and
supplier performance (供应商绩效)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp.core.access import require_perm
from erp.core.errors import DomainError
from erp.core.export import xlsx_bytes, xlsx_response
from erp.purchasing import forms, selectors, selectors_performance
from erp.purchasing.services import invoices, receipts, requisitions, returns


def _push(request, make, back: str, back_pk, target: str):
    """Run a push-down service; open the new draft's edit page, or go back with the error."""
    try:
        doc = make()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back, back_pk)
    return redirect(target, doc.pk)


@require_POST
def order_receive(request, pk: int):
    return _push(
        request,
        lambda: receipts.goods_receipt_from_order(actor=request.user, order_id=pk),
        "purchasing:purchaseorder_detail",
        pk,
        "purchasing:goodsreceipt_edit",
    )


@require_POST
def receipt_invoice(request, pk: int):
    return _push(
        request,
        lambda: invoices.purchase_invoice_from_receipt(actor=request.user, receipt_id=pk),
        "purchasing:goodsreceipt_detail",
        pk,
        "purchasing:purchaseinvoice_edit",
    )


@require_POST
def receipt_return(request, pk: int):
    return _push(
        request,
        lambda: returns.purchase_return_from_receipt(actor=request.user, receipt_id=pk),
        "purchasing:goodsreceipt_detail",
        pk,
        "purchasing:purchasereturn_edit",
    )


@require_POST
def requisition_order(request, pk: int):
    """下推: the approved requisition's open lines into draft orders (one per supplier)."""
    try:
        made = requisitions.orders_from_requisition(actor=request.user, requisition_id=pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("purchasing:purchaserequisition_detail", pk)
    if len(made) == 1:
        return redirect("purchasing:purchaseorder_edit", made[0].pk)
    return redirect("purchasing:purchaseorder_list")


@require_POST
def reorder_proposal(request):
    """The 采购员's button: a draft requisition of every material below its reorder point."""
    try:
        doc = requisitions.requisition_from_reorder(actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("purchasing:purchaserequisition_list")
    return redirect("purchasing:purchaserequisition_edit", doc.pk)


def grir_report(request):
    require_perm(request.user, "purchasing.view_goodsreceipt")
    return render(request, "purchasing/grir_report.html", {"report": selectors.grir_report()})


def price_history(request):
    """供应商价格历史: price lists and ordered prices of a supplier and/or material."""
    require_perm(request.user, "purchasing.view_supplierprice")
    form = forms.HistoryFilterForm(request.GET or None)
    history = None
    if form.is_valid() and (form.cleaned_data["supplier"] or form.cleaned_data["material"]):
        supplier, material = form.cleaned_data["supplier"], form.cleaned_data["material"]
        history = selectors.price_history(
            supplier_id=supplier.pk if supplier else None,
            material_id=material.pk if material else None,
        )
    return render(request, "purchasing/price_history.html", {"form": form, "history": history})


def _performance_table(rows) -> tuple[list, list[list]]:
    headers = [
        _("Supplier"),
        _("Dated receipt lines"),
        _("On time (%)"),
        _("Settled order lines"),
        _("Quantity accuracy (%)"),
        _("Lots received"),
        _("Lots rejected"),
        _("Rejection rate (%)"),
        _("GR/IR cleared"),
        _("Price variance"),
        _("Price variance (%)"),
    ]
    body = [
        [
            f"{r.supplier.code} {r.supplier.name}",
            r.lines_dated,
            r.on_time_pct,
            r.lines_settled,
            r.accuracy_pct,
            r.lots,
            r.lots_rejected,
            r.rejection_pct,
            r.grir_invoiced,
            r.variance,
            r.variance_pct,
        ]
        for r in rows
    ]
    return headers, body


def _performance_chart(rows) -> dict:
    def series(name, values):
        data = [str(v) if v is not None else None for v in values]
        return {"name": name, "type": "bar", "data": data}

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 36, "bottom": 30},
        "xAxis": {"type": "category", "data": [r.supplier.code for r in rows]},
        "yAxis": {"type": "value", "name": "%"},
        "series": [
            series(_("On time (%)"), [r.on_time_pct for r in rows]),
            series(_("Quantity accuracy (%)"), [r.accuracy_pct for r in rows]),
            series(_("Rejection rate (%)"), [r.rejection_pct for r in rows]),
        ],
    }


def supplier_performance(request):
    """供应商绩效: per supplier and period, table + chart, xlsx export."""
    require_perm(request.user, "purchasing.view_purchaseorder")
    form = forms.PerformanceForm(request.GET or None)
    date_from, date_to = form.period()
    rows = selectors_performance.supplier_performance(date_from, date_to)
    headers, body = _performance_table(rows)
    if request.GET.get("export") == "xlsx":
        title = _("Supplier performance")
        period = f"{date_from:%Y-%m-%d} ~ {date_to:%Y-%m-%d}"
        data = xlsx_bytes(
            sheet_title=title,
            headers=headers,
            rows=body,
            title_rows=[title, period],
            amount_columns=(8, 9),
        )
        return xlsx_response(data, f"{title} {period}.xlsx")
    context = {
        "form": form,
        "date_from": date_from,
        "date_to": date_to,
        "headers": headers,
        "body": body,
        "chart": _performance_chart(rows) if rows else None,
        "params": request.GET.urlencode(),
    }
    return render(request, "purchasing/supplier_performance.html", context)

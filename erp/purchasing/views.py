"""Pages of their own: push-down (下推) actions and the GR/IR (应付暂估) report."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from erp.core.access import require_perm
from erp.core.errors import DomainError
from erp.purchasing import forms, selectors
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

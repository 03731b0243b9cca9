"""Pages of their own: push-down (下推) actions and the GR/IR (应付暂估) report."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from erp.core.access import require_perm
from erp.core.errors import DomainError
from erp.purchasing import selectors
from erp.purchasing.services import invoices, receipts, returns


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


def grir_report(request):
    require_perm(request.user, "purchasing.view_goodsreceipt")
    return render(request, "purchasing/grir_report.html", {"report": selectors.grir_report()})

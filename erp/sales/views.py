"""下推 (push-down) buttons: an approved order → a draft delivery of what is left; a posted
delivery → a draft invoice of what is not invoiced, or a draft return. Each opens the new
draft's edit page, where quantities and lots can be changed before saving."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from erp.core.errors import DomainError
from erp.masterdata.models import Warehouse
from erp.sales.models import DeliveryNote, SalesOrder
from erp.sales.services.deliveries import delivery_note_create
from erp.sales.services.invoices import sales_invoice_create
from erp.sales.services.returns import sales_return_create


def _warehouse_for(order: SalesOrder) -> Warehouse | None:
    """The default warehouse of the first line's material, else the first active one."""
    line = order.lines.select_related("material").order_by("line_no").first()
    if line is not None and line.material.default_warehouse_id:
        return line.material.default_warehouse
    return Warehouse.objects.filter(active=True).order_by("code").first()


def _pushed(request, create, back: str, back_pk: int, edit: str):
    try:
        doc = create()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back, back_pk)
    messages.success(request, _("Draft %(doc)s created. Check it and save.") % {"doc": doc})
    return redirect(edit, doc.pk)


@login_required
@require_POST
def order_deliver(request, pk: int):
    order = get_object_or_404(SalesOrder, pk=pk)
    warehouse = _warehouse_for(order)
    return _pushed(
        request,
        lambda: delivery_note_create(
            actor=request.user,
            header={
                "order_id": order.pk,
                "warehouse_id": warehouse.pk if warehouse else None,
                "date": timezone.localdate(),
            },
            lines=[],
        ),
        "sales:salesorder_detail",
        pk,
        "sales:deliverynote_edit",
    )


@login_required
@require_POST
def delivery_invoice(request, pk: int):
    note = get_object_or_404(DeliveryNote, pk=pk)
    customer = note.customer
    kind = "special" if customer.uscc and customer.invoice_title else "ordinary"
    return _pushed(
        request,
        lambda: sales_invoice_create(
            actor=request.user,
            header={"delivery_id": note.pk, "date": timezone.localdate(), "fapiao_type": kind},
            lines=[],
        ),
        "sales:deliverynote_detail",
        pk,
        "sales:salesinvoice_edit",
    )


@login_required
@require_POST
def delivery_return(request, pk: int):
    note = get_object_or_404(DeliveryNote, pk=pk)
    return _pushed(
        request,
        lambda: sales_return_create(
            actor=request.user,
            header={"delivery_id": note.pk, "date": timezone.localdate()},
            lines=[
                {"delivery_line_id": x.pk, "quantity": x.quantity - x.returned_qty}
                for x in note.lines.all()
                if x.quantity > x.returned_qty
            ][:1],
        ),
        "sales:deliverynote_detail",
        pk,
        "sales:salesreturn_edit",
    )

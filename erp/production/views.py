"""Own pages besides the kit: copy a formula to a new version, return material to stock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erp.core.errors import DomainError
from erp.production.services import formulas, orders


@login_required
@require_POST
def formula_copy(request, pk):
    try:
        copy = formulas.formula_copy(actor=request.user, doc_id=pk)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
        return redirect("production:formula_detail", pk=pk)
    messages.success(request, _("New draft version %(v)s created.") % {"v": copy.formula_version})
    return redirect("production:formula_edit", pk=copy.pk)


@login_required
@require_POST
def order_return(request, pk):
    try:
        orders.production_order_return(
            actor=request.user,
            doc_id=pk,
            move_id=request.POST.get("move_id"),
            quantity=request.POST.get("quantity", ""),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Material returned to stock."))
    return redirect("production:productionorder_detail", pk=pk)

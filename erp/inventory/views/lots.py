"""Lot status change (批次状态变更) as an action page with a reason."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from erp.core.errors import DomainError
from erp.core.record_views import style_form
from erp.inventory.forms import LotStatusForm
from erp.inventory.models import LotStatusChange
from erp.inventory.services.lots import lot_status_change, lot_status_require_perm


class LotStatusPage(View):
    template_name = "inventory/lot_status.html"

    def get(self, request):
        lot_status_require_perm(request.user)
        form = LotStatusForm(initial={"lot": request.GET.get("lot")})
        return self._render(request, form)

    def post(self, request):
        lot_status_require_perm(request.user)
        form = LotStatusForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        try:
            lot = lot_status_change(
                actor=request.user,
                lot_id=data["lot"].pk,
                status=data["status"],
                reason=data["reason"],
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            form.add_error(None, str(exc.message))
            return self._render(request, form, status=exc.status)
        messages.success(
            request,
            _("Lot %(lot)s is now %(status)s.")
            % {"lot": lot.number, "status": lot.get_status_display()},
        )
        return redirect("inventory:lot_status")

    def _render(self, request, form, status=200):
        style_form(form)
        recent = LotStatusChange.objects.select_related("lot", "lot__material", "actor").order_by(
            "-pk"
        )[:20]
        return render(request, self.template_name, {"form": form, "recent": recent}, status=status)

"""The picker endpoint: GET /masterdata/pick/<kind>/?q=... → up to 20 active records as
options (code, name, specification) for the picker widget."""

from django.http import Http404
from django.shortcuts import render
from django.views import View

from erp.core.access import require_perm
from erp.masterdata.selectors_pickers import PICKERS, picker_search


class PickerOptions(View):
    def get(self, request, kind: str):
        spec = PICKERS.get(kind)
        if spec is None:
            raise Http404
        require_perm(request.user, spec.view_permission)
        options = picker_search(kind, request.GET.get("q", ""))
        return render(request, "masterdata/pickers/options.html", {"options": options})

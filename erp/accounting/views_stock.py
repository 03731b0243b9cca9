"""Stock ↔ books pages: the vouchers of a source document (a fragment the inventory document
pages load with htmx, 单据联查)."""

from django.shortcuts import render

from erp.accounting.selectors_stock import vouchers_of_source
from erp.core.access import has_perm


def source_vouchers(request):
    """Vouchers of ?type=&id=; empty for users who may not see vouchers."""
    if not has_perm(request.user, "accounting.view_voucher"):
        return render(request, "accounting/_source_vouchers.html", {"allowed": False})
    source_type, source_id = request.GET.get("type", ""), request.GET.get("id", "")
    vouchers = vouchers_of_source(source_type, source_id) if source_type and source_id else []
    return render(
        request, "accounting/_source_vouchers.html", {"allowed": True, "vouchers": vouchers}
    )

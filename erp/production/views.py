"""Own pages besides the kit: copy a formula to a new version, return material to stock,
where a material is used (配方反查), two formula versions side by side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erp.core.access import require_perm
from erp.core.errors import DomainError
from erp.masterdata.models import Material
from erp.production import selectors
from erp.production.models import Formula
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


@login_required
@require_GET
def material_where_used(request, pk):
    require_perm(request.user, "production.view_formula")
    material = get_object_or_404(Material, pk=pk)
    return render(
        request,
        "production/where_used.html",
        {"material": material, "rows": selectors.formulas_using(material)},
    )


@login_required
@require_GET
def formula_diff(request, pk):
    """This version (left) against another version of the product (`?other=`, default the
    previous one), lines added, removed and changed."""
    require_perm(request.user, "production.view_formula")
    left = get_object_or_404(Formula.objects.select_related("product"), pk=pk)
    versions = selectors.formula_versions(left)
    right = _other_version(request.GET.get("other"), left, versions)
    return render(
        request,
        "production/formula_diff.html",
        {
            "left": left,
            "right": right,
            "versions": versions,
            "rows": selectors.formula_diff(left, right) if right else [],
        },
    )


def _other_version(raw, left, versions):
    if raw and raw.isdigit():
        return next((f for f in versions if f.pk == int(raw)), None)
    older = [f for f in versions if f.formula_version < left.formula_version]
    return (older or versions or [None])[0]

"""Stock count pages: create the scope, freeze, enter counts on a phone, review, post."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from erp.core.access import require_perm
from erp.core.errors import DomainError, NotFound
from erp.core.printing import pdf_response
from erp.core.record_views import style_form
from erp.core.selectors import audit_events_for, audit_rows
from erp.inventory.forms import FoundStockForm, StockCountForm
from erp.inventory.lists_documents import STOCK_COUNTS
from erp.inventory.models import StockCount
from erp.inventory.services.count_found import stock_count_line_add
from erp.inventory.services.counts import (
    MACHINE,
    count_book_visible,
    line_within_tolerance,
    stock_count_cancel,
    stock_count_create,
    stock_count_enter,
    stock_count_freeze,
    stock_count_post,
    stock_count_update,
    variance_value,
)

ACTIONS = {"freeze": stock_count_freeze, "post": stock_count_post, "cancel": stock_count_cancel}


def count_get(pk: int) -> StockCount:
    count = StockCount.objects.select_related("warehouse", "created_by").filter(pk=pk).first()
    if count is None:
        raise NotFound()
    return count


def count_rows(count: StockCount, *, show_book: bool = True) -> list[dict]:
    """One row per line; without `show_book` (a blind count seen by a counter) the book
    quantity and everything derived from it (variance, value, tolerance) are left out."""
    lines = count.lines.select_related("material", "material__base_unit", "location", "lot")
    return [
        {
            "line": ln,
            "counted": ln.counted_quantity,
            "book": ln.book_quantity if show_book else None,
            "variance": ln.variance if show_book else None,
            "value": variance_value(ln) if show_book else None,
            "within": show_book
            and ln.counted_quantity is not None
            and line_within_tolerance(ln, count.tolerance_percent),
        }
        for ln in lines
    ]


class CountFormPage(View):
    template_name = "inventory/count_form.html"

    def get(self, request, pk=None):
        count = self._target(request, pk)
        initial = {"date": timezone.localdate(), "tolerance_percent": 0}
        if count:
            initial = {
                "date": count.date,
                "warehouse": count.warehouse_id,
                "locations": list(count.locations.all()),
                "categories": list(count.categories.all()),
                "blind": count.blind,
                "tolerance_percent": count.tolerance_percent,
                "note": count.note,
            }
        return self._render(request, count, StockCountForm(initial=initial))

    def post(self, request, pk=None):
        count = self._target(request, pk)
        form = StockCountForm(request.POST)
        if not form.is_valid():
            return self._render(request, count, form, status=400)
        try:
            if count is None:
                count = stock_count_create(actor=request.user, header=form.as_header())
            else:
                count = stock_count_update(
                    actor=request.user, count_id=count.pk, header=form.as_header()
                )
        except DomainError as exc:
            if exc.status == 403:
                raise
            form.add_error(None, str(exc.message))
            return self._render(request, count, form, status=exc.status)
        messages.success(request, _("Saved."))
        return redirect("inventory:stockcount_detail", pk=count.pk)

    def _target(self, request, pk):
        if pk is None:
            require_perm(request.user, "inventory.add_stockcount")
            return None
        require_perm(request.user, "inventory.change_stockcount")
        return count_get(pk)

    def _render(self, request, count, form, status=200):
        style_form(form)
        wide = {"locations", "categories", "note"}
        context = {
            "config": STOCK_COUNTS,
            "list_url": reverse("inventory:stockcount_list"),
            "doc": count,
            "form": form,
            "form_sections": [(_("Scope"), [(f, f.name in wide) for f in form])],
            "cancel_url": reverse("inventory:stockcount_detail", args=[count.pk])
            if count
            else reverse("inventory:stockcount_list"),
        }
        return render(request, self.template_name, context, status=status)


class CountDetailPage(View):
    def get(self, request, pk):
        require_perm(request.user, "inventory.view_stockcount")
        count = count_get(pk)
        show_book = count_book_visible(request.user, count)
        rows = count_rows(count, show_book=show_book)
        context = {
            "config": STOCK_COUNTS,
            "list_url": reverse("inventory:stockcount_list"),
            "doc": count,
            "rows": rows,
            "show_book": show_book,
            "counted": sum(1 for r in rows if r["line"].counted_quantity is not None),
            "variance_total": sum((r["value"] for r in rows if r["value"]), start=0),
            "actions": MACHINE.allowed_for(request.user, count.state),
            "can_edit": count.state == "draft"
            and request.user.has_perm("inventory.change_stockcount"),
            "can_count": count.state == "counting"
            and request.user.has_perm("inventory.count_stockcount"),
            "locations": list(count.locations.all()),
            "categories": list(count.categories.all()),
            "audit_rows": audit_rows(audit_events_for(count)),
        }
        return render(request, "inventory/count_detail.html", context)


class CountEntryPage(View):
    """Phone page: one card per line, big numeric inputs; blind counts hide book quantities."""

    def get(self, request, pk):
        require_perm(request.user, "inventory.count_stockcount")
        return self._render(request, count_get(pk))

    def post(self, request, pk):
        require_perm(request.user, "inventory.count_stockcount")
        count = count_get(pk)
        counts = {
            int(key.removeprefix("line-")): value
            for key, value in request.POST.items()
            if key.startswith("line-") and key.removeprefix("line-").isdigit()
        }
        try:
            stock_count_enter(actor=request.user, count_id=count.pk, counts=counts)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
            return self._render(request, count, posted=request.POST, status=exc.status)
        messages.success(request, _("Counts saved."))
        return redirect("inventory:stockcount_entry", pk=count.pk)

    def _render(self, request, count, posted=None, status=200, found_form=None):
        show_book = count_book_visible(request.user, count)
        rows = count_rows(count, show_book=show_book)
        if posted is not None:
            for row in rows:
                row["entered"] = posted.get(f"line-{row['line'].pk}", "")
        found_form = found_form or FoundStockForm(count=count, prefix="found")
        style_form(found_form)
        context = {"doc": count, "rows": rows, "show_book": show_book, "found_form": found_form}
        return render(request, "inventory/count_entry.html", context, status=status)


class CountFoundStockPage(CountEntryPage):
    """POST from the entry page: a line for stock the snapshot does not list (book 0)."""

    def get(self, request, pk):
        return redirect("inventory:stockcount_entry", pk=pk)

    def post(self, request, pk):
        require_perm(request.user, "inventory.count_stockcount")
        count = count_get(pk)
        form = FoundStockForm(request.POST, count=count, prefix="found")
        if not form.is_valid():
            return self._render(request, count, status=400, found_form=form)
        try:
            line = stock_count_line_add(actor=request.user, count_id=count.pk, **form.as_line())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            form.add_error(None, str(exc.message))
            return self._render(request, count, status=exc.status, found_form=form)
        messages.success(
            request, _("Line %(no)s added for the stock found.") % {"no": line.line_no}
        )
        return redirect("inventory:stockcount_entry", pk=count.pk)


class CountActionPage(View):
    def post(self, request, pk, action):
        service = ACTIONS.get(action)
        if service is None:
            raise NotFound()
        try:
            count = service(actor=request.user, count_id=pk)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(doc)s: %(state)s.")
                % {"doc": count.reference, "state": count.get_state_display()},
            )
        return redirect("inventory:stockcount_detail", pk=pk)


class CountPrintPage(View):
    def get(self, request, pk):
        require_perm(request.user, "inventory.view_stockcount")
        count = count_get(pk)
        # The sheet of a blind count is handed to the counters: before posting it never
        # prints book quantities; afterwards holders of the permission get the variances.
        show_book = count_book_visible(request.user, count) and (
            not count.blind or count.state == "posted"
        )
        return pdf_response(
            request,
            template_name="inventory/print/count.html",
            context={
                "doc": count,
                "rows": count_rows(count, show_book=show_book),
                "show_book": show_book,
                "title": _("Stock count sheet"),
            },
            filename=f"{_('Stock count')}-{count.reference}.pdf",
        )

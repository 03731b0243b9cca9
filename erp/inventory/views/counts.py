"""Stock count pages of their own: counting on a phone (the entry page) and adding stock the
snapshot does not list. The list, scope form, detail, transitions and print come from the
document kit (erp/inventory/kit.py); `count_detail_extra` and `count_print_context` give them
the blind-count rules."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from erp.core.access import require_perm
from erp.core.errors import DomainError, NotFound
from erp.core.record_views import style_form
from erp.inventory.forms import FoundStockForm
from erp.inventory.models import StockCount
from erp.inventory.services.count_found import stock_count_line_add
from erp.inventory.services.counts import (
    count_book_visible,
    line_within_tolerance,
    stock_count_enter,
    variance_value,
)


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


def count_detail_extra(request, count, lines) -> dict:
    """Variances (or, on a blind count seen by a counter, counted quantities only)."""
    show_book = count_book_visible(request.user, count)
    rows = count_rows(count, show_book=show_book)
    return {
        "rows": rows,
        "show_book": show_book,
        "counted": sum(1 for r in rows if r["line"].counted_quantity is not None),
        "variance_total": sum((r["value"] for r in rows if r["value"]), start=0),
        "can_count": count.state == "counting"
        and request.user.has_perm("inventory.count_stockcount"),
        "locations": list(count.locations.all()),
        "categories": list(count.categories.all()),
    }


def count_print_context(request, count) -> dict:
    # The sheet of a blind count is handed to the counters: before posting it never
    # prints book quantities; afterwards holders of the permission get the variances.
    show_book = count_book_visible(request.user, count) and (
        not count.blind or count.state == "posted"
    )
    return {
        "rows": count_rows(count, show_book=show_book),
        "show_book": show_book,
        "title": _("Stock count sheet"),
    }


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

"""The generic list page view (see erp.core.listing)."""

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from erp.core.access import require_perm
from erp.core.export import xlsx_bytes, xlsx_response
from erp.core.listing import PAGE_SIZES, ListConfig, export_rows, list_page, list_query, list_totals


class ListPage(View):
    config: ListConfig = None  # type: ignore[assignment]
    template_name = "core/list.html"
    table_template_name = "core/_list_table.html"

    def get(self, request):
        config = self.config
        require_perm(request.user, config.permission)
        query = list_query(config, request.user, request.GET)
        if request.GET.get("export") == "xlsx":
            return self.export(request, query)
        page = list_page(query, request.GET.get("page"))
        if config.rows_hook:
            page.object_list = list(page.object_list)
            config.rows_hook(page.object_list)
        context = {
            "config": config,
            "columns": config.visible_columns(),
            "rows": [
                (obj, config.detail_url(obj), [c.cell(obj) for c in config.visible_columns()])
                for obj in page.object_list
            ],
            "page": page,
            "query": query,
            "totals": list_totals(config, query.queryset),
            "page_sizes": PAGE_SIZES,
            "params": request.GET.copy(),
            "can_create": bool(config.create_url_name)
            and request.user.has_perm(config.create_permission or config.permission),
        }
        template = self.table_template_name if request.htmx else self.template_name
        return render(request, template, context)

    def export(self, request, query):
        config = self.config
        qs = query.queryset
        ids = [i for i in request.GET.getlist("id") if i.isdigit()]
        if ids:
            qs = qs.filter(pk__in=ids)
        body = xlsx_bytes(
            sheet_title=str(config.title),
            headers=[str(c.label) for c in config.columns],
            rows=export_rows(config, qs),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(body, f"{config.export_name}-{stamp}.xlsx")

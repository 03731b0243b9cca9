from django.urls import path

from erp.core.list_views import ListPage
from erp.inventory.lists_documents import LISTS
from erp.inventory.views import counts, documents, lots

app_name = "inventory"

# other receipts, other issues, transfers, scrap: the same pages for each kind
SLUGS = {
    "otherreceipt": "other-receipts",
    "otherissue": "other-issues",
    "transfer": "transfers",
    "scrap": "scraps",
}


def _document_paths(kind: str, slug: str) -> list:
    return [
        path(f"{slug}/", ListPage.as_view(config=LISTS[kind]), name=f"{kind}_list"),
        path(f"{slug}/new/", documents.DocumentFormPage.as_view(kind=kind), name=f"{kind}_create"),
        path(f"{slug}/row/", documents.LineRowPage.as_view(kind=kind), name=f"{kind}_row"),
        path(
            f"{slug}/<int:pk>/",
            documents.DocumentDetailPage.as_view(kind=kind),
            name=f"{kind}_detail",
        ),
        path(
            f"{slug}/<int:pk>/edit/",
            documents.DocumentFormPage.as_view(kind=kind),
            name=f"{kind}_edit",
        ),
        path(
            f"{slug}/<int:pk>/print/",
            documents.DocumentPrintPage.as_view(kind=kind),
            name=f"{kind}_print",
        ),
        path(
            f"{slug}/<int:pk>/<slug:action>/",
            documents.DocumentActionPage.as_view(kind=kind),
            name=f"{kind}_action",
        ),
    ]


urlpatterns = [p for kind, slug in SLUGS.items() for p in _document_paths(kind, slug)]
urlpatterns += [
    path("stock-counts/", ListPage.as_view(config=LISTS["stockcount"]), name="stockcount_list"),
    path("stock-counts/new/", counts.CountFormPage.as_view(), name="stockcount_create"),
    path("stock-counts/<int:pk>/", counts.CountDetailPage.as_view(), name="stockcount_detail"),
    path("stock-counts/<int:pk>/edit/", counts.CountFormPage.as_view(), name="stockcount_edit"),
    path("stock-counts/<int:pk>/count/", counts.CountEntryPage.as_view(), name="stockcount_entry"),
    path(
        "stock-counts/<int:pk>/found/",
        counts.CountFoundStockPage.as_view(),
        name="stockcount_found",
    ),
    path("stock-counts/<int:pk>/print/", counts.CountPrintPage.as_view(), name="stockcount_print"),
    path(
        "stock-counts/<int:pk>/<slug:action>/",
        counts.CountActionPage.as_view(),
        name="stockcount_action",
    ),
    path("lot-status/", lots.LotStatusPage.as_view(), name="lot_status"),
]

# Inventory screens and reports (views_reports.py, lists_reports.py).
from erp.inventory import lists_reports, views_reports  # noqa: E402

urlpatterns += [
    path("stock/", ListPage.as_view(config=lists_reports.BALANCES), name="stock_on_hand"),
    path("lots/", ListPage.as_view(config=lists_reports.LOTS_EXPIRING), name="lots_expiring"),
    path("lots/<int:pk>/", views_reports.lot_trace, name="lot_trace"),
    path("reports/on-hand/", views_reports.OnHandReport.as_view(), name="report_on_hand"),
    path("reports/ledger/", views_reports.LedgerReport.as_view(), name="report_ledger"),
    path("reports/slow-movers/", views_reports.SlowMoversReport.as_view(), name="report_slow"),
    path("reports/accuracy/", views_reports.AccuracyReport.as_view(), name="report_accuracy"),
    path("reports/turnover/", views_reports.TurnoverReport.as_view(), name="report_turnover"),
]

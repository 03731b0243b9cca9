from django.urls import path

from erp.core.doc_kit.urls import kit_urlpatterns
from erp.core.list_views import ListPage
from erp.inventory.lists_documents import LISTS
from erp.inventory.views import counts, lots

app_name = "inventory"

# other receipts, other issues, transfers, scrap: declared in erp/inventory/kit.py
urlpatterns = kit_urlpatterns("inventory")
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

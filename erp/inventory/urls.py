from django.urls import path

from erp.core.doc_kit.urls import kit_urlpatterns
from erp.core.list_views import ListPage
from erp.inventory.views import counts, lots

app_name = "inventory"

# The stock count's own pages come first: "<pk>/count/" is not a transition.
urlpatterns = [
    path("stock-counts/<int:pk>/count/", counts.CountEntryPage.as_view(), name="stockcount_entry"),
    path(
        "stock-counts/<int:pk>/found/",
        counts.CountFoundStockPage.as_view(),
        name="stockcount_found",
    ),
    path("lot-status/", lots.LotStatusPage.as_view(), name="lot_status"),
]
# other receipts, other issues, transfers, scrap, stock counts: declared in kit.py
urlpatterns += kit_urlpatterns("inventory")

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

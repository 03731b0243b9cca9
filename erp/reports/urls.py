from django.urls import path

from erp.reports import views, views_builder, views_daily

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sales/", views.SalesAnalysis.as_view(), name="sales"),
    path("profit/", views.ProfitAnalysis.as_view(), name="profit"),
    path("stock/", views.StockAnalysis.as_view(), name="stock"),
    path("purchasing/", views.PurchaseAnalysis.as_view(), name="purchasing"),
    path("production/", views.ProductionAnalysis.as_view(), name="production"),
    path("drill/<slug:kind>/", views.drill, name="drill"),
    path("builder/", views_builder.builder_page, name="builder"),
    path("builder/save/", views_builder.saved_report_save_view, name="saved_save"),
    path("builder/<int:pk>/", views_builder.saved_report_open, name="saved_open"),
    path("builder/<int:pk>/delete/", views_builder.saved_report_delete_view, name="saved_delete"),
    path("daily/", views_daily.daily_page, name="daily"),
]

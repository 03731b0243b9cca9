from django.urls import path

from erp.core.doc_kit.urls import kit_urlpatterns
from erp.purchasing import views

app_name = "purchasing"
urlpatterns = [
    path("orders/<int:pk>/receive/", views.order_receive, name="order_receive"),
    path("receipts/<int:pk>/invoice/", views.receipt_invoice, name="receipt_invoice"),
    path("receipts/<int:pk>/return/", views.receipt_return, name="receipt_return"),
    path("grir/", views.grir_report, name="grir_report"),
    path("prices/history/", views.price_history, name="price_history"),
    path("performance/", views.supplier_performance, name="supplier_performance"),
    path("requisitions/<int:pk>/order/", views.requisition_order, name="requisition_order"),
    path("requisitions/reorder/", views.reorder_proposal, name="reorder_proposal"),
    *kit_urlpatterns("purchasing"),
]

from django.urls import path

from erp.core.doc_kit.urls import kit_urlpatterns
from erp.sales import views

app_name = "sales"

# 下推 (push-down) actions come before the kit's "<pk>/<action>/" routes.
urlpatterns = [
    path("orders/<int:pk>/deliver/", views.order_deliver, name="order_deliver"),
    path("deliveries/<int:pk>/invoice/", views.delivery_invoice, name="delivery_invoice"),
    path("deliveries/<int:pk>/return/", views.delivery_return, name="delivery_return"),
    *kit_urlpatterns("sales"),
]

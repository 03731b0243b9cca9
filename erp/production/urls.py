from django.urls import path

from erp.core.doc_kit.urls import kit_urlpatterns
from erp.production import views

app_name = "production"
urlpatterns = [
    path("formulas/<int:pk>/new-version/", views.formula_copy, name="formula_copy"),
    path("orders/<int:pk>/return/", views.order_return, name="order_return"),
    *kit_urlpatterns("production"),
]

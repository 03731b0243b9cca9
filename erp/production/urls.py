from django.urls import path

from erp.core.doc_kit.urls import kit_urlpatterns
from erp.production import views

app_name = "production"
urlpatterns = [
    path("formulas/<int:pk>/new-version/", views.formula_copy, name="formula_copy"),
    path("orders/<int:pk>/return/", views.order_return, name="order_return"),
    path("formulas/<int:pk>/diff/", views.formula_diff, name="formula_diff"),
    path("materials/<int:pk>/where-used/", views.material_where_used, name="where_used"),
    *kit_urlpatterns("production"),
]

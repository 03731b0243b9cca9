from django.urls import path

from erp.core.doc_kit.urls import kit_urlpatterns
from erp.trace import views

app_name = "trace"
urlpatterns = [
    path("lots/", views.lot_search, name="lot_search"),
    path("lots/<int:pk>/", views.lot_trace_page, name="lot_trace"),
    path("recalls/<int:pk>/notices/", views.recall_notice, name="recall_notice"),
    *kit_urlpatterns("trace"),
]

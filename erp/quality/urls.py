from django.urls import path

from erp.core.doc_kit.urls import kit_urlpatterns
from erp.quality import views

app_name = "quality"
urlpatterns = [
    # Before the kit's routes: its "<pk>/<action>/" would take "apply-plan/".
    path(
        "inspection-lots/<int:pk>/apply-plan/",
        views.plan_apply,
        name="inspectionlot_plan_apply",
    ),
    path("report/", views.quality_report, name="report"),
    path("retest/", views.retest_request, name="retest"),
    path("due/", views.due_list, name="due"),
    *kit_urlpatterns("quality"),
]

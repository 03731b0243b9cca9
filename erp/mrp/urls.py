from django.urls import path

from erp.mrp import views

app_name = "mrp"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("status/", views.run_status, name="run_status"),
    path("run/", views.run_start, name="run_start"),
    path("firm/", views.firm, name="firm"),
    path("exceptions/", views.exception_list, name="exception_list"),
    path(
        "runs/<int:run_pk>/materials/<int:material_pk>/",
        views.material_detail,
        name="material_detail",
    ),
    path("forecasts/", views.ForecastList.as_view(), name="forecast_list"),
    path("parameters/", views.parameter_list, name="parameter_list"),
    path("parameters/<int:material_pk>/", views.parameter_edit, name="parameter_edit"),
]

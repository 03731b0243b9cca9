from django.urls import path

from erp.core import views_settings as views

app_name = "core_settings"
urlpatterns = [
    path("numbering/", views.numbering_list, name="numbering_list"),
    path("numbering/new/", views.numbering_create, name="numbering_create"),
    path("numbering/preview/", views.numbering_preview, name="numbering_preview"),
    path("numbering/<int:rule_id>/", views.numbering_edit, name="numbering_edit"),
    path("audit/", views.audit_log, name="audit_log"),
]

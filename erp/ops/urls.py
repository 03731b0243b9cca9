from django.urls import path

from erp.ops import views

app_name = "ops"

urlpatterns = [
    path("status/", views.status, name="status"),
    path("backups/run/", views.backup_run, name="backup_run"),
    path("backups/<int:record_id>/verify/", views.backup_verify_run, name="backup_verify"),
    path("schedule/", views.schedule_edit, name="schedule"),
]

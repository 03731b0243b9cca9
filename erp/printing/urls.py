from django.urls import path

from erp.printing import views

app_name = "printing"
urlpatterns = [
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/import/", views.template_import, name="template_import"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/check/", views.template_check, name="template_check"),
    path("templates/<int:pk>/preview/", views.template_preview, name="template_preview"),
    path("templates/<int:pk>/versions/", views.template_versions, name="template_versions"),
    path("templates/<int:pk>/diff/", views.version_diff, name="version_diff"),
    path("templates/<int:pk>/default/", views.template_make_default, name="template_default"),
    path("templates/<int:pk>/export/", views.template_export, name="template_export"),
    path("versions/<int:pk>/preview/", views.version_preview, name="version_preview"),
    path("versions/<int:pk>/activate/", views.version_activate, name="version_activate"),
    path("versions/<int:pk>/restore/", views.version_restore, name="version_restore"),
    path("images/", views.assets, name="assets"),
    path("log/", views.print_log, name="log"),
]

"""Import URLs. Each import type also gets argument-free names for list pages
(ListConfig.import_url_name / template_url_name reverse without arguments):
golive:import_<key> (upload), golive:template_<key>, golive:export_<key>, where <key> is the
spec key with dots as underscores, e.g. golive:import_masterdata_material."""

from django.urls import path

from erp.golive import views, views_cockpit, views_setup
from erp.golive.importing.spec import all_specs

app_name = "golive"
urlpatterns = [
    path("setup/", views_setup.setup_wizard, name="setup"),
    path("cockpit/", views_cockpit.cockpit, name="cockpit"),
    path("cockpit/go-live-date/", views_cockpit.go_live_date, name="go_live_date"),
    path("cockpit/lock/", views_cockpit.lock, name="cutover_lock"),
    path("cockpit/unlock-request/", views_cockpit.unlock_request, name="cutover_unlock_request"),
    path("cockpit/unlock-approve/", views_cockpit.unlock_approve, name="cutover_unlock_approve"),
    path("cockpit/mark/<slug:code>/", views_cockpit.mark, name="checklist_mark"),
    path("import/", views.import_hub, name="import_hub"),
    path("logs/", views.log_list, name="log_list"),
    path("logs/<int:log_id>/", views.log_detail, name="log_detail"),
    path("logs/<int:log_id>/confirm/", views.log_confirm, name="log_confirm"),
]
for _spec in all_specs():
    _kwargs = {"spec_key": _spec.key}
    urlpatterns += [
        path(f"import/{_spec.key}/", views.import_upload, _kwargs, name=f"import_{_spec.slug}"),
        path(
            f"import/{_spec.key}/template/",
            views.template_download,
            _kwargs,
            name=f"template_{_spec.slug}",
        ),
        path(
            f"import/{_spec.key}/export/",
            views.export_download,
            _kwargs,
            name=f"export_{_spec.slug}",
        ),
    ]

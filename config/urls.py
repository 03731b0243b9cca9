"""URL root. Core's pages are named here; every other ERP app is included automatically under
its AppConfig's `url_prefix` (e.g. `url_prefix = "inventory/"` → erp/inventory/urls.py at
/inventory/), so a new module adds itself to INSTALLED_APPS and nothing else."""

from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from erp.core.api import api, api_register_app_routers
from erp.iam.api_auth import login_redirect_exempt

api_register_app_routers()


def erp_app_urls() -> list:
    """`path(prefix, include("<app>.urls"))` for every installed ERP app with a url_prefix."""
    return [
        path(config.url_prefix, include(f"{config.name}.urls"))
        for config in apps.get_app_configs()
        if config.name.startswith("erp.") and getattr(config, "url_prefix", None)
    ]


urlpatterns = [
    path("", include("erp.core.urls")),
    path("settings/", include("erp.core.urls_settings")),
    *erp_app_urls(),
    path("api/v1/", login_redirect_exempt(api.urls)),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from erp.core.api import api, api_register_app_routers
from erp.iam.api_auth import login_redirect_exempt

api_register_app_routers()

urlpatterns = [
    path("", include("erp.core.urls")),
    path("settings/", include("erp.core.urls_settings")),
    path("iam/", include("erp.iam.urls")),
    path("masterdata/", include("erp.masterdata.urls")),
    path("inventory/", include("erp.inventory.urls")),
    path("golive/", include("erp.golive.urls")),
    path("ops/", include("erp.ops.urls")),
    path("accounting/", include("erp.accounting.urls")),
    path("approvals/", include("erp.approvals.urls")),
    path("api/v1/", login_redirect_exempt(api.urls)),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "erp.ops"
    label = "ops"
    verbose_name = _("Operations: backups and system health")
    url_prefix = "ops/"  # config/urls.py includes erp.ops.urls here

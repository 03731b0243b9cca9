from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoliveConfig(AppConfig):
    name = "erp.golive"
    label = "golive"
    verbose_name = _("Go-live and data import")
    url_prefix = "golive/"  # config/urls.py includes erp.golive.urls here

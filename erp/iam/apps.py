from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IamConfig(AppConfig):
    name = "erp.iam"
    label = "iam"
    verbose_name = _("Users and permissions")
    url_prefix = "iam/"  # config/urls.py includes erp.iam.urls here

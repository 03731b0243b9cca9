from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoliveConfig(AppConfig):
    name = "erp.golive"
    label = "golive"
    verbose_name = _("Go-live and data import")
    url_prefix = "golive/"  # config/urls.py includes erp.golive.urls here

    def ready(self) -> None:
        # After the cut-over lock no stock posting of the opening stock (import or reversal)
        # passes the stock gate (erp/golive/services/opening_guard.py).
        from erp.golive.services.opening_guard import opening_guard_register

        opening_guard_register()

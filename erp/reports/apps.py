from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "erp.reports"
    label = "reports"
    verbose_name = _("Reports")
    url_prefix = "reports/"  # erp/reports/urls.py is mounted at /reports/

    def ready(self) -> None:
        from erp.core.jobs import job_name_register
        from erp.reports.datasets import datasets_register_standard

        job_name_register("reports_daily_operations", _("Daily operations report"))

        # The datasets of the modules installed before reports; a later module registers its
        # own from its ready() with erp.reports.registry.dataset_register.
        datasets_register_standard()

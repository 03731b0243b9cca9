from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "erp.approvals"
    label = "approvals"
    verbose_name = _("Approvals")
    url_prefix = "approvals/"  # config/urls.py includes erp.approvals.urls here

    def ready(self) -> None:
        from erp.approvals.audit_values import audit_values_register
        from erp.core.jobs import job_name_register

        audit_values_register()
        job_name_register("approvals_remind_overdue", _("Overdue approval reminders"))

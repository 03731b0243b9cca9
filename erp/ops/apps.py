from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "erp.ops"
    label = "ops"
    verbose_name = _("Operations: backups and system health")
    url_prefix = "ops/"  # config/urls.py includes erp.ops.urls here

    def ready(self) -> None:
        from erp.core.jobs import job_name_register
        from erp.ops.selectors import SCHEDULED_TASKS

        for task, label in SCHEDULED_TASKS:
            job_name_register(task, label)
        job_name_register("ops_backup_now", _("Back up now"))
        job_name_register("ops_backup_verify", _("Backup verification"))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "erp.trace"
    label = "trace"
    verbose_name = _("Traceability")
    url_prefix = "trace/"

    def ready(self) -> None:
        from erp.core.services.numbering import numbering_rule_register

        numbering_rule_register("trace.recallcase", "RC", "召回单")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintingConfig(AppConfig):
    name = "erp.printing"
    label = "printing"
    verbose_name = _("Print templates")
    url_prefix = "printing/"

    def ready(self) -> None:
        from erp.core.printing import document_printer_register, print_choices_register
        from erp.printing.printer import template_choices, template_printer

        document_printer_register(template_printer)
        print_choices_register(template_choices)

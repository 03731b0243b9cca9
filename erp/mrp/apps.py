from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MrpConfig(AppConfig):
    name = "erp.mrp"
    label = "mrp"
    verbose_name = _("MRP")
    url_prefix = "mrp/"  # erp/mrp/urls.py is mounted at /mrp/

    def ready(self) -> None:
        from django.urls import reverse

        from erp.core.references import document_type_register

        document_type_register(
            "mrp.mrprun",
            _("MRP run"),
            url=lambda pk: reverse("mrp:workbench") + f"?run={pk}",
            permission="mrp.view_mrprun",
        )

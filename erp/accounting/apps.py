from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountingConfig(AppConfig):
    name = "erp.accounting"
    label = "accounting"
    verbose_name = _("Accounting")

    def ready(self) -> None:
        from erp.accounting.services.expenses import expense_claims_register

        expense_claims_register()

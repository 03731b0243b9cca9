from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "erp.quality"
    label = "quality"
    verbose_name = _("Quality")
    url_prefix = "quality/"

    def ready(self) -> None:
        from erp.core.customer_lot_checks import customer_lot_check_register
        from erp.core.services.numbering import numbering_rule_register
        from erp.inventory.services.listeners import stock_listener_register
        from erp.quality.services.inspections import InspectionTrigger
        from erp.quality.services.specs import lot_customer_spec_problems

        numbering_rule_register("quality.inspectionplan", "QP", "检验方案")
        numbering_rule_register("quality.inspectionlot", "QC", "检验单")
        numbering_rule_register("quality.nonconformancereport", "NC", "不合格品报告")
        # Quarantine inflows get their inspection lot inside the posting transaction.
        stock_listener_register(InspectionTrigger())
        # Sales refuses a lot outside the customer's specification (pick, FEFO, posting).
        customer_lot_check_register("quality_customer_spec", lot_customer_spec_problems)

        from erp.core.jobs import job_name_register
        from erp.quality.services.concessions import concessions_register

        # 让步接收 waits for the approvers the approval rules name.
        concessions_register()

        job_name_register("quality_retests_open", _("Open due re-inspections"))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductionConfig(AppConfig):
    name = "erp.production"
    label = "production"
    verbose_name = _("Production")
    url_prefix = "production/"

    def ready(self) -> None:
        from erp.core.posting_events import posting_event_register
        from erp.core.services.numbering import numbering_rule_register
        from erp.inventory.move_types import IN, OUT, move_type_register
        from erp.inventory.states import LotStatus

        numbering_rule_register("production.formula", "PF", "配方")
        numbering_rule_register("production.productionorder", "MO", "生产订单")
        numbering_rule_register("production.routing", "RT", "工艺路线")
        # Small-business chart (小企业会计准则): 4001 生产成本 stands for 500101 直接材料.
        posting_event_register(
            "production_issue",
            _("Production issue"),
            defaults={"enterprise": ("500101", "1403"), "small": ("4001", "1403")},
        )
        posting_event_register(
            "production_return",
            _("Production return"),
            defaults={"enterprise": ("1403", "500101"), "small": ("1403", "4001")},
        )
        posting_event_register(
            "production_output",
            _("Finished goods receipt"),
            defaults={"enterprise": ("1405", "500101"), "small": ("1405", "4001")},
        )
        move_type_register(
            "production_issue",
            _("Production issue"),
            direction=OUT,
            allowed_lot_statuses={LotStatus.RELEASED},
            expiry_blocks=True,
            outflow_event="production_issue",
        )
        move_type_register(
            "production_return",
            _("Production return"),
            direction=IN,
            inflow_event="production_return",
        )
        move_type_register(
            "production_output",
            _("Production output"),
            direction=IN,
            inflow_event="production_output",
        )
        from erp.core.lot_links import LotLinkSource, lot_link_source_register
        from erp.production.models import LotLink

        # Traceability (erp/trace) walks the genealogy through this registration.
        lot_link_source_register(LotLinkSource(LotLink, "production.productionorder"))
        from erp.core.audit_display import audit_value_renderer_register
        from erp.production.services.formulas import formulas_register, line_audit_text

        formulas_register()
        audit_value_renderer_register("production.formula", "lines", line_audit_text)
        from erp.core.record_links import RecordLink, record_link_register

        record_link_register(
            RecordLink(
                "masterdata.material",
                _("Where used"),
                "production:where_used",
                "production.view_formula",
                icon="bi-diagram-3",
            )
        )

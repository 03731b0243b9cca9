from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "erp.sales"
    label = "sales"
    verbose_name = _("Sales")
    url_prefix = "sales/"  # erp/sales/urls.py is mounted at /sales/

    def ready(self) -> None:
        from erp.core.posting_events import posting_event_register
        from erp.core.services.numbering import numbering_rule_register
        from erp.inventory.move_types import IN, OUT, move_type_register
        from erp.inventory.states import LotStatus
        from erp.sales.services.orders import sales_orders_register

        for doc_type, prefix, name in (
            ("sales.salesquotation", "SQ", "销售报价单"),
            ("sales.salesorder", "SO", "销售订单"),
            ("sales.deliverynote", "DN", "发货单"),
            ("sales.salesinvoice", "SI", "销售发票"),
            ("sales.salesreturn", "SR", "销售退货单"),
        ):
            numbering_rule_register(doc_type, prefix, name)
        # Direct COGS at delivery (Dr 主营业务成本, Cr 库存商品); the stock side is the material's
        # inventory account, the rule gives the offset.
        posting_event_register(
            "sales_delivery",
            _("Sales delivery"),
            defaults={"enterprise": ("6401", "1405"), "small": ("5401", "1405")},
        )
        posting_event_register(
            "sales_return",
            _("Sales return"),
            defaults={"enterprise": ("1405", "6401"), "small": ("1405", "5401")},
        )
        # Dr 应收账款, Cr 主营业务收入 (output VAT 22210102 is fixed in the invoice's voucher).
        posting_event_register(
            "sales_invoice",
            _("Sales invoice"),
            defaults={"enterprise": ("1122", "6001"), "small": ("1122", "5001")},
        )
        move_type_register(
            "sales_delivery",
            _("Sales delivery"),
            direction=OUT,
            allowed_lot_statuses={LotStatus.RELEASED},
            expiry_blocks=True,
            outflow_event="sales_delivery",
        )
        move_type_register(
            "sales_return", _("Sales return"), direction=IN, inflow_event="sales_return"
        )
        sales_orders_register()
        from erp.core.jobs import job_name_register

        job_name_register("sales_quotations_expire", _("Expire sales quotations"))

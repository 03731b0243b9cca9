from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurchasingConfig(AppConfig):
    name = "erp.purchasing"
    label = "purchasing"
    verbose_name = _("Purchasing")
    url_prefix = "purchasing/"

    def ready(self) -> None:
        from erp.core.ledger import stock_offset_partner_register
        from erp.core.posting_events import posting_event_register
        from erp.core.services.numbering import numbering_rule_register
        from erp.inventory.move_types import IN, OUT, move_type_register
        from erp.inventory.states import LotStatus
        from erp.purchasing.services.invoices import purchase_invoices_register
        from erp.purchasing.services.orders import purchase_orders_register
        from erp.purchasing.services.receipts import receipt_offset_partner
        from erp.purchasing.services.returns import return_offset_partner

        numbering_rule_register("purchasing.purchaserequisition", "PR", "请购单")
        numbering_rule_register("purchasing.purchaseorder", "PO", "采购订单")
        numbering_rule_register("purchasing.goodsreceipt", "GR", "采购入库单")
        numbering_rule_register("purchasing.purchaseinvoice", "PI", "采购发票")
        numbering_rule_register(
            "purchasing.purchasereturn", "PB", "采购退货单"
        )  # RT is the routing
        numbering_rule_register("purchasing.supplierprice", "PP", "供应商价格表")
        # Stock side: Dr 原材料 / Cr 暂估应付款 on receipt, the reverse on return; the invoice
        # clears 暂估应付款 into 应付货款; price differences go to 材料成本差异 (1404).
        posting_event_register(
            "purchase_receipt",
            _("Purchase receipt"),
            defaults={"enterprise": ("1403", "220202"), "small": ("1403", "2202")},
        )
        posting_event_register(
            "purchase_return",
            _("Purchase return"),
            defaults={"enterprise": ("220202", "1403"), "small": ("2202", "1403")},
        )
        posting_event_register(
            "purchase_invoice",
            _("Purchase invoice"),
            defaults={"enterprise": ("220202", "220201"), "small": ("2202", "2202")},
        )
        posting_event_register(
            "purchase_price_variance",
            _("Purchase price variance"),
            defaults={"enterprise": ("1404", "1404"), "small": ("1403", "1403")},
        )
        move_type_register(
            "purchase_receipt", _("Purchase receipt"), direction=IN, inflow_event="purchase_receipt"
        )
        move_type_register(
            "purchase_return",
            _("Purchase return"),
            direction=OUT,
            # A blocked (冻结) lot, e.g. held by a recall, does not leave: quality decides it
            # 不合格 first, then it goes back to the supplier.
            allowed_lot_statuses=set(LotStatus.values) - {LotStatus.BLOCKED},
            outflow_event="purchase_return",
        )
        stock_offset_partner_register("purchasing.goodsreceipt", receipt_offset_partner)
        stock_offset_partner_register("purchasing.purchasereturn", return_offset_partner)
        purchase_orders_register()
        purchase_invoices_register()

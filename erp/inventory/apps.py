from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "erp.inventory"
    label = "inventory"
    verbose_name = _("Inventory")

    url_prefix = "inventory/"  # config/urls.py includes erp.inventory.urls here

    def ready(self) -> None:
        from erp.inventory.move_types import inventory_move_types_register

        inventory_move_types_register()
        _numbering_rules_register()

        from erp.inventory.selectors_pickers import lot_picker_register

        lot_picker_register()

        from erp.core.references import document_type_register
        from erp.inventory.demo import DEMO_SOURCE
        from erp.inventory.imports import OPENING_SOURCE

        # Postings whose source is not a numbered document: named, not linked (单据联查).
        document_type_register(OPENING_SOURCE, _("Opening stock"))
        document_type_register(DEMO_SOURCE, _("Demo data"))


def _numbering_rules_register() -> None:
    from erp.core.services.numbering import numbering_rule_register

    for doc_type, prefix, name in (
        ("inventory.otherreceipt", "IR", "其他入库单"),
        ("inventory.otherissue", "OI", "其他出库单"),
        ("inventory.transfer", "TR", "调拨单"),
        ("inventory.scrap", "SC", "报废单"),
        ("inventory.stockcount", "ST", "盘点单"),
        ("inventory.lot", "LOT", "批次"),
    ):
        numbering_rule_register(doc_type, prefix, name)

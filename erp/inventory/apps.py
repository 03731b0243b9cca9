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
        _lot_split_register()

        from erp.inventory.selectors_pickers import lot_picker_register

        lot_picker_register()

        from erp.core.references import document_type_register
        from erp.inventory.demo import DEMO_SOURCE
        from erp.inventory.imports import OPENING_SOURCE

        # Postings whose source is not a numbered document: named, not linked (单据联查).
        document_type_register(OPENING_SOURCE, _("Opening stock"))
        document_type_register(DEMO_SOURCE, _("Demo data"))


def _lot_split_register() -> None:
    """A lot split's two halves (out of the parent lot, into the child lot at the same place)
    are one internal move: no voucher. Its genealogy is a lot link traceability walks."""
    from erp.core.lot_links import LotLinkSource, lot_link_source_register
    from erp.core.references import document_type_register
    from erp.inventory.models import LotSplit
    from erp.inventory.move_types import INTERNAL, move_type_register
    from erp.inventory.services.lot_split import LOT_SPLIT, LOT_SPLIT_DOC
    from erp.inventory.states import LotStatus

    move_type_register(
        LOT_SPLIT,
        _("Lot split"),
        direction=INTERNAL,
        allowed_lot_statuses=LotStatus.values,
    )
    document_type_register(LOT_SPLIT_DOC, _("Lot split"))
    lot_link_source_register(LotLinkSource(LotSplit, LOT_SPLIT_DOC, document_field="id"))


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

"""Inventory entries in the sidebar (section 仓库). The reports engineer appends report pages."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import MenuItem

MENU = [
    MenuItem(
        section="warehouse",
        label=_("Other receipts"),
        url_name="inventory:otherreceipt_list",
        permission="inventory.view_otherreceipt",
        icon="box-arrow-in-down",
        order=20,
    ),
    MenuItem(
        section="warehouse",
        label=_("Other issues"),
        url_name="inventory:otherissue_list",
        permission="inventory.view_otherissue",
        icon="box-arrow-up",
        order=21,
    ),
    MenuItem(
        section="warehouse",
        label=_("Transfers"),
        url_name="inventory:transfer_list",
        permission="inventory.view_transfer",
        icon="arrow-left-right",
        order=22,
    ),
    MenuItem(
        section="warehouse",
        label=_("Scrap"),
        url_name="inventory:scrap_list",
        permission="inventory.view_scrap",
        icon="trash",
        order=23,
    ),
    MenuItem(
        section="warehouse",
        label=_("Stock counts"),
        url_name="inventory:stockcount_list",
        permission="inventory.view_stockcount",
        icon="clipboard-data",
        order=24,
    ),
    MenuItem(
        section="warehouse",
        label=_("Lot status change"),
        url_name="inventory:lot_status",
        permission="inventory.change_lot_status",
        icon="shield-check",
        order=25,
    ),
]

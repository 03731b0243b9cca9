"""Inventory services: the contract sales, purchasing, production and quality post through.
See docs/inventory.md."""

from erp.inventory.selectors import FefoPick, available_qty, lots_pick_fefo
from erp.inventory.services.lots import lot_attribute_set, lot_status_change
from erp.inventory.services.posting import StockSource
from erp.inventory.services.reservations import (
    ReserveLine,
    stock_release_reservation,
    stock_reserve,
)
from erp.inventory.services.stock import (
    CountLine,
    IssueLine,
    ReceiptLine,
    TransferLine,
    stock_count_adjust,
    stock_issue,
    stock_receive,
    stock_reverse,
    stock_scrap,
    stock_transfer,
)

__all__ = [
    "CountLine",
    "FefoPick",
    "IssueLine",
    "ReceiptLine",
    "ReserveLine",
    "StockSource",
    "TransferLine",
    "available_qty",
    "lot_attribute_set",
    "lot_status_change",
    "lots_pick_fefo",
    "stock_count_adjust",
    "stock_issue",
    "stock_receive",
    "stock_release_reservation",
    "stock_reserve",
    "stock_reverse",
    "stock_scrap",
    "stock_transfer",
]

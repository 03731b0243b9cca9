from .documents import (
    OtherIssue,
    OtherIssueLine,
    OtherReceipt,
    OtherReceiptLine,
    Scrap,
    ScrapLine,
    StockCount,
    StockCountLine,
    Transfer,
    TransferLine,
)
from .ledger import MaterialValuation, Reservation, StockBalance, StockMove
from .lots import Lot, LotAttribute, LotStatusChange

__all__ = [
    "OtherIssue",
    "OtherIssueLine",
    "OtherReceipt",
    "OtherReceiptLine",
    "Scrap",
    "ScrapLine",
    "StockCount",
    "StockCountLine",
    "Transfer",
    "TransferLine",
    "Lot",
    "LotAttribute",
    "LotStatusChange",
    "MaterialValuation",
    "Reservation",
    "StockBalance",
    "StockMove",
]

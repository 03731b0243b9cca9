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
from .lots import Lot, LotAttribute, LotSplit, LotStatusChange
from .snapshots import StockSnapshotLine, StockSnapshotMonth, StockSnapshotValue

__all__ = [
    "Lot",
    "LotAttribute",
    "LotSplit",
    "LotStatusChange",
    "MaterialValuation",
    "OtherIssue",
    "OtherIssueLine",
    "OtherReceipt",
    "OtherReceiptLine",
    "Reservation",
    "Scrap",
    "ScrapLine",
    "StockBalance",
    "StockCount",
    "StockCountLine",
    "StockMove",
    "StockSnapshotLine",
    "StockSnapshotMonth",
    "StockSnapshotValue",
    "Transfer",
    "TransferLine",
]

from .ledger import MaterialValuation, Reservation, StockBalance, StockMove
from .lots import Lot, LotAttribute, LotStatusChange

__all__ = [
    "Lot",
    "LotAttribute",
    "LotStatusChange",
    "MaterialValuation",
    "Reservation",
    "StockBalance",
    "StockMove",
]

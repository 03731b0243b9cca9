"""Guard of the opening stock after the cut-over lock (inventory does not import golive).

The stock gate calls every registered listener's `check(posting_date, source)` before it
writes a move (erp/inventory/services/listeners.py). Once the cut-over is locked, no posting
whose source is the opening stock may happen: not the import (opening_import_check refuses it
too) and not a reversal of it — the warehouse holds inventory.reverse_stockmove, and reversing
the opening stock would change the tied-out opening balances behind finance's back. Before the
lock the opening import and its reversal go through as usual. Registered in
GoliveConfig.ready()."""

from erp.golive.models import CutOver
from erp.golive.services.cutover import CutOverLocked

OPENING_STOCK_SOURCES = frozenset({"golive.openingstock"})


class OpeningStockGuard:
    def check(self, *, posting_date, source) -> None:
        if getattr(source, "type", "") not in OPENING_STOCK_SOURCES:
            return
        # Share the cut-over row's lock order with the lock itself: a lock that commits while
        # this posting runs waits for it, or this posting sees the lock.
        cutover = CutOver.objects.select_for_update().filter(pk=1).first()
        if cutover is not None and cutover.locked:
            raise CutOverLocked()

    def posted(self, posting) -> None:
        return None


def opening_guard_register() -> None:
    from erp.inventory.services.listeners import stock_listener_register

    stock_listener_register(OpeningStockGuard())

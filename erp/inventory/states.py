"""Lot status (批次状态) and which changes are allowed.

Status decides what stock may do: only released, unexpired lots are available to issue and
reserve; quarantine, rejected and blocked stock stays put until quality decides.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.states import StateMachine, Transition


class LotStatus(models.TextChoices):
    QUARANTINE = "quarantine", _("Quarantine")
    RELEASED = "released", _("Released")
    REJECTED = "rejected", pgettext_lazy("lot status", "Rejected")
    BLOCKED = "blocked", _("Blocked")


# Every status may change to every other one (quality may re-inspect a rejected lot or free a
# blocked one); a "change" to the same status is refused as a no-op.
LOT_STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    s: frozenset(LotStatus.values) - {s} for s in LotStatus.values
}


class MoveType(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    TRANSFER = "transfer", _("Transfer")
    SCRAP = "scrap", _("Scrap")
    COUNT_ADJUST = "count_adjust", _("Count adjustment")
    OPENING = "opening", _("Opening stock")
    REVERSAL = "reversal", _("Reversal")


# Which lot statuses each kind of outflow may take stock from. Issues need released stock;
# moving or scrapping rejected or quarantine stock is how quality dispositions are carried out;
# a blocked lot (冻结, e.g. held by a recall) does not move at all, not even by a count shortage:
# quality lifts the block first. Reversals correct the ledger and accept any status.
OUTFLOW_ALLOWED_STATUSES: dict[str, frozenset[str]] = {
    MoveType.ISSUE: frozenset({LotStatus.RELEASED}),
    MoveType.TRANSFER: frozenset({LotStatus.QUARANTINE, LotStatus.RELEASED, LotStatus.REJECTED}),
    MoveType.SCRAP: frozenset({LotStatus.QUARANTINE, LotStatus.RELEASED, LotStatus.REJECTED}),
    MoveType.COUNT_ADJUST: frozenset(LotStatus.values) - {LotStatus.BLOCKED},
    MoveType.REVERSAL: frozenset(LotStatus.values),
}
# Expired lots may still be moved to a scrap bin, scrapped, counted or reversed, never issued.
EXPIRY_BLOCKS = frozenset({MoveType.ISSUE})


# --- documents (其他入库/其他出库/调拨/报废/盘点) ------------------------------------------


class StockDocState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class StockCountState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COUNTING = "counting", _("Counting")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class IssueReason(models.TextChoices):
    RND = "rnd", _("R&D use")
    SAMPLE = "sample", _("Samples")
    INTERNAL = "internal", _("Internal use")
    OTHER = "other", _("Other")


def stock_doc_machine(model_name: str):
    """draft → posted (frozen), or draft → cancelled; one permission per transition."""
    return StateMachine(
        StockDocState,
        [
            Transition(
                "post",
                ("draft",),
                "posted",
                f"inventory.post_{model_name}",
                _("Post"),
                style="primary",
                confirm=_(
                    "Post this document? Stock moves are written and it can no longer be edited."
                ),
            ),
            Transition(
                "cancel",
                ("draft",),
                "cancelled",
                f"inventory.cancel_{model_name}",
                pgettext_lazy("document action", "Cancel"),
                style="outline-danger",
                confirm=_("Cancel this draft?"),
            ),
        ],
    )


def stock_count_machine():
    """A count freezes its snapshot (draft → counting), then posts its variances."""
    return StateMachine(
        StockCountState,
        [
            Transition(
                "freeze",
                ("draft",),
                "counting",
                "inventory.freeze_stockcount",
                _("Freeze snapshot"),
                confirm=_("Freeze the book quantities now and start counting?"),
            ),
            Transition(
                "post",
                ("counting",),
                "posted",
                "inventory.post_stockcount",
                _("Post adjustments"),
                confirm=_("Post the variances as stock adjustments? This cannot be undone."),
            ),
            Transition(
                "cancel",
                ("draft", "counting"),
                "cancelled",
                "inventory.cancel_stockcount",
                pgettext_lazy("document action", "Cancel"),
                style="outline-danger",
                confirm=_("Cancel this stock count?"),
            ),
        ],
    )

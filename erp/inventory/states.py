"""Lot status (批次状态) and which changes are allowed.

Status decides what stock may do: only released, unexpired lots are available to issue and
reserve; quarantine, rejected and blocked stock stays put until quality decides.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LotStatus(models.TextChoices):
    QUARANTINE = "quarantine", _("Quarantine")
    RELEASED = "released", _("Released")
    REJECTED = "rejected", _("Rejected")
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
# a blocked lot does not move at all; counts and reversals record facts and accept any status.
OUTFLOW_ALLOWED_STATUSES: dict[str, frozenset[str]] = {
    MoveType.ISSUE: frozenset({LotStatus.RELEASED}),
    MoveType.TRANSFER: frozenset({LotStatus.QUARANTINE, LotStatus.RELEASED, LotStatus.REJECTED}),
    MoveType.SCRAP: frozenset({LotStatus.QUARANTINE, LotStatus.RELEASED, LotStatus.REJECTED}),
    MoveType.COUNT_ADJUST: frozenset(LotStatus.values),
    MoveType.REVERSAL: frozenset(LotStatus.values),
}
# Expired lots may still be moved to a scrap bin, scrapped, counted or reversed, never issued.
EXPIRY_BLOCKS = frozenset({MoveType.ISSUE})

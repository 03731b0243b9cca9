"""Voucher states: draft → reviewed (by another user) → posted. Posted is frozen; corrections
are red reversals (红字冲销). A voucher a source document posts (a receipt's, a claim's, a
reversal) goes draft → posted in the gate itself ("post_generated": no button, no permission
of its own — the document's posting permission authorises it). Periods: open ⇄ closed."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.states import StateMachine, Transition


class VoucherState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    POSTED = "posted", _("Posted")


class PeriodState(models.TextChoices):
    OPEN = "open", pgettext_lazy("period state", "Open")
    CLOSED = "closed", pgettext_lazy("period state", "Closed")


VOUCHER_STATES = StateMachine(
    VoucherState,
    [
        Transition(
            "review",
            (VoucherState.DRAFT,),
            VoucherState.REVIEWED,
            "accounting.review_voucher",
            _("Review"),
        ),
        Transition(
            "unreview",
            (VoucherState.REVIEWED,),
            VoucherState.DRAFT,
            "accounting.review_voucher",
            _("Cancel review"),
            style="outline-secondary",
        ),
        Transition(
            "post",
            (VoucherState.REVIEWED,),
            VoucherState.POSTED,
            "accounting.post_voucher",
            _("Post"),
            style="success",
            confirm=_("Post this voucher? Posted vouchers cannot be changed."),
        ),
        # The gate's batch path: drafts it inserted in the same transaction, flipped in one
        # UPDATE (transition_queryset). Not offered on pages or the API.
        Transition(
            "post_generated",
            (VoucherState.DRAFT,),
            VoucherState.POSTED,
            "",
            _("Posted by its document"),
        ),
    ],
)

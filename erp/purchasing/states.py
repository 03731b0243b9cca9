"""States and declared transitions of the purchasing documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.states import StateMachine, Transition

# Transitions the approvals engine drives: no button; the approver's seat authorises them.
BY_APPROVALS = ""


class RequisitionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", pgettext_lazy("document state", "Approved")
    CLOSED = "closed", _("Order closed")
    CANCELLED = "cancelled", _("Cancelled")


class OrderState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", pgettext_lazy("document state", "Approved")
    CLOSED = "closed", _("Order closed")
    CANCELLED = "cancelled", _("Cancelled")


class ReceiptState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Price difference waiting for approval")
    APPROVED = "approved", _("Price difference approved")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class ReturnState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class PriceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", pgettext_lazy("price list state", "Active")
    CANCELLED = "cancelled", _("Cancelled")


def _approved_machine(states, app_model: str, label_submit, *, close_label) -> StateMachine:
    """draft → submitted (approval request) → approved → closed; cancel before closing. The
    engine moves submitted → approved, or back to draft when the request is not approved."""
    S = states
    return StateMachine(
        states,
        [
            Transition(
                "submit", (S.DRAFT,), S.SUBMITTED, f"purchasing.submit_{app_model}", label_submit
            ),
            Transition(
                "approve",
                (S.SUBMITTED,),
                S.APPROVED,
                BY_APPROVALS,
                pgettext_lazy("document state", "Approved"),
            ),
            Transition(
                "reopen", (S.SUBMITTED, S.APPROVED), S.DRAFT, BY_APPROVALS, _("Back to draft")
            ),
            Transition(
                "close",
                (S.APPROVED,),
                S.CLOSED,
                f"purchasing.close_{app_model}",
                close_label,
                style="outline-secondary",
                confirm=_("Close it? What is still open will not be received or ordered."),
            ),
            Transition(
                "cancel",
                (S.DRAFT, S.SUBMITTED, S.APPROVED),
                S.CANCELLED,
                f"purchasing.cancel_{app_model}",
                pgettext_lazy("document action", "Cancel"),
                style="outline-danger",
                confirm=_("Cancel this document?"),
            ),
        ],
    )


ORDER_MACHINE = _approved_machine(
    OrderState, "purchaseorder", _("Submit for approval"), close_label=_("Close short")
)
REQUISITION_MACHINE = _approved_machine(
    RequisitionState, "purchaserequisition", _("Submit for approval"), close_label=_("Close")
)


def _posting_machine(states, app_model: str, confirm) -> StateMachine:
    S = states
    return StateMachine(
        states,
        [
            Transition(
                "post",
                (S.DRAFT,),
                S.POSTED,
                f"purchasing.post_{app_model}",
                _("Post"),
                style="success",
                confirm=confirm,
            ),
            Transition(
                "cancel",
                (S.DRAFT,),
                S.CANCELLED,
                f"purchasing.cancel_{app_model}",
                pgettext_lazy("document action", "Cancel"),
                style="outline-danger",
                confirm=_("Cancel this draft?"),
            ),
        ],
    )


RECEIPT_MACHINE = _posting_machine(
    ReceiptState,
    "goodsreceipt",
    _("Post the receipt? The goods go into stock (quarantine lots where QC is required)."),
)


def _invoice_machine() -> StateMachine:
    """draft → posted as the other posting documents; a draft whose price difference is
    beyond the tolerance goes draft → submitted (approval request) instead, the engine moves it
    to approved (then it posts) or back to draft."""
    S = InvoiceState
    return StateMachine(
        S,
        [
            Transition(
                "post",
                (S.DRAFT, S.APPROVED),
                S.POSTED,
                "purchasing.post_purchaseinvoice",
                _("Post"),
                style="success",
                confirm=_(
                    "Post the invoice? Its voucher and payable are booked; a price difference "
                    "beyond the tolerance goes for approval first."
                ),
            ),
            Transition(
                "cancel",
                (S.DRAFT, S.APPROVED),
                S.CANCELLED,
                "purchasing.cancel_purchaseinvoice",
                pgettext_lazy("document action", "Cancel"),
                style="outline-danger",
                confirm=_("Cancel this draft?"),
            ),
            Transition("submit", (S.DRAFT,), S.SUBMITTED, BY_APPROVALS, _("Submit for approval")),
            Transition(
                "approve",
                (S.SUBMITTED,),
                S.APPROVED,
                BY_APPROVALS,
                pgettext_lazy("document state", "Approved"),
            ),
            Transition(
                "reopen", (S.SUBMITTED, S.APPROVED), S.DRAFT, BY_APPROVALS, _("Back to draft")
            ),
        ],
    )


INVOICE_MACHINE = _invoice_machine()
RETURN_MACHINE = _posting_machine(
    ReturnState, "purchasereturn", _("Post the return? The goods leave stock.")
)

PRICE_MACHINE = StateMachine(
    PriceState,
    [
        Transition(
            "activate",
            (PriceState.DRAFT,),
            PriceState.ACTIVE,
            "purchasing.activate_supplierprice",
            pgettext_lazy("price list action", "Activate"),
            style="success",
            confirm=_("Activate the price list? New order lines of this supplier take its prices."),
        ),
        Transition(
            "cancel",
            (PriceState.DRAFT, PriceState.ACTIVE),
            PriceState.CANCELLED,
            "purchasing.cancel_supplierprice",
            pgettext_lazy("document action", "Cancel"),
            style="outline-danger",
            confirm=_("Cancel this price list? It no longer proposes prices."),
        ),
    ],
)

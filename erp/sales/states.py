"""State machines of the sales documents."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.states import StateMachine, Transition
from erp.sales.models import QuotationState, SalesDocState, SalesOrderState

O = SalesOrderState  # noqa: E741
D = SalesDocState
# Transitions the approvals engine drives: no button and no permission of their own (the
# approver's seat on the request authorises them), as for expense claims.
BY_APPROVALS = ""
# Transitions a posting or a daily job drives (an order closes itself when fully delivered and
# invoiced, a quotation expires): the posting's own permission authorises them.
BY_POSTING = ""

Q = QuotationState
# A quotation is accepted by pushing it down (下推) into a sales order; it expires when its
# validity date has passed while it was sent (the daily job, or the refused push-down).
QUOTATION_MACHINE = StateMachine(
    QuotationState,
    [
        Transition(
            "send",
            (Q.DRAFT,),
            Q.SENT,
            "sales.send_salesquotation",
            _("Send to customer"),
            confirm=_("Send this quotation? Its prices can no longer be changed."),
        ),
        Transition(
            "order",
            (Q.SENT,),
            Q.ACCEPTED,
            "sales.accept_salesquotation",
            _("Push down to sales order"),
            style="success",
            confirm=_("The customer accepted: create the sales order from this quotation?"),
        ),
        Transition(
            "lose",
            (Q.SENT,),
            Q.LOST,
            "sales.lose_salesquotation",
            _("Mark lost"),
            style="outline-secondary",
        ),
        Transition("expire", (Q.SENT,), Q.EXPIRED, BY_POSTING, _("Validity passed")),
        Transition(
            "cancel",
            (Q.DRAFT,),
            Q.CANCELLED,
            "sales.cancel_salesquotation",
            pgettext_lazy("document action", "Cancel"),
            style="outline-danger",
            confirm=_("Cancel this draft?"),
        ),
    ],
)

ORDER_MACHINE = StateMachine(
    SalesOrderState,
    [
        Transition(
            "submit",
            (O.DRAFT,),
            O.SUBMITTED,
            "sales.submit_salesorder",
            _("Submit"),
            confirm=_("Submit this order for credit check and approval?"),
        ),
        # Over the credit limit at submission: held until finance or the sales manager releases.
        Transition("hold", (O.SUBMITTED,), O.CREDIT_HOLD, BY_APPROVALS, _("Put on credit hold")),
        Transition(
            "release",
            (O.CREDIT_HOLD,),
            O.SUBMITTED,
            "sales.release_salesorder",
            _("Release credit hold"),
            style="warning",
            confirm=_("Release this order although the customer is over the credit limit?"),
        ),
        Transition(
            "approve",
            (O.SUBMITTED,),
            O.APPROVED,
            BY_APPROVALS,
            pgettext_lazy("document state", "Approved"),
        ),
        Transition("reopen", (O.SUBMITTED,), O.DRAFT, BY_APPROVALS, _("Back to draft")),
        Transition(
            "close",
            (O.APPROVED,),
            O.CLOSED,
            "sales.close_salesorder",
            _("Close"),
            style="outline-secondary",
            confirm=_("Close this order? What is not delivered yet will not be delivered."),
        ),
        Transition(
            "complete", (O.APPROVED,), O.CLOSED, BY_POSTING, _("Fully delivered and invoiced")
        ),
        Transition(
            "cancel",
            (O.DRAFT, O.CREDIT_HOLD, O.SUBMITTED, O.APPROVED),
            O.CANCELLED,
            "sales.cancel_salesorder",
            pgettext_lazy("document action", "Cancel"),
            style="outline-danger",
            confirm=_("Cancel this order?"),
        ),
    ],
)


def _posting_machine(model: str, confirm) -> StateMachine:
    return StateMachine(
        SalesDocState,
        [
            Transition(
                "post",
                (D.DRAFT,),
                D.POSTED,
                f"sales.post_{model}",
                _("Post"),
                style="success",
                confirm=confirm,
            ),
            Transition(
                "cancel",
                (D.DRAFT,),
                D.CANCELLED,
                f"sales.cancel_{model}",
                pgettext_lazy("document action", "Cancel"),
                style="outline-danger",
                confirm=_("Cancel this draft?"),
            ),
        ],
    )


DELIVERY_MACHINE = _posting_machine(
    "deliverynote", _("Post this delivery? The goods leave stock and the cost is booked.")
)
INVOICE_MACHINE = _posting_machine(
    "salesinvoice", _("Post this invoice? Its voucher and receivable cannot be changed afterwards.")
)
# 发票台账: the 金税 number is often typed in after posting, when the fapiao is issued; the
# invoice stays posted, the register entry is versioned and audited like a transition.
INVOICE_MACHINE = StateMachine(
    SalesDocState,
    [
        *INVOICE_MACHINE.transitions.values(),
        Transition(
            "fapiao",
            (D.POSTED,),
            D.POSTED,
            "sales.post_salesinvoice",
            _("Register fapiao"),
            style="outline-primary",
        ),
    ],
)
RETURN_MACHINE = _posting_machine(
    "salesreturn", _("Post this return? The goods come back into stock in quarantine (待检).")
)

"""State machines of the sales documents."""

from django.utils.translation import gettext_lazy as _

from erp.core.states import StateMachine, Transition
from erp.sales.models import SalesDocState, SalesOrderState

O = SalesOrderState  # noqa: E741
D = SalesDocState
# Transitions the approvals engine drives: no button and no permission of their own (the
# approver's seat on the request authorises them), as for expense claims.
BY_APPROVALS = ""

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
        Transition("approve", (O.SUBMITTED,), O.APPROVED, BY_APPROVALS, _("Approved")),
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
            "cancel",
            (O.DRAFT, O.CREDIT_HOLD, O.SUBMITTED, O.APPROVED),
            O.CANCELLED,
            "sales.cancel_salesorder",
            _("Cancel"),
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
                _("Cancel"),
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

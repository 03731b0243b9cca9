"""Approval errors: stable codes, messages that say what to do."""

from django.utils.translation import gettext_lazy as _

from erp.core.errors import Conflict, PermissionDenied


class SelfApprovalRefused(PermissionDenied):
    code = "self_approval"
    default_message = _(
        "You cannot decide your own approval request, even holding the approver role. "
        "Another approver must decide it."
    )


class NotOnStep(PermissionDenied):
    code = "not_on_step"
    default_message = _(
        "This approval step is not assigned to you (nor delegated to you today). "
        "Only its approvers can decide it."
    )


class ApprovalRequired(Conflict):
    """The document's confirm/post is refused until its current version is approved."""

    code = "approval_required"

from erp.approvals.selectors import pending_count, unread_notification_count
from erp.core.context_processors import once_per_request


@once_per_request
def approvals_pending_count(request):
    """The top bar's 待我审批 badge and unread notification count (two cheap counts)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "approvals_pending": pending_count(user),
        "approvals_unread": unread_notification_count(user),
    }

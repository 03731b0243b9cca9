from .delegation import Delegation
from .notification import Notification
from .request import ApprovalDecision, ApprovalRequest, ApprovalRequestStep, ApprovalStepApprover
from .rule import ApprovalCondition, ApprovalRule, ApprovalStep

__all__ = [
    "ApprovalCondition",
    "ApprovalDecision",
    "ApprovalRequest",
    "ApprovalRequestStep",
    "ApprovalRule",
    "ApprovalStep",
    "ApprovalStepApprover",
    "Delegation",
    "Notification",
]

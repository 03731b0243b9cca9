"""States of an approval request and of its steps."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestState(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", pgettext_lazy("approval", "Approved")
    REJECTED = "rejected", pgettext_lazy("approval", "Rejected")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded by an edit")


class StepState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACTIVE = "active", _("Current step")
    DONE = "done", _("Done")
    CLOSED = "closed", pgettext_lazy("document state", "Closed")


class AssigneeKind(models.TextChoices):
    ROLE = "role", _("Role")
    USER = "user", _("Named user")
    DEPARTMENT_HEAD = "department_head", _("Requester's department head")


class StepMode(models.TextChoices):
    ANY = "any", _("Any one approver")
    ALL = "all", _("All approvers")


class Operator(models.TextChoices):
    GE = "ge", "≥"
    GT = "gt", ">"
    LE = "le", "≤"
    LT = "lt", "<"
    EQ = "eq", "="
    NE = "ne", "≠"
    IN = "in", _("is one of")


class DecisionAction(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    AUTO_APPROVE = "auto_approve", _("Approved automatically (no rule applies)")
    APPROVE = "approve", pgettext_lazy("approval", "Approved")
    REJECT = "reject", pgettext_lazy("approval", "Rejected")
    RETURN = "return", _("Returned for changes")
    WITHDRAW = "withdraw", _("Withdrawn")
    SUPERSEDE = "supersede", _("Document edited: approval must be repeated")
    REMIND = "remind", _("Overdue reminder sent")

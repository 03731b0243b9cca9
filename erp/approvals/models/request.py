from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.approvals.states import AssigneeKind, DecisionAction, RequestState, StepMode, StepState
from erp.core.models import TimeStamped


class ApprovalRequest(TimeStamped):
    """One submission of one version of a document. Its steps are a copy of the rule's steps
    at submission time, so later rule changes never affect it."""

    doc_type = models.CharField(_("document type"), max_length=60)
    object_id = models.BigIntegerField(_("document id"))
    doc_version = models.PositiveIntegerField(_("document version"))
    doc_repr = models.CharField(_("document"), max_length=200)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="approval_requests",
    )
    rule = models.ForeignKey(
        "approvals.ApprovalRule",
        verbose_name=_("rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rule_name = models.CharField(_("rule"), max_length=100, blank=True)
    rule_fields = models.JSONField(_("values tested"), default=dict)
    state = models.CharField(_("state"), max_length=20, choices=RequestState.choices, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["doc_type", "object_id"])]
        permissions = [("decide_approvalrequest", "Can decide approval requests")]

    def __str__(self) -> str:
        return f"{self.doc_repr} #{self.pk}"


class ApprovalRequestStep(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField(_("step"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    assignee_kind = models.CharField(_("assignee"), max_length=20, choices=AssigneeKind.choices)
    role_code = models.CharField(_("role"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mode = models.CharField(_("mode"), max_length=3, choices=StepMode.choices)
    overdue_hours = models.PositiveIntegerField(_("overdue after (hours)"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=StepState.choices)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval request step")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["request", "seq"], name="approvals_request_step_seq")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.seq}"


class ApprovalStepApprover(models.Model):
    """Who may decide a step, fixed when the step becomes current (the requester excluded)."""

    step = models.ForeignKey(
        ApprovalRequestStep, on_delete=models.CASCADE, related_name="approvers"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval step approver")
        verbose_name_plural = _("approval step approvers")
        constraints = [
            models.UniqueConstraint(fields=["step", "user"], name="approvals_step_approver_once")
        ]

    def __str__(self) -> str:
        return f"{self.step_id}: {self.user_id}"


class ApprovalDecision(models.Model):
    """The history of a request: every submission, decision and reminder, append-only."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    step_seq = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=DecisionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval decision")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"

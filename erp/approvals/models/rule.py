from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.approvals.states import AssigneeKind, Operator, StepMode
from erp.core.models import TimeStamped


class ApprovalRule(TimeStamped):
    """Which documents need approval and by whom. The highest-priority active rule valid on the
    submission date whose conditions all hold is used; no match means automatic approval."""

    doc_type = models.CharField(_("document type"), max_length=60, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    priority = models.IntegerField(_("priority"), default=10)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["doc_type", "-priority", "id"]

    def __str__(self) -> str:
        return self.name


class ApprovalCondition(models.Model):
    rule = models.ForeignKey(ApprovalRule, on_delete=models.CASCADE, related_name="conditions")
    field = models.CharField(_("field"), max_length=40)
    operator = models.CharField(_("operator"), max_length=4, choices=Operator.choices)
    value = models.CharField(pgettext_lazy("approval rule", "value"), max_length=200)

    class Meta:
        verbose_name = _("approval condition")
        verbose_name_plural = _("approval conditions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.field} {self.operator} {self.value}"

    @property
    def summary(self) -> str:
        """The condition in words: "金额 > 20000" rather than "amount gt 20000"."""
        from erp.approvals.contract import rule_field_kinds

        known = rule_field_kinds(self.rule.doc_type if self.rule_id else "")
        label = known[self.field][1] if self.field in known else self.field
        return f"{label} {self.get_operator_display()} {self.value}"


class ApprovalStep(models.Model):
    rule = models.ForeignKey(ApprovalRule, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveSmallIntegerField(_("step"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    assignee_kind = models.CharField(
        _("assignee"), max_length=20, choices=AssigneeKind.choices, default=AssigneeKind.ROLE
    )
    role_code = models.CharField(_("role"), max_length=50, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    mode = models.CharField(_("mode"), max_length=3, choices=StepMode.choices, default=StepMode.ANY)
    overdue_hours = models.PositiveIntegerField(_("overdue after (hours)"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.seq}"

    @property
    def assignee_label(self) -> str:
        """Who decides, in words: the role's name (财务经理), the user, or the kind."""
        if self.assignee_kind == AssigneeKind.ROLE:
            from erp.iam.models import Role

            role = Role.objects.filter(code=self.role_code).first()
            return str(role) if role is not None else self.role_code
        if self.assignee_kind == AssigneeKind.USER:
            return str(self.user)
        return str(self.get_assignee_kind_display())

"""Demo approval rules of the registered subjects (a later module adds its own rules in its
own demo.py)."""

from erp.approvals.models import ApprovalRule
from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save


def load_demo(*, actor) -> None:
    if ApprovalRule.objects.exists():
        return
    approval_rule_save(
        actor=actor,
        doc_type="accounting.expenseclaim",
        name="报销 > ¥20,000：财务经理 + 总经理",
        priority=20,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "20000")],
        steps=[
            StepSpec("role", "finance_manager", name="财务经理审批", overdue_hours=24),
            StepSpec("role", "general_manager", name="总经理审批", overdue_hours=24),
        ],
    )
    approval_rule_save(
        actor=actor,
        doc_type="accounting.expenseclaim",
        name="报销 > ¥5,000：财务经理",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "5000")],
        steps=[StepSpec("role", "finance_manager", name="财务经理审批", overdue_hours=24)],
    )

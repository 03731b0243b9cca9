from decimal import Decimal

import pytest

from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save
from erp.iam.models import Department


@pytest.fixture
def people(make_user):
    """A requester in department OPS (head: ops_head), a finance manager, a general manager."""
    p = {
        "admin": make_user("admin", "admin"),
        "clerk": make_user("clerk", "accountant", email="clerk@example.com"),
        "fm": make_user("fm", "finance_manager", email="fm@example.com"),
        "gm": make_user("gm", "general_manager"),
        "gm2": make_user("gm2", "general_manager"),
        "ops_head": make_user("ops_head", "sales"),
        "outsider": make_user("outsider", "sales"),
    }
    ops = Department.objects.create(code="OPS", name="运营部", head=p["ops_head"])
    p["clerk"].department = ops
    p["clerk"].save(update_fields=["department"])
    return p


@pytest.fixture
def make_claim(people):
    from tests.approvaldoc.models import ClaimDoc

    def _make(amount="100", by=None, **extra):
        return ClaimDoc.objects.create(
            created_by=by or people["clerk"], state="draft", amount=Decimal(amount), **extra
        )

    return _make


@pytest.fixture
def make_rule(people):
    def _make(name="rule", *, conditions=(), steps=(("role", "finance_manager", "any"),), **kw):
        return approval_rule_save(
            actor=people["admin"],
            doc_type=kw.pop("doc_type", "approvaldoc.claimdoc"),
            name=name,
            priority=kw.pop("priority", 10),
            valid_from=kw.pop("valid_from", None),
            valid_to=kw.pop("valid_to", None),
            is_active=kw.pop("is_active", True),
            conditions=[ConditionSpec(*c) for c in conditions],
            steps=[
                StepSpec(
                    assignee_kind=s[0],
                    role_code=s[1] if s[0] == "role" else "",
                    user_id=s[1] if s[0] == "user" else None,
                    mode=s[2],
                    overdue_hours=s[3] if len(s) > 3 else None,
                )
                for s in steps
            ],
        )

    return _make

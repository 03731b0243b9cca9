"""Issue #13 point 3: an approval rule's audit trail and the notes of documents moved by an
approval read in Chinese — "金额 > 20000" and "第 1 步：财务经理，任一审批人，24 小时…", not
"amount gt 20000" / "1:role:finance_manager:any:24"; "approve: approval request 7" reads
"批准：审批请求 7"."""

import pytest
from django.utils import translation

from erp.approvals.audit_values import request_note_text
from erp.core.audit_display import note_label
from erp.core.models import AuditEvent
from erp.core.selectors import audit_rows
from tests.cross.zh_scan import foreign_in_text

pytestmark = pytest.mark.django_db


def _changes(event) -> dict[str, str]:
    (row,) = audit_rows([event])
    return {c.label: str(c.after) for c in row.changes}


def test_rule_audit_shows_conditions_and_steps_in_words(make_rule, people):
    rule = make_rule(
        "大额报销",
        conditions=[("amount", "gt", "20000")],
        steps=[("role", "finance_manager", "any", 24), ("user", people["gm"].pk, "all")],
    )
    event = AuditEvent.objects.filter(object_type="approvals.approvalrule", object_id=rule.pk)
    with translation.override("zh-hans"):
        changes = _changes(event.get())
    conditions = next(v for k, v in changes.items() if "条件" in k)
    steps = next(v for k, v in changes.items() if "步骤" in k)
    assert conditions == "金额 > 20000"
    assert steps.startswith("第 1 步：财务经理，") and "24 小时未处理即超期" in steps
    assert f"第 2 步：{people['gm']}，" in steps
    assert not foreign_in_text(f"{conditions} {steps}", {str(people["gm"])})


def test_notes_naming_an_approval_request_read_in_chinese():
    with translation.override("zh-hans"):
        assert request_note_text("approval request 7") == "审批请求 7"
        assert request_note_text("approval request 7: rejected") == "审批请求 7（已驳回）"
        assert request_note_text("checked by hand") is None
        assert note_label("approve: approval request 7").endswith("：审批请求 7")
        assert not foreign_in_text(note_label("approve: approval request 7"))

"""Issue #13 point 3: audit values, badges and Django's own messages read in Chinese."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from erp.core.models import AuditEvent, NumberingRule
from erp.core.selectors import audit_rows
from erp.core.services.audit import audit_record

pytestmark = pytest.mark.django_db


def test_audit_values_show_yes_no_choice_labels_and_state_labels(admin_user):
    rule = NumberingRule.objects.create(doc_type="core.test", name="测试", prefix="T")
    audit_record(
        actor=admin_user,
        action="update",
        obj=rule,
        changes={"reset": ["never", "yearly"], "state": ["draft", "posted"]},
    )
    audit_record(actor=admin_user, action="approval_pending", obj=rule, note="post")
    with translation.override("zh-hans"):
        rows = audit_rows(AuditEvent.objects.order_by("id"))
        reset = next(c for c in rows[0].changes if c.field == "reset")
        state = next(c for c in rows[0].changes if c.field == "state")
        assert (reset.before, reset.after) == ("从不", "每年")
        assert "draft" not in str(state.before) and "posted" not in str(state.after)
        assert rows[1].action_label == "提交审批"
        assert rows[0].object_type_label == "编码规则"


def test_audit_booleans_and_foreign_keys_read_as_words(admin_user, django_user_model):
    other = django_user_model.objects.create_user("li", password="x", full_name="李雷")
    audit_record(
        actor=admin_user,
        action="update",
        object_type="iam.user",
        object_id=str(other.pk),
        changes={"is_active": [True, False]},
    )
    with translation.override("zh-hans"):
        change = audit_rows(AuditEvent.objects.all())[0].changes[0]
    assert (change.before, change.after) == ("是", "否")


def test_state_badge_without_label_shows_the_declared_state_name():
    import erp.accounting.states  # noqa: F401  (declares the voucher machine)

    with translation.override("zh-hans"):
        html = Template('{% include "shell/_state_badge.html" with state=s label="" %}').render(
            Context({"s": "posted", "erp_state_colours": {"posted": "success"}})
        )
        empty = Template('{% include "shell/_state_badge.html" with state=s %}').render(
            Context({"s": None, "erp_state_colours": {}})
        )
    assert ">posted<" not in html and "已过账" in html
    assert empty.strip() == ""


def test_django_password_length_message_is_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_password("a1b2")
    assert any("密码太短" in m for m in exc.value.messages), exc.value.messages

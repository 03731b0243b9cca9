"""Submit, multi-step any/all, self-approval, not-on-step, withdraw, edit resets, delegation,
overdue reminders, notifications and mail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from erp.approvals.errors import ApprovalRequired, NotOnStep, SelfApprovalRefused
from erp.approvals.models import ApprovalRequest, Notification
from erp.approvals.selectors import history_for_document, inbox_for
from erp.approvals.services.delegations import delegation_create
from erp.approvals.services.reminders import approvals_remind_overdue
from erp.approvals.services.requests import approval_decide, approval_submit, approval_withdraw
from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save
from erp.core.errors import BusinessRuleError, Conflict, InvalidTransition, ValidationFailed
from erp.core.models import AuditEvent
from tests.approvaldoc.services import claim_edit, claim_post

pytestmark = pytest.mark.django_db


def _decide(user, req, action="approve", comment=""):
    return approval_decide(actor=user, request_id=req.pk, action=action, comment=comment)


def test_no_matching_rule_approves_automatically(people, make_claim, make_rule):
    make_rule(conditions=[("amount", "gt", "5000")])
    claim = make_claim("100")
    req = approval_submit(actor=people["clerk"], doc=claim)
    assert req.state == "approved" and req.rule is None
    assert claim_post(actor=people["clerk"], claim_id=claim.pk).state == "posted"


def test_two_steps_any_then_post(people, make_claim, make_rule):
    make_rule(
        conditions=[("amount", "gt", "20000")],
        steps=[("role", "finance_manager", "any"), ("role", "general_manager", "any")],
    )
    claim = make_claim("25000")
    req = approval_submit(actor=people["clerk"], doc=claim)
    assert req.state == "pending"
    assert list(inbox_for(people["fm"])) == [req] and not inbox_for(people["gm"]).exists()
    with pytest.raises(ApprovalRequired) as refused:
        claim_post(actor=people["clerk"], claim_id=claim.pk)
    assert refused.value.details["approval_state"] == "pending" and refused.value.status == 409
    _decide(people["fm"], req)
    req.refresh_from_db()
    assert req.state == "pending"
    assert set(inbox_for(people["gm"])) == {req} and set(inbox_for(people["gm2"])) == {req}
    _decide(people["gm2"], req)  # any one of the general managers is enough
    req.refresh_from_db()
    assert req.state == "approved" and not inbox_for(people["gm"]).exists()
    assert claim_post(actor=people["clerk"], claim_id=claim.pk).state == "posted"
    actions = [d.action for d in history_for_document(claim)]
    assert actions == ["submit", "approve", "approve"]
    assert AuditEvent.objects.filter(action="approval_approved", object_id=str(req.pk)).exists()


def test_all_mode_needs_every_approver(people, make_claim, make_rule):
    make_rule(steps=[("role", "general_manager", "all")])
    req = approval_submit(actor=people["clerk"], doc=make_claim("10"))
    _decide(people["gm"], req)
    req.refresh_from_db()
    assert req.state == "pending"
    with pytest.raises(NotOnStep):  # gm already approved: no second seat
        _decide(people["gm"], req)
    _decide(people["gm2"], req)
    req.refresh_from_db()
    assert req.state == "approved"


def test_self_approval_refused_even_holding_the_role(people, make_claim, make_rule):
    make_rule(steps=[("role", "finance_manager", "any")])
    claim = make_claim("10", by=people["fm"])
    people["fm2"] = people["fm"].__class__.objects.create_user("fm2")
    people["fm2"].groups.add(people["fm"].groups.first())
    req = approval_submit(actor=people["fm"], doc=claim)
    seats = [a.user for a in req.steps.get().approvers.all()]
    assert seats == [people["fm2"]]  # the requester is left out of the step
    with pytest.raises(SelfApprovalRefused):
        _decide(people["fm"], req)
    req.refresh_from_db()
    assert req.state == "pending"
    assert AuditEvent.objects.filter(action="approval_refused", note="self_approval").exists()


def test_step_with_only_the_requester_cannot_be_submitted(people, make_claim, make_rule):
    make_rule(steps=[("user", people["clerk"].pk, "any")])
    with pytest.raises(BusinessRuleError) as refused:
        approval_submit(actor=people["clerk"], doc=make_claim("10"))
    assert refused.value.code == "step_without_approver"
    assert not ApprovalRequest.objects.exists()


def test_decision_by_someone_not_on_the_step_is_refused(people, make_claim, make_rule):
    make_rule(steps=[("role", "finance_manager", "any"), ("role", "general_manager", "any")])
    req = approval_submit(actor=people["clerk"], doc=make_claim("10"))
    for user in (people["outsider"], people["gm"], people["admin"]):
        with pytest.raises(NotOnStep):
            _decide(user, req)
    req.refresh_from_db()
    assert req.state == "pending" and not req.decisions.filter(action="approve").exists()


def test_department_head_step(people, make_claim, make_rule):
    make_rule(steps=[("department_head", "", "any")])
    req = approval_submit(actor=people["clerk"], doc=make_claim("10"))
    assert [a.user for a in req.steps.get().approvers.all()] == [people["ops_head"]]
    _decide(people["ops_head"], req)
    req.refresh_from_db()
    assert req.state == "approved"


def test_reject_needs_a_comment_and_notifies_requester(people, make_claim, make_rule):
    make_rule()
    req = approval_submit(actor=people["clerk"], doc=make_claim("10"))
    with pytest.raises(ValidationFailed):
        _decide(people["fm"], req, "reject", "  ")
    _decide(people["fm"], req, "reject", "发票缺失")
    req.refresh_from_db()
    assert req.state == "rejected"
    note = Notification.objects.filter(user=people["clerk"]).first()
    assert "发票缺失" in note.text
    with pytest.raises(InvalidTransition):
        _decide(people["fm"], req)


def test_return_then_resubmit(people, make_claim, make_rule):
    make_rule()
    claim = make_claim("10")
    req = approval_submit(actor=people["clerk"], doc=claim)
    _decide(people["fm"], req, "return", "请补充附件")
    req.refresh_from_db()
    assert req.state == "returned"
    second = approval_submit(actor=people["clerk"], doc=claim)
    assert second.state == "pending" and second.pk != req.pk


def test_withdraw_only_before_first_decision(people, make_claim, make_rule):
    make_rule(steps=[("role", "general_manager", "all")])
    claim = make_claim("10")
    req = approval_submit(actor=people["clerk"], doc=claim)
    with pytest.raises(Conflict):
        approval_submit(actor=people["clerk"], doc=claim)  # already pending
    assert approval_withdraw(actor=people["clerk"], request_id=req.pk).state == "withdrawn"
    req2 = approval_submit(actor=people["clerk"], doc=claim)
    _decide(people["gm"], req2)
    with pytest.raises(InvalidTransition):
        approval_withdraw(actor=people["clerk"], request_id=req2.pk)


def test_editing_after_approval_sends_it_back(people, make_claim, make_rule):
    make_rule()
    claim = make_claim("8000")
    req = approval_submit(actor=people["clerk"], doc=claim)
    _decide(people["fm"], req)
    claim.refresh_from_db()
    claim_edit(
        actor=people["clerk"],
        claim_id=claim.pk,
        amount=Decimal("9000"),
        expected_version=claim.version,
    )
    req.refresh_from_db()
    assert req.state == "superseded"
    with pytest.raises(ApprovalRequired) as refused:
        claim_post(actor=people["clerk"], claim_id=claim.pk)
    assert refused.value.details["approval_state"] == "superseded"
    claim.refresh_from_db()
    again = approval_submit(actor=people["clerk"], doc=claim)
    _decide(people["fm"], again)
    assert claim_post(actor=people["clerk"], claim_id=claim.pk).state == "posted"


def test_approve_after_an_edit_is_a_409(people, make_claim, make_rule):
    make_rule()
    claim = make_claim("8000")
    req = approval_submit(actor=people["clerk"], doc=claim)
    claim.refresh_from_db()
    claim_edit(
        actor=people["clerk"],
        claim_id=claim.pk,
        amount=Decimal("1"),
        expected_version=claim.version,
    )
    with pytest.raises(InvalidTransition) as refused:  # superseded by the edit
        _decide(people["fm"], req)
    assert refused.value.status == 409


def test_rule_change_does_not_touch_running_requests(people, make_claim, make_rule):
    rule = make_rule(steps=[("role", "finance_manager", "any")])
    req = approval_submit(actor=people["clerk"], doc=make_claim("10"))
    approval_rule_save(
        actor=people["admin"],
        rule_id=rule.pk,
        doc_type=rule.doc_type,
        name=rule.name,
        priority=1,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "1")],
        steps=[StepSpec("role", "general_manager"), StepSpec("role", "general_manager")],
    )
    assert list(req.steps.values_list("role_code", flat=True)) == ["finance_manager"]
    _decide(people["fm"], req)
    req.refresh_from_db()
    assert req.state == "approved"


def test_delegation_only_inside_its_period(people, make_claim, make_rule):
    make_rule()
    today = timezone.localdate()
    delegation_create(
        actor=people["fm"],
        from_user_id=people["fm"].pk,
        to_user_id=people["outsider"].pk,
        start=today + dt.timedelta(days=1),
        end=today + dt.timedelta(days=5),
    )
    req = approval_submit(actor=people["clerk"], doc=make_claim("10"))
    assert not inbox_for(people["outsider"]).exists()
    with pytest.raises(NotOnStep):
        _decide(people["outsider"], req)
    delegation_create(
        actor=people["fm"],
        from_user_id=people["fm"].pk,
        to_user_id=people["outsider"].pk,
        start=today - dt.timedelta(days=3),
        end=today,
    )
    assert list(inbox_for(people["outsider"])) == [req]
    _decide(people["outsider"], req)
    req.refresh_from_db()
    decision = req.decisions.get(action="approve")
    assert req.state == "approved" and decision.on_behalf_of == people["fm"]


def test_delegate_cannot_approve_own_request(people, make_claim, make_rule):
    make_rule()
    today = timezone.localdate()
    delegation_create(
        actor=people["fm"],
        from_user_id=people["fm"].pk,
        to_user_id=people["clerk"].pk,
        start=today,
        end=today,
    )
    req = approval_submit(actor=people["clerk"], doc=make_claim("10"))
    with pytest.raises(SelfApprovalRefused):
        _decide(people["clerk"], req)


def test_overdue_step_reminds_approver_and_their_head(people, make_claim, make_rule):
    fin = people["fm"].__class__.objects.get(pk=people["fm"].pk)
    from erp.iam.models import Department

    fin.department = Department.objects.create(code="FIN", name="财务部", head=people["gm"])
    fin.save(update_fields=["department"])
    make_rule(steps=[("role", "finance_manager", "any", 4)])
    req = approval_submit(actor=people["clerk"], doc=make_claim("10"))
    step = req.steps.get()
    assert approvals_remind_overdue(now=step.activated_at + dt.timedelta(hours=3)) == 0
    later = step.activated_at + dt.timedelta(hours=5)
    assert approvals_remind_overdue(now=later) == 1
    assert approvals_remind_overdue(now=later + dt.timedelta(hours=1)) == 0  # not again yet
    assert Notification.objects.filter(user=people["gm"], text__contains="4").exists()
    assert Notification.objects.filter(user=people["fm"]).count() == 2  # request + reminder
    assert req.decisions.filter(action="remind").count() == 1


def test_notifications_and_mail_go_to_approvers(
    people, make_claim, make_rule, django_capture_on_commit_callbacks
):
    make_rule()
    with django_capture_on_commit_callbacks(execute=True):
        approval_submit(actor=people["clerk"], doc=make_claim("10", title="出差"))
    assert Notification.objects.filter(user=people["fm"]).count() == 1
    assert [m.to for m in mail.outbox] == [["fm@example.com"]]


@pytest.mark.django_db
def test_the_reminder_job_reports_in_chinese():
    from django.utils import translation

    from erp.approvals.tasks import _reminded

    with translation.override("zh-hans"):
        assert _reminded() == "已提醒 0 个超时审批步骤"

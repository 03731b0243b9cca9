"""A price difference beyond tolerance goes to the approvals engine instead of being refused:
the approver sees the differences per line, approved the invoice posts as any other (voucher
hand-computed), returned it is a draft again; the order's purchaser never approves it."""

from decimal import Decimal

import pytest

from erp.accounting.models import OpenItem, Voucher
from erp.approvals.errors import SelfApprovalRefused
from erp.approvals.models import ApprovalRequest
from erp.approvals.services.requests import approval_decide
from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save
from erp.core.errors import ValidationFailed
from erp.purchasing.services import invoices

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("jingli", "purchase_manager")


@pytest.fixture
def invoice_rule(make_user, manager):
    admin = make_user("boss", "admin")
    return approval_rule_save(
        actor=admin,
        doc_type=invoices.DOC_TYPE,
        name="采购发票价格差异：采购经理",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "0")],
        steps=[StepSpec("role", "purchase_manager", name="采购经理")],
    )


@pytest.fixture
def mismatched(posted_receipt, accountant, plant, invoice_rule):
    # resin: 100 kg received at 10.00 excl. (1000.00); invoiced 100 × 10.50 = 1050.00 net,
    # difference 50.00 > max(2% × 1000.00, 10.00) = 20.00
    line = posted_receipt.lines.get(material=plant["resin"])
    doc = invoices.purchase_invoice_create(
        actor=accountant,
        header={"supplier_id": plant["supplier"].pk, "invoice_no": "24312000000000000077"},
        lines=[{"receipt_line_id": line.pk, "quantity": D("100"), "price": D("10.50")}],
    )
    return invoices.purchase_invoice_post(actor=accountant, doc_id=doc.pk)


def _request(invoice):
    return ApprovalRequest.objects.get(doc_type=invoices.DOC_TYPE, object_id=invoice.pk)


def test_mismatch_waits_for_approval_with_its_differences(mismatched, posted_receipt, plant):
    mismatched.refresh_from_db()
    assert (mismatched.state, mismatched.number, mismatched.voucher_id) == ("submitted", "", None)
    assert mismatched.variance_total == D("50.00")
    line = mismatched.lines.get()
    assert (line.grir_amount, line.variance) == (D("1000.00"), D("50.00"))
    receipt_line = posted_receipt.lines.get(material=plant["resin"])
    assert receipt_line.invoiced_quantity == 0  # nothing cleared while waiting
    assert not Voucher.objects.filter(source_type=invoices.DOC_TYPE).exists()
    request = _request(mismatched)
    assert request.state == "pending" and request.rule_fields["amount"] == "50.00"
    from erp.approvals.contract import subject_for

    header, rows = subject_for(invoices.DOC_TYPE).lines(mismatched)
    assert len(header) == 8
    # ordered net price, received qty, invoiced price and qty, received value, invoiced, diff
    assert rows[0][1:] == ["10.0000", "100", "10.5000", "100", "¥1,000.00", "¥1,050.00", "¥50.00"]


def test_approved_mismatch_posts_with_the_variance(
    mismatched, accountant, manager, plant, posted_receipt
):
    approval_decide(actor=manager, request_id=_request(mismatched).pk, action="approve")
    mismatched.refresh_from_db()
    assert mismatched.state == "approved"
    invoice = invoices.purchase_invoice_post(actor=accountant, doc_id=mismatched.pk)
    assert invoice.state == "posted" and invoice.number.startswith("PI")
    # net 1050.00, VAT 13% 136.50, gross 1186.50; GR/IR 1000.00; variance 50.00 to 1404
    s = plant["supplier"].pk
    rows = sorted(
        (x.account.code, x.debit, x.credit, x.supplier_id) for x in invoice.voucher.lines.all()
    )
    assert rows == [
        ("1404", D("50.00"), D("0"), None),
        ("220201", D("0"), D("1186.50"), s),
        ("220202", D("1000.00"), D("0"), s),
        ("22210101", D("136.50"), D("0"), None),
    ]
    item = OpenItem.objects.get(source_type=invoices.DOC_TYPE, source_id=str(invoice.pk))
    assert item.amount == D("1186.50")
    line = posted_receipt.lines.get(material=plant["resin"])
    assert (line.invoiced_quantity, line.invoiced_value) == (D("100"), D("1000.00"))


def test_the_orders_purchaser_cannot_approve_and_returned_is_a_draft_again(
    mismatched, purchaser, roles, manager
):
    purchaser.groups.add(roles["purchase_manager"].group)  # even holding the approver's role
    from erp.iam.models import User

    purchaser = User.objects.get(pk=purchaser.pk)
    request = _request(mismatched)
    with pytest.raises(SelfApprovalRefused):
        approval_decide(actor=purchaser, request_id=request.pk, action="approve")
    approval_decide(
        actor=manager, request_id=request.pk, action="return", comment="请供应商重开发票"
    )
    mismatched.refresh_from_db()
    assert mismatched.state == "draft" and mismatched.voucher_id is None


def test_without_an_invoice_rule_the_mismatch_is_refused_as_before(
    posted_receipt, accountant, plant
):
    line = posted_receipt.lines.get(material=plant["resin"])
    doc = invoices.purchase_invoice_create(
        actor=accountant,
        header={"supplier_id": plant["supplier"].pk, "invoice_no": "24312000000000000078"},
        lines=[{"receipt_line_id": line.pk, "quantity": D("100"), "price": D("10.50")}],
    )
    with pytest.raises(ValidationFailed) as err:
        invoices.purchase_invoice_post(actor=accountant, doc_id=doc.pk)
    assert "Line 1" in str(err.value.message) and "approval rule" in str(err.value.message)
    doc.refresh_from_db()
    assert (doc.state, doc.variance_total) == ("draft", D("0"))
    assert not ApprovalRequest.objects.filter(doc_type=invoices.DOC_TYPE).exists()

"""Sales orders: amounts by the one VAT rule, bad input, credit hold, approval by the engine."""

from decimal import Decimal

import pytest

from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.sales.models import SalesOrder
from erp.sales.services import orders as svc
from erp.sales.tests.conftest import TODAY, order_line

pytestmark = pytest.mark.django_db


def _create(plant, customer, *lines, includes_tax=True):
    return svc.sales_order_create(
        actor=plant["seller"],
        header={"customer_id": customer.pk, "date": TODAY, "price_includes_tax": includes_tax},
        lines=list(lines),
    )


def test_order_amounts_round_each_line_then_sum(plant):
    order = _create(
        plant,
        plant["acme"],
        # 10 × 113.00 含税 13%: gross 1130.00, VAT 1130 × 13/113 = 130.00, net 1000.00
        order_line(plant["paint"], "10", "113.00"),
        # 3 × 33.3333 含税, 10% off: 99.9999 → 100.00 before, 89.99991 → 90.00 after;
        # VAT 90 × 13/113 = 10.3539… → 10.35, net 79.65
        order_line(plant["paint"], "3", "33.3333", discount_pct="10"),
    )
    a, b = order.lines.order_by("line_no")
    assert (a.net_amount, a.tax_amount, a.amount) == (Decimal("1000.00"), Decimal("130.00"), 1130)
    assert (b.net_amount, b.tax_amount, b.amount) == (
        Decimal("79.65"),
        Decimal("10.35"),
        Decimal("90.00"),
    )
    assert a.vat_rate == "13"  # from the material
    assert order.net_total == Decimal("1079.65")
    assert order.tax_total == Decimal("140.35")
    assert order.total == Decimal("1220.00") == order.net_total + order.tax_total
    assert order.discount_total == Decimal("10.00")
    assert order.max_discount == Decimal("10")
    assert order.state == "draft" and order.number == ""


def test_tax_exclusive_prices_and_the_materials_own_rate(plant):
    # 7 × 12.3456 不含税 at 9% (清漆): net 86.4192 → 86.42, VAT 86.42 × 9% = 7.7778 → 7.78
    order = _create(
        plant, plant["acme"], order_line(plant["varnish"], "7", "12.3456"), includes_tax=False
    )
    line = order.lines.get()
    assert line.vat_rate == "9"
    assert (line.net_amount, line.tax_amount, line.amount) == (
        Decimal("86.42"),
        Decimal("7.78"),
        Decimal("94.20"),
    )


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-2"}, "quantity"),
        ({"unit_price": "1.23456"}, "unit_price"),
        ({"vat_rate": "17"}, "vat_rate"),
        ({"discount_pct": "100"}, "discount_pct"),
    ],
)
def test_bad_lines_are_refused_naming_the_line_and_nothing_is_written(plant, row, field):
    line = {**order_line(plant["paint"], "5", "10.00"), **row}
    with pytest.raises(ValidationFailed) as caught:
        _create(plant, plant["acme"], line)
    assert caught.value.code == f"invalid_{field}"
    assert "1" in str(caught.value.message)
    assert not SalesOrder.objects.exists()


def test_submit_without_rule_approves_and_numbers_the_order(plant, approved_order):
    order = approved_order(plant["acme"], order_line(plant["paint"], "2", "50.00"))
    assert order.state == "approved"
    assert order.number.startswith("SO")


def test_over_the_credit_limit_the_order_is_held_and_only_a_manager_releases_it(plant):
    # limit ¥1,000.00; 10 × 113.00 = ¥1,130.00 > limit
    order = _create(plant, plant["tight"], order_line(plant["paint"], "10", "113.00"))
    order = svc.sales_order_submit(actor=plant["seller"], doc_id=order.pk)
    order.refresh_from_db()
    assert order.state == "credit_hold"
    assert "¥1,000.00" in order.hold_reason and "¥1,130.00" in order.hold_reason
    with pytest.raises(PermissionDenied):
        svc.sales_order_release(actor=plant["seller"], doc_id=order.pk)
    released = svc.sales_order_release(actor=plant["fm"], doc_id=order.pk)
    released.refresh_from_db()
    assert released.state == "approved"


def test_open_orders_count_towards_the_credit_limit(plant, approved_order):
    # first order ¥600.00 fits; the second ¥500.00 brings the exposure to ¥1,100.00 > ¥1,000.00
    first = approved_order(plant["tight"], order_line(plant["paint"], "6", "100.00"))
    assert first.state == "approved"
    second = approved_order(plant["tight"], order_line(plant["paint"], "5", "100.00"))
    second.refresh_from_db()
    assert second.state == "credit_hold"


def test_a_discount_over_ten_percent_waits_for_the_sales_manager(plant):
    from erp.approvals.models import ApprovalRequest
    from erp.approvals.services.requests import approval_decide
    from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save

    approval_rule_save(
        actor=plant["admin"],
        doc_type="sales.salesorder",
        name="折扣 > 10%：销售经理",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("discount_pct", "gt", "10")],
        steps=[StepSpec("role", "sales_manager", name="销售经理审批")],
    )
    order = _create(plant, plant["acme"], order_line(plant["paint"], "1", "100", discount_pct="15"))
    order = svc.sales_order_submit(actor=plant["seller"], doc_id=order.pk)
    assert order.state == "submitted"
    request = ApprovalRequest.objects.get(doc_type="sales.salesorder", object_id=order.pk)
    with pytest.raises(PermissionDenied):  # the salesperson cannot approve their own order
        approval_decide(actor=plant["seller"], request_id=request.pk, action="approve")
    order.refresh_from_db()
    assert order.state == "submitted"
    approval_decide(actor=plant["sm"], request_id=request.pk, action="approve")
    order.refresh_from_db()
    assert order.state == "approved"


def test_a_submitted_order_cannot_be_edited_and_an_empty_one_not_submitted(plant):
    from erp.core.errors import Conflict

    empty = _create(plant, plant["acme"])
    with pytest.raises(BusinessRuleError):
        svc.sales_order_submit(actor=plant["seller"], doc_id=empty.pk)
    order = _create(plant, plant["acme"], order_line(plant["paint"], "1", "10"))
    svc.sales_order_submit(actor=plant["seller"], doc_id=order.pk)
    with pytest.raises(Conflict):
        svc.sales_order_update(actor=plant["seller"], doc_id=order.pk, header={}, lines=None)

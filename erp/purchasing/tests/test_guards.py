"""Guards: the stock services take a module's move type only in its registered direction, and
an order edited meanwhile refuses a stale version (409)."""

from decimal import Decimal

import pytest

from erp.core.errors import Conflict, DomainError
from erp.inventory.services.posting import StockSource
from erp.inventory.services.stock import IssueLine, ReceiptLine, stock_issue, stock_receive
from erp.purchasing.services import orders

pytestmark = pytest.mark.django_db


def test_module_move_types_only_in_their_direction(plant, keeper, today):
    receipt = ReceiptLine(
        material_id=plant["resin"].pk,
        location_id=plant["loc"].pk,
        quantity=Decimal("1"),
        unit_cost=Decimal("1"),
        lot_number="X1",
    )
    with pytest.raises(DomainError):  # purchase_return is an outflow
        stock_receive(
            actor=keeper,
            lines=[receipt],
            posting_date=today,
            source=StockSource("test.x", 1),
            move_type="purchase_return",
        )
    issue = IssueLine(
        material_id=plant["resin"].pk, location_id=plant["loc"].pk, quantity=Decimal("1")
    )
    with pytest.raises(DomainError):  # purchase_receipt is an inflow
        stock_issue(
            actor=keeper,
            lines=[issue],
            posting_date=today,
            source=StockSource("test.x", 2),
            move_type="purchase_receipt",
        )


def test_order_edit_with_a_stale_version_is_refused(plant, purchaser, order_lines, today):
    order = orders.purchase_order_create(
        actor=purchaser,
        header={"date": today, "supplier_id": plant["supplier"].pk},
        lines=order_lines,
    )
    seen = order.version
    orders.purchase_order_update(
        actor=purchaser, doc_id=order.pk, header={"note": "改"}, expected_version=seen
    )
    with pytest.raises(Conflict):
        orders.purchase_order_update(
            actor=purchaser, doc_id=order.pk, header={"note": "旧"}, expected_version=seen
        )


def test_approved_order_changed_goes_back_to_approval(approved_order, plant, purchaser, make_user):
    from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save

    approval_rule_save(
        actor=make_user("boss", "admin"),
        doc_type=orders.DOC_TYPE,
        name="> 50000",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "50000")],
        steps=[StepSpec("role", "purchase_manager", name="采购经理")],
    )
    make_user("jingli", "purchase_manager")
    line = {
        "material_id": plant["resin"].pk,
        "quantity": Decimal("1000"),
        "price": Decimal("56.50"),
    }
    order = orders.purchase_order_update(
        actor=purchaser, doc_id=approved_order.pk, header={}, lines=[line]
    )
    # 56,500.00 > 50,000: the new version waits for the purchasing manager
    assert order.state == "submitted" and order.total == Decimal("56500.00")

"""Orders and goods receipts: totals by the VAT rule, approval, push-down, quarantine lots,
quantities and the receipt voucher (Dr 原材料 / Cr 暂估应付款 with the supplier)."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.models import Voucher
from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.inventory.models import Lot, StockBalance
from erp.purchasing.services import orders, receipts

D = Decimal
pytestmark = pytest.mark.django_db


def test_order_totals_follow_the_vat_rule(approved_order):
    # resin gross 1130.00 (VAT 130.00, net 1000.00) + pigment net 1000.00 (VAT 130.00)
    assert (approved_order.net_total, approved_order.tax_total, approved_order.total) == (
        D("2000.00"),
        D("260.00"),
        D("2260.00"),
    )
    assert approved_order.state == "approved" and approved_order.number.startswith("PO")
    assert [x.vat_rate for x in approved_order.lines.all()] == ["13", "13"]


def test_new_line_takes_the_suppliers_last_price(approved_order, plant, purchaser, today):
    order = orders.purchase_order_create(
        actor=purchaser,
        header={"date": today, "supplier_id": plant["supplier"].pk},
        lines=[{"material_id": plant["resin"].pk, "quantity": D("10")}],
    )
    line = order.lines.get()
    assert (line.price, line.price_includes_tax, line.gross_amount) == (
        D("11.30"),
        True,
        D("113.00"),
    )


def test_order_bad_input_names_the_line(plant, purchaser, today):
    with pytest.raises(ValidationFailed) as err:
        orders.purchase_order_create(
            actor=purchaser,
            header={"date": today, "supplier_id": plant["supplier"].pk},
            lines=[
                {"material_id": plant["resin"].pk, "quantity": D("1"), "price": D("1")},
                {"material_id": plant["resin"].pk, "quantity": D("1"), "price": D("1.23456")},
            ],
        )
    assert "Line 2" in str(err.value.message) and err.value.details["fields"].keys() == {"price"}


def test_unapproved_supplier_gets_no_order(plant, purchaser, order_lines, today):
    order = orders.purchase_order_create(
        actor=purchaser,
        header={"date": today, "supplier_id": plant["pending"].pk},
        lines=order_lines,
    )
    with pytest.raises(BusinessRuleError) as err:
        orders.purchase_order_submit(actor=purchaser, doc_id=order.pk)
    assert err.value.code == "supplier_not_approved"


def test_amount_band_waits_for_the_manager_and_purchaser_cannot_approve(
    plant, purchaser, make_user, today
):
    from erp.approvals.models import ApprovalRequest
    from erp.approvals.services.requests import approval_decide
    from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save

    admin = make_user("boss", "admin")
    approval_rule_save(
        actor=admin,
        doc_type=orders.DOC_TYPE,
        name="> 50000",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "50000")],
        steps=[StepSpec("role", "purchase_manager", name="采购经理")],
    )
    manager = make_user("jingli", "purchase_manager")
    # 1000 kg × 56.50 incl. 13% = 56,500.00 > 50,000
    order = orders.purchase_order_create(
        actor=purchaser,
        header={"date": today, "supplier_id": plant["supplier"].pk},
        lines=[{"material_id": plant["resin"].pk, "quantity": D("1000"), "price": D("56.50")}],
    )
    order = orders.purchase_order_submit(actor=purchaser, doc_id=order.pk)
    assert order.state == "submitted"
    request = ApprovalRequest.objects.get(doc_type=orders.DOC_TYPE, object_id=order.pk)
    with pytest.raises(Exception):  # noqa: B017 - the engine refuses a non-approver
        approval_decide(actor=purchaser, request_id=request.pk, action="approve")
    approval_decide(actor=manager, request_id=request.pk, action="approve")
    order.refresh_from_db()
    assert order.state == "approved"


def test_receipt_makes_quarantine_lots_and_books_grir(posted_receipt, approved_order, plant):
    lines = {ln.material_id: ln for ln in posted_receipt.lines.select_related("lot")}
    pigment, resin = lines[plant["pigment"].pk], lines[plant["resin"].pk]
    assert pigment.lot.status == "quarantine" and resin.lot.status == "released"
    assert pigment.lot.supplier_lot == "SUP-2" and pigment.lot.expiry_date is not None
    assert (pigment.value, resin.value, posted_receipt.value_total) == (
        D("1000.00"),
        D("1000.00"),
        D("2000.00"),
    )
    assert StockBalance.objects.get(lot=pigment.lot).on_hand == D("50")
    received = dict(approved_order.lines.values_list("material_id", "received_quantity"))
    assert received == {plant["resin"].pk: D("100"), plant["pigment"].pk: D("50")}
    approved_order.refresh_from_db()
    assert approved_order.state == "closed"  # everything received
    voucher = Voucher.objects.get(source_type=receipts.DOC_TYPE, source_id=str(posted_receipt.pk))
    rows = sorted((x.account.code, x.debit, x.credit, x.supplier_id) for x in voucher.lines.all())
    assert rows == [
        ("1403", D("1000.00"), D("0"), None),
        ("1403", D("1000.00"), D("0"), None),
        ("220202", D("0"), D("2000.00"), plant["supplier"].pk),
    ]


def test_partial_receipt_and_over_receipt_tolerance(
    books, approved_order, purchaser, keeper, plant
):
    resin_line = approved_order.lines.get(material=plant["resin"])

    def post(qty):
        receipt = receipts.goods_receipt_create(
            actor=keeper,
            header={"supplier_id": plant["supplier"].pk, "warehouse_id": plant["wh"].pk},
            lines=[{"order_line_id": resin_line.pk, "quantity": D(qty), "supplier_lot": "B1"}],
        )
        return receipts.goods_receipt_post(actor=keeper, doc_id=receipt.pk)

    first = post("60")
    assert first.lines.get().value == D("600.00")  # 1000.00 × 60 / 100
    # 100 ordered + 5% = 105; 60 received → at most 45 more
    with pytest.raises(ValidationFailed) as err:
        post("46")
    assert err.value.details["fields"].keys() == {"quantity"}
    assert not Lot.objects.filter(supplier_lot="B1").exclude(pk=first.lines.get().lot_id).exists()
    post("45")
    resin_line.refresh_from_db()
    assert resin_line.received_quantity == D("105")


def test_receipt_refuses_missing_supplier_lot_and_bad_dates(
    books, approved_order, keeper, plant, today
):
    line = approved_order.lines.get(material=plant["resin"])
    header = {"supplier_id": plant["supplier"].pk, "warehouse_id": plant["wh"].pk}
    with pytest.raises(ValidationFailed) as err:
        receipts.goods_receipt_create(
            actor=keeper,
            header=header,
            lines=[
                {
                    "order_line_id": line.pk,
                    "quantity": D("1"),
                    "supplier_lot": "X",
                    "production_date": today,
                    "expiry_date": today - dt.timedelta(days=1),
                }
            ],
        )
    assert err.value.details["fields"].keys() == {"expiry_date"}
    receipt = receipts.goods_receipt_create(
        actor=keeper, header=header, lines=[{"order_line_id": line.pk, "quantity": D("1")}]
    )
    with pytest.raises(ValidationFailed) as err:
        receipts.goods_receipt_post(actor=keeper, doc_id=receipt.pk)
    assert err.value.details["fields"].keys() == {"supplier_lot"}
    receipt.refresh_from_db()
    assert receipt.state == "draft" and not Voucher.objects.exists()


def test_purchaser_cannot_post_a_receipt(books, approved_order, purchaser):
    receipt = receipts.goods_receipt_from_order(actor=purchaser, order_id=approved_order.pk)
    with pytest.raises(PermissionDenied):
        receipts.goods_receipt_post(actor=purchaser, doc_id=receipt.pk)

"""Demo purchasing: approval bands, a supplier price list with a quantity break, orders in
each state, receipts into quarantine with supplier lots, a matched invoice, a mismatched
invoice waiting for the purchasing manager's approval of its price difference, and a return —
all made through the services, as the demo people would."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from erp.approvals.models import ApprovalRule
from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save
from erp.core.errors import DomainError
from erp.iam.models import User
from erp.masterdata.models import Supplier, SupplierMaterial
from erp.purchasing.models import PurchaseOrder
from erp.purchasing.services import invoices, orders, prices, receipts, requisitions, returns

D = Decimal


def _user(username: str, fallback):
    return User.objects.filter(username=username).first() or fallback


def _rules(actor) -> None:
    if ApprovalRule.objects.filter(doc_type=orders.DOC_TYPE).exists():
        return
    approval_rule_save(
        actor=actor,
        doc_type=invoices.DOC_TYPE,
        name="采购发票价格差异超出允差：采购经理",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "0")],
        steps=[StepSpec("role", "purchase_manager", name="采购经理审批", overdue_hours=24)],
    )
    approval_rule_save(
        actor=actor,
        doc_type=orders.DOC_TYPE,
        name="采购订单 > ¥200,000：采购经理 + 总经理",
        priority=20,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "200000")],
        steps=[
            StepSpec("role", "purchase_manager", name="采购经理审批", overdue_hours=24),
            StepSpec("role", "general_manager", name="总经理审批", overdue_hours=24),
        ],
    )
    approval_rule_save(
        actor=actor,
        doc_type=orders.DOC_TYPE,
        name="采购订单 > ¥20,000：采购经理",
        priority=10,
        valid_from=None,
        valid_to=None,
        is_active=True,
        conditions=[ConditionSpec("amount", "gt", "20000")],
        steps=[StepSpec("role", "purchase_manager", name="采购经理审批", overdue_hours=24)],
    )


def _order(purchaser, supplier, lines, today, *, submit=True):
    order = orders.purchase_order_create(
        actor=purchaser, header={"date": today, "supplier_id": supplier.pk}, lines=lines
    )
    return orders.purchase_order_submit(actor=purchaser, doc_id=order.pk) if submit else order


def _receive(purchaser, keeper, order, today, quantities=None):
    receipt = receipts.goods_receipt_from_order(actor=purchaser, order_id=order.pk)
    lines = [
        {
            "order_line_id": ln.order_line_id,
            "quantity": (quantities or {}).get(ln.line_no, ln.quantity),
            "supplier_lot": f"{order.supplier.code}-{today:%y%m%d}-{ln.line_no:02d}",
            "production_date": today - dt.timedelta(days=12),
        }
        for ln in receipt.lines.order_by("line_no")
    ]
    receipts.goods_receipt_update(actor=keeper, doc_id=receipt.pk, header={}, lines=lines)
    return receipts.goods_receipt_post(actor=keeper, doc_id=receipt.pk)


def load_demo(*, actor) -> None:
    if PurchaseOrder.objects.exists():
        return
    _rules(actor)
    links = SupplierMaterial.objects.filter(
        supplier__approval_status=Supplier.Approval.APPROVED, material__active=True
    ).select_related("supplier", "material")
    by_supplier: dict[int, list] = {}
    for link in links.order_by("supplier__code", "material__code"):
        by_supplier.setdefault(link.supplier_id, []).append(link)
    pairs = [v for v in by_supplier.values() if len(v) >= 2][:2]
    if not pairs:
        return
    purchaser = _user("purchaser", actor)
    keeper = _user("warehouse", actor)
    accountant = _user("accountant", actor)
    today = timezone.localdate()
    try:
        _documents(purchaser, keeper, accountant, pairs, today)
    except DomainError:
        # A demo company whose books refuse today's postings (closed month) keeps the orders.
        return


def _price_list(purchaser, manager, link, today) -> None:
    """A price list with a break: 23.50 incl. tax, from 1,000 kg 22.90; valid 180 days."""
    draft = prices.supplier_price_create(
        actor=purchaser,
        header={
            "supplier_id": link.supplier_id,
            "material_id": link.material_id,
            "date": today - dt.timedelta(days=30),
            "valid_to": today + dt.timedelta(days=150),
            "price_includes_tax": True,
            "note": "年度框架协议价",
        },
        lines=[
            {"min_quantity": D("0"), "price": D("23.50")},
            {"min_quantity": D("1000"), "price": D("22.90")},
        ],
    )
    prices.supplier_price_activate(actor=manager, doc_id=draft.pk)


def _documents(purchaser, keeper, accountant, pairs, today) -> None:
    (a1, a2), supplier = pairs[0][:2], pairs[0][0].supplier
    _price_list(purchaser, _user("purchase_manager", purchaser), a1, today)
    # Approved at once (≤ ¥20,000), received in full, invoiced at the order price.
    small = _order(
        purchaser,
        supplier,
        [
            {"material_id": a1.material_id, "quantity": D("400"), "price": D("23.50")},
            {"material_id": a2.material_id, "quantity": D("200"), "price": D("22.80")},
        ],
        today,
    )
    receipt = _receive(purchaser, keeper, small, today)
    invoice = invoices.purchase_invoice_from_receipt(
        actor=accountant, receipt_id=receipt.pk, invoice_no="32000000000000012345"
    )
    invoices.purchase_invoice_post(actor=accountant, doc_id=invoice.pk)
    # Approved, received in part (one drum of two): stays open, its receipt is 暂估 (GR/IR).
    partial = _order(
        purchaser,
        supplier,
        [
            {"material_id": a1.material_id, "quantity": D("400"), "price": D("23.50")},
        ],
        today,
    )
    second = _receive(purchaser, keeper, partial, today, quantities={1: D("200")})
    # A mismatched invoice: the supplier billed 25.00 instead of 23.50 (6% over): posting it
    # sent it to the purchasing manager, who approves or returns the price difference.
    line = second.lines.get()
    mismatched = invoices.purchase_invoice_create(
        actor=accountant,
        header={
            "supplier_id": supplier.pk,
            "invoice_no": "32000000000000012399",
            "note": "单价与订单不符，待与供应商核对",
        },
        lines=[{"receipt_line_id": line.pk, "quantity": D("200"), "price": D("25.00")}],
    )
    invoices.purchase_invoice_post(actor=accountant, doc_id=mismatched.pk)
    # A return of damaged goods from the first receipt's second line.
    if len(pairs) > 1:
        (b1, _b2), other = pairs[1][:2], pairs[1][0].supplier
        third = _order(
            purchaser,
            other,
            [
                {"material_id": b1.material_id, "quantity": D("500"), "price": D("14.20")},
            ],
            today,
        )
        third_receipt = _receive(purchaser, keeper, third, today)
        doc = returns.purchase_return_create(
            actor=purchaser,
            header={
                "supplier_id": other.pk,
                "receipt_id": third_receipt.pk,
                "reason": "包装破损，退回供应商",
            },
            lines=[{"receipt_line_id": third_receipt.lines.get().pk, "quantity": D("100")}],
        )
        returns.purchase_return_post(actor=keeper, doc_id=doc.pk)
    # Waiting for the purchasing manager (> ¥20,000) and a draft.
    _order(
        purchaser,
        supplier,
        [
            {"material_id": a2.material_id, "quantity": D("1200"), "price": D("22.80")},
        ],
        today,
    )
    _order(
        purchaser,
        supplier,
        [
            {"material_id": a1.material_id, "quantity": D("200"), "price": D("23.50")},
        ],
        today,
        submit=False,
    )
    # A requisition from the workshop, approved and waiting to be ordered.
    requisition = requisitions.purchase_requisition_create(
        actor=purchaser,
        header={"date": today, "note": "二车间下月生产备料"},
        lines=[
            {
                "material_id": a2.material_id,
                "quantity": D("600"),
                "supplier_id": supplier.pk,
                "needed_date": today + dt.timedelta(days=14),
            }
        ],
    )
    requisitions.purchase_requisition_submit(actor=purchaser, doc_id=requisition.pk)

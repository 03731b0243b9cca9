"""Demo sales: approval rules for orders, and orders of six customers in every state — one
delivered (FEFO lots), invoiced with its fapiao number (which closes it) and partly returned
into quarantine, one partly delivered and closed short with a reason, one approved and waiting
for delivery, one waiting for the sales manager (discount 12 %), one on credit hold, one draft.
Quotations in every state, one pushed down into a draft order. Everything goes through the
services, as users would."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from erp.approvals.services.rules import ConditionSpec, StepSpec, approval_rule_save
from erp.core.demo import demo_today
from erp.iam.models import User
from erp.masterdata.models import Customer, Material, Warehouse
from erp.sales.models import SalesOrder
from erp.sales.services import deliveries, invoices, orders, quotations, returns


def _user(username: str, fallback):
    return User.objects.filter(username=username, is_active=True).first() or fallback


def _rules(actor) -> None:
    for name, priority, condition, steps in (
        (
            "销售订单 > ¥200,000：总经理",
            20,
            ConditionSpec("amount", "gt", "200000"),
            [StepSpec("role", "general_manager", name="总经理审批", overdue_hours=24)],
        ),
        (
            "销售订单折扣 > 10%：销售经理",
            10,
            ConditionSpec("discount_pct", "gt", "10"),
            [StepSpec("role", "sales_manager", name="销售经理审批", overdue_hours=24)],
        ),
    ):
        approval_rule_save(
            actor=actor,
            doc_type=orders.DOC_TYPE,
            name=name,
            priority=priority,
            valid_from=None,
            valid_to=None,
            is_active=True,
            conditions=[condition],
            steps=steps,
        )


def _order(seller, customer: str, on: date, *lines, submit=True) -> SalesOrder:
    materials = {m.code: m for m in Material.objects.filter(code__in=[x[0] for x in lines])}
    order = orders.sales_order_create(
        actor=seller,
        header={"customer_id": Customer.objects.get(code=customer).pk, "date": on},
        lines=[
            {
                "material_id": materials[code].pk,
                "quantity": Decimal(qty),
                "unit_price": Decimal(price),
                "discount_pct": Decimal(discount),
            }
            for code, qty, price, discount in lines
        ],
    )
    return orders.sales_order_submit(actor=seller, doc_id=order.pk) if submit else order


def _short_closed(seller, keeper, manager, warehouse, on: date) -> None:
    """20 ordered, 8 shipped, the rest cancelled by the customer: closed short with a reason."""
    order = _order(seller, "C004", on, ("FG-1003", "20", "58.00", "0"))
    line = order.lines.get()
    note = deliveries.delivery_note_create(
        actor=seller,
        header={"order_id": order.pk, "warehouse_id": warehouse.pk, "date": on},
        lines=[{"order_line_id": line.pk, "quantity": Decimal("8")}],
    )
    deliveries.delivery_note_post(actor=keeper, doc_id=note.pk)
    orders.sales_order_close(actor=manager, doc_id=order.pk, reason="客户只要 8 桶，余量取消")


def load_demo(*, actor) -> None:
    # Notes and reasons are stored as written: in the company's language (zh-Hans).
    with translation.override(settings.LANGUAGE_CODE):
        _load(actor)


def _load(actor) -> None:
    if SalesOrder.objects.exists():
        return
    codes = {"FG-1001", "FG-1002", "FG-1003"}
    if Material.objects.filter(code__in=codes).count() < 3 or not Customer.objects.exists():
        return  # master data demo not loaded
    seller, keeper = _user("sales", actor), _user("warehouse", actor)
    accountant = _user("accountant", actor)
    on = demo_today()
    warehouse = Warehouse.objects.filter(code="WH-FG").first() or Warehouse.objects.first()
    _rules(actor)

    shipped = _order(
        seller, "C001", on, ("FG-1001", "200", "45.20", "0"), ("FG-1002", "100", "26.00", "0")
    )
    note = deliveries.delivery_note_create(
        actor=seller,
        header={"order_id": shipped.pk, "warehouse_id": warehouse.pk, "date": on},
        lines=[],
    )
    note = deliveries.delivery_note_post(actor=keeper, doc_id=note.pk)
    invoice = invoices.sales_invoice_create(
        actor=accountant,
        header={
            "delivery_id": note.pk,
            "date": on,
            "fapiao_type": "special",
            "fapiao_number": "04512367",
            "fapiao_date": on,
        },
        lines=[],
    )
    invoices.sales_invoice_post(actor=accountant, doc_id=invoice.pk)
    paint = note.lines.get(material__code="FG-1002")
    back = returns.sales_return_create(
        actor=_user("sales_manager", actor),
        header={"delivery_id": note.pk, "date": on, "reason": "两罐运输途中碰瘪，客户退回"},
        lines=[{"delivery_line_id": paint.pk, "quantity": Decimal("10")}],
    )
    returns.sales_return_post(actor=_user("sales_manager", actor), doc_id=back.pk)

    _short_closed(seller, keeper, _user("sales_manager", actor), warehouse, on)
    _order(seller, "C002", on, ("FG-1003", "50", "58.00", "5"))  # approved, to deliver
    _order(seller, "C003", on, ("FG-1002", "300", "25.50", "12"))  # waits for 销售经理
    _order(seller, "C005", on, ("FG-1003", "3000", "58.00", "0"))  # ¥174,000 > ¥150,000 limit
    _order(seller, "C010", on, ("FG-1001", "40", "46.00", "0"), submit=False)  # draft
    _quotations(seller, on)


def _quotations(seller, on: date) -> None:
    """Quotations in every state: accepted (pushed down into a draft order), sent, lost, expired
    (the nightly job's work) and a draft."""
    for customer, state, days_ago, valid_days, line in (
        ("C006", "order", 3, 30, ("FG-1001", "100", "45.80", "3")),
        ("C007", "sent", 1, 30, ("FG-1002", "200", "26.50", "0")),
        ("C008", "lose", 20, 30, ("FG-1003", "80", "59.00", "0")),
        ("C009", "expire", 45, 15, ("FG-1001", "60", "46.50", "2")),
        ("C003", "draft", 0, 30, ("FG-1003", "120", "57.00", "4")),
    ):
        quoted = on - timedelta(days=days_ago)
        valid_until = quoted + timedelta(days=valid_days)
        if state == "order":
            # Pushed down into an order on the real today, which may lie after the demo day
            # (the demo's dates stop at demo_today): the quotation must still hold then.
            valid_until = max(valid_until, timezone.localdate())
        quotation = _quotation(seller, customer, quoted, valid_until, line)
        if state == "draft":
            continue
        quotations.sales_quotation_send(actor=seller, doc_id=quotation.pk)
        if state == "order":
            quotations.sales_quotation_order(actor=seller, doc_id=quotation.pk)
        elif state == "lose":
            quotations.sales_quotation_lose(
                actor=seller, doc_id=quotation.pk, reason="客户选择了报价低 6% 的本地供应商"
            )
    quotations.sales_quotations_expire(today=on)


def _quotation(seller, customer: str, on: date, valid_until: date, line):
    code, qty, price, discount = line
    return quotations.sales_quotation_create(
        actor=seller,
        header={
            "customer_id": Customer.objects.get(code=customer).pk,
            "date": on,
            "valid_until": valid_until,
        },
        lines=[
            {
                "material_id": Material.objects.get(code=code).pk,
                "quantity": Decimal(qty),
                "unit_price": Decimal(price),
                "discount_pct": Decimal(discount),
            }
        ],
    )

"""Demo books that tell one story with the inventory demo (stock from 2026-09-30 on):

- go-live 2026-10-01. The opening balance sheet at 2026-09-30 comes from the three go-live
  services: GL opening balances without subledger accounts (`opening_balances_post`), the
  opening stock (inventory demo, its voucher posted by `stock_vouchers_catch_up`) and the
  opening receivables/payables (`opening_arap_post`);
- October fully posted and CLOSED by the month-end job's service (overhead allocated, VAT
  transferred, P&L carried forward, every check green); the months before go-live hold nothing
  but the opening and are closed with it;
- November open: sales, a purchase, last month's VAT paid, a supplier payment, one voucher
  reviewed but not posted and expense claims (one paid, two in approval).
Every write goes through the services, so the demo also proves they fit together.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import Account, Period
from erp.accounting.services import arap
from erp.accounting.services.chart import chart_seed
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.month_end import month_end_close
from erp.accounting.services.opening import OpeningLine, opening_balances_post
from erp.accounting.services.periods import periods_create_year
from erp.accounting.services.stock_posting import stock_vouchers_catch_up
from erp.accounting.services.vouchers import voucher_review, voucher_save

GO_LIVE = dt.date(2026, 10, 1)
OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
# GL opening balances: no 1403 (opening stock), 1122/2202 (opening AR/AP) — their own imports.
OPENING = (
    ("1001", "8600.00", "0"),
    ("1002", "1642500.00", "0"),
    ("1405", "245000.00", "0"),  # finished goods held outside the stock demo's materials
    ("1601", "1800000.00", "0"),
    ("1602", "0", "356100.00"),
    ("2001", "0", "500000.00"),
    ("4001", "0", "2000000.00"),
    ("410415", "0", "840000.00"),
)


def _d(summary, *lines, on, word="记") -> VoucherDraft:
    return VoucherDraft(
        date=on,
        word=word,
        lines=tuple(
            DraftLine(summary, code, debit=Decimal(d), credit=Decimal(c), **aux)
            for code, d, c, aux in lines
        ),
    )


def load_demo(*, actor) -> None:
    if Account.objects.exists():
        return
    chart_seed(actor=actor, standard="enterprise")
    # 2026 holds the demo's books; the years up to today are opened too, so what the demo does
    # "today" (a quality decision that splits a lot posts on the real date) has a period.
    for year in range(2026, max(2026, timezone.localdate().year) + 1):
        periods_create_year(actor=actor, year=year)
    stock_vouchers_catch_up(actor=actor)  # opening stock at 09-30 and the Oct/Nov documents
    opening_balances_post(
        actor=actor,
        go_live=GO_LIVE,
        lines=[OpeningLine(c, debit=Decimal(d), credit=Decimal(cr)) for c, d, cr in OPENING],
    )
    partners = _partners()
    if partners:
        _opening_arap(actor, *partners)
    _month(actor, OCTOBER, partners)
    _overhead(actor, OCTOBER)
    arap.open_items_from_vouchers(actor=actor)
    if partners:
        _receipt(actor, partners[0], OCTOBER.replace(day=25), "80000.00")
    october = Period.objects.get(year=2026, month=10)
    for period in Period.objects.filter(start__lte=october.start).order_by("start"):
        month_end_close(actor=actor, period_id=period.pk)
    _november(actor, partners)
    _reviewed_voucher(actor)
    _expense_claims_demo(actor)


def _partners():
    from erp.masterdata.models import Customer, Supplier

    customer = Customer.objects.order_by("code").first()
    supplier = Supplier.objects.order_by("code").first()
    return (customer, supplier) if customer and supplier else None


def _opening_arap(actor, customer, supplier) -> None:
    """Open invoices at go-live (期初应收/应付), dated in September."""
    receivables = [
        arap.OpeningItem(customer.pk, "XS-2609-018", dt.date(2026, 9, 8), Decimal("56500.00")),
        arap.OpeningItem(customer.pk, "XS-2609-031", dt.date(2026, 9, 22), Decimal("90400.00")),
    ]
    payables = [
        arap.OpeningItem(supplier.pk, "CG-2609-007", dt.date(2026, 9, 15), Decimal("67800.00")),
    ]
    arap.opening_arap_post(actor=actor, kind="receivable", go_live=GO_LIVE, items=receivables)
    arap.opening_arap_post(actor=actor, kind="payable", go_live=GO_LIVE, items=payables)


def _month(actor, month_start: dt.date, partners) -> None:
    """A month's trade: a sale on credit with its cost, a purchase on credit (in transit)."""
    cust = {"customer_id": partners[0].pk} if partners else {}
    supp = {"supplier_id": partners[1].pk} if partners else {}
    # Without master data (a bare test database) sales and purchases are settled by bank.
    receivable = "1122" if partners else "1002"
    payable = "220201" if partners else "1002"
    on = month_start.replace(day=12)
    voucher_post(
        actor=actor,
        draft=_d(
            "销售环氧树脂涂料",
            (receivable, "113000.00", "0", cust),
            ("6001", "0", "100000.00", {}),
            ("22210102", "0", "13000.00", {}),
            on=on,
        ),
    )
    voucher_post(
        actor=actor,
        draft=_d(
            "结转销售成本",
            ("6401", "64000.00", "0", {}),
            ("1405", "0", "64000.00", {}),
            on=on,
            word="转",
        ),
    )
    voucher_post(
        actor=actor,
        draft=_d(
            "采购原材料（在途）",
            ("1402", "50000.00", "0", {}),
            ("22210101", "6500.00", "0", {}),
            (payable, "0", "56500.00", supp),
            on=on.replace(day=18),
        ),
    )


def _overhead(actor, month_start: dt.date) -> None:
    """Workshop costs on 制造费用 by department; the month-end allocates them to 生产成本."""
    from erp.iam.models import Department

    workshop, _created = Department.objects.get_or_create(
        code="PROD", defaults={"name": "生产车间"}
    )
    dept = {"department_id": workshop.pk}
    voucher_post(
        actor=actor,
        draft=_d(
            "计提车间设备折旧",
            ("5101", "15000.00", "0", dept),
            ("1602", "0", "15000.00", {}),
            on=month_start.replace(day=28),
            word="转",
        ),
    )
    voucher_post(
        actor=actor,
        draft=_d(
            "支付车间水电费",
            ("5101", "8200.00", "0", dept),
            ("1002", "0", "8200.00", {}),
            on=month_start.replace(day=28),
            word="付",
        ),
    )


def _receipt(actor, customer, on: dt.date, amount: str) -> None:
    receipt = arap.customer_receipt_save(
        actor=actor,
        customer_id=customer.pk,
        date=on,
        amount=Decimal(amount),
        bank_account_code="1002",
        reference="网银回单",
    )
    arap.customer_receipt_post(actor=actor, receipt_id=receipt.pk)


def _november(actor, partners) -> None:
    voucher_post(
        actor=actor,
        draft=_d(
            "缴纳上月增值税",
            ("222102", "6500.00", "0", {}),
            ("1002", "0", "6500.00", {}),
            on=NOVEMBER.replace(day=10),
            word="付",
        ),
    )
    _month(actor, NOVEMBER, partners)
    arap.open_items_from_vouchers(actor=actor)
    if not partners:
        return
    payment = arap.supplier_payment_save(
        actor=actor,
        supplier_id=partners[1].pk,
        date=NOVEMBER.replace(day=20),
        amount=Decimal("67800.00"),
        bank_account_code="1002",
        reference="网银付款",
    )
    arap.supplier_payment_post(actor=actor, payment_id=payment.pk)
    _receipt(actor, partners[0], NOVEMBER.replace(day=25), "100000.00")


def _reviewed_voucher(actor) -> None:
    """One voucher entered by the accountant and reviewed by the finance manager, not posted."""
    from erp.iam.models import User

    accountant = User.objects.filter(username="accountant").first() or actor
    reviewer = User.objects.filter(username="finance_manager").first() or actor
    if accountant == reviewer:
        return
    cash, bank = Account.objects.get(code="1001"), Account.objects.get(code="1002")
    voucher = voucher_save(
        actor=accountant,
        date=NOVEMBER.replace(day=20),
        lines=[
            {"summary": "提取备用金", "account_id": cash.pk, "debit": "5000.00"},
            {"summary": "提取备用金", "account_id": bank.pk, "credit": "5000.00"},
        ],
        attachments=1,
    )
    voucher_review(actor=reviewer, voucher_id=voucher.pk)


def _expense_claims_demo(actor) -> None:
    from erp.accounting.demo_expenses import load_demo as expenses_demo

    expenses_demo(actor=actor)

"""Demo books: the enterprise chart, the periods of 2026, an opening balance voucher, January
posted, carried forward and closed, February with postings and one reviewed voucher."""

import datetime as dt
from decimal import Decimal

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import Account, Period
from erp.accounting.services.chart import chart_seed
from erp.accounting.services.closing import pl_carry_forward
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.periods import period_close, periods_create_year
from erp.accounting.services.stock_posting import stock_vouchers_catch_up
from erp.accounting.services.vouchers import voucher_review, voucher_save

OPENING = (
    ("1001", "8600.00", "0"),
    # Raw materials are not in the opening balances: the stock demo's documents post their own
    # vouchers (stock_vouchers_catch_up), so stock value = GL 1403 at every month end.
    ("1002", "1642500.00", "0"),
    ("1405", "245000.00", "0"),
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
    periods_create_year(actor=actor, year=2026)
    jan, feb = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    voucher_post(
        actor=actor,
        draft=_d("期初余额", *((c, d, cr, {}) for c, d, cr in OPENING), on=jan, word="转"),
    )
    from erp.masterdata.models import Customer, Supplier

    customer = Customer.objects.order_by("code").first()
    supplier = Supplier.objects.order_by("code").first()
    cust = {"customer_id": customer.pk} if customer else {}
    supp = {"supplier_id": supplier.pk} if supplier else {}
    # Without master data (a bare test database) sales and purchases are settled in cash.
    receivable = "1122" if customer else "1002"
    payable = "220201" if supplier else "1002"
    sales = (
        (receivable, "113000.00", "0", cust),
        ("6001", "0", "100000.00", {}),
        ("22210102", "0", "13000.00", {}),
    )
    for month_start in (jan, feb):
        on = month_start.replace(day=12)
        voucher_post(actor=actor, draft=_d("销售树脂产品", *sales, on=on))
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
        if not customer:
            continue
        voucher_post(
            actor=actor,
            draft=_d(
                "收到货款",
                ("1002", "80000.00", "0", {}),
                ("1122", "0", "80000.00", cust),
                on=on.replace(day=25),
                word="收",
            ),
        )
    stock_vouchers_catch_up(actor=actor)
    january = Period.objects.get(year=2026, month=1)
    pl_carry_forward(actor=actor, period_id=january.pk)
    period_close(actor=actor, period_id=january.pk)
    _reviewed_voucher(actor)
    _expense_claims_demo(actor)


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
        date=dt.date(2026, 2, 20),
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

"""Books scenario: one month entered through the services and closed, checked against figures
worked out by hand (never read back from the product).

Costing rule (docs/inventory.md): moving average per material, company-wide; every outflow is
valued at quantity × average (an issue emptying a lot too), and only receipts move the average.

Month M (the month before today, so stock dates are never in the future), material RESIN
(batch-managed, category RM → 1403), warehouse WH1 with bins A and B:

  d2  receipt L1 1,000 kg @ 18.00 into A            18,000.00   avg 18.00 (1,000 kg)
  d3  receipt L2 1,000 kg @ 19.64 into A            19,640.00   avg 37,640 / 2,000 = 18.82
  d5  issue 1,500 kg FEFO from A: empties L1 (1,000) and takes 500 of L2
        1,000 × 18.82 = 18,820.00 + 500 × 18.82 = 9,410.00 = 28,230.00  (Dr 500101 / Cr 1403)
        left 500 kg, 37,640 − 28,230 = 9,410.00, avg 18.82
  d8  receipt L3 500 kg @ 20.00 into A              10,000.00   avg 19,410 / 1,000 = 19.41
  d10 transfer 300 kg of L3 from A to B (same warehouse and account: no voucher)
  d15 count of bin B: book 300, counted 290 → loss 10 × 19.41 = 194.10 (Dr 1901 / Cr 1403)
        left 990 kg, 19,215.90, avg 19.41
  d20 issue 200 kg FEFO from A: L2 (earliest expiry left) → 200 × 19.41 = 3,882.00
        left 790 kg = 15,333.90 (= 790 × 19.41 exactly)
  Receipts without a supplier credit 1901: 18,000 + 19,640 + 10,000 = 47,640.00.

Manual vouchers (entered by 会计, reviewed by another user, posted):
  d1  capital: Dr 1002 100,000.00 / Cr 4001 100,000.00
  d4  purchase invoice 江苏树脂: Dr 1901 47,640.00, Dr 22210101 6,193.20 (13 %)
        / Cr 220201 (supplier) 53,833.20
  d12 sales invoice 华东化工: Dr 1122 (customer) 56,500.00 / Cr 6001 50,000.00,
        Cr 22210102 6,500.00
  d21 cost of sales: Dr 6401 32,112.00 / Cr 500101 32,112.00 (28,230 + 3,882)
  d22 expenses: Dr 6601 销售部 3,000.00, Dr 6602 行政部 2,000.00 / Cr 1002 5,000.00
  d23 count loss approved: Dr 6602 行政部 194.10 / Cr 1901 194.10
Settlements: d25 customer receipt 30,000.00 (Dr 1002 / Cr 1122), d26 supplier payment
40,000.00 (Dr 220201 / Cr 1002).

Month-end: VAT 6,500.00 − 6,193.20 = 306.80 → Dr 22210103 / Cr 222102 306.80; carry-forward:
profit = 50,000 − 32,112 − 3,000 − (2,000 + 194.10) = 12,693.90 → Cr 4103; period closed.

Balances at month end:
  1002 100,000 + 30,000 − 5,000 − 40,000 = 85,000.00     1122 56,500 − 30,000 = 26,500.00
  1403 15,333.90    500101 0    1901 47,640 − 47,640 + 194.10 − 194.10 = 0
  220201 53,833.20 − 40,000 = 13,833.20 (credit)         2221 net 306.80 (credit: 222102)
  4001 100,000.00 (credit)    4103 12,693.90 (credit)     every P&L account 0
资产负债表: 货币资金 85,000.00; 应收账款 26,500.00; 存货 15,333.90; 资产总计 126,833.90;
  应付账款 13,833.20; 应交税费 306.80; 负债合计 14,140.00; 实收资本 100,000.00;
  未分配利润 12,693.90; 负债和所有者权益总计 126,833.90.
利润表 (本期 = 本年累计, nothing earlier in the year): 营业收入 50,000.00; 营业成本 32,112.00;
  销售费用 3,000.00; 管理费用 2,194.10; 营业利润 = 利润总额 = 净利润 12,693.90.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from erp.accounting.models import Account, Period, Voucher
from erp.accounting.selectors import trial_balance
from erp.accounting.selectors_statements import balance_sheet, income_statement
from erp.accounting.services import arap
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.month_end import month_end_close
from erp.accounting.services.periods import period_close, periods_create_year
from erp.accounting.services.vouchers import voucher_review, voucher_save
from erp.inventory.models import Lot
from erp.inventory.services.counts import (
    stock_count_create,
    stock_count_enter,
    stock_count_freeze,
    stock_count_post,
)
from erp.inventory.services.documents import stock_document_create, stock_document_post
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

pytestmark = pytest.mark.django_db

_first_of_this_month = dt.date.today().replace(day=1)
START = (_first_of_this_month - dt.timedelta(days=1)).replace(day=1)  # month M


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n - 1)


@pytest.fixture
def plant(db):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    rm = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH1", name="原料仓")
    resin = Material.objects.create(
        code="RM-RESIN", name="树脂", category=rm, inventory_type="raw", procurement="buy",
        base_unit=kg, batch_managed=True,
    )  # fmt: skip
    a = Location.objects.create(warehouse=wh, code="A-01", name="A-01")
    b = Location.objects.create(warehouse=wh, code="B-01", name="B-01")
    return {"wh": wh, "a": a, "b": b, "resin": resin}


@pytest.fixture
def people(make_user, books, accountant, reviewer):
    from erp.iam.models import Department

    return {
        "keeper": make_user("keeper", "warehouse"),
        "clerk": accountant,
        "checker": reviewer,
        "manager": books,
        "sales": Department.objects.create(code="XS", name="销售部"),
        "admin": Department.objects.create(code="XZ", name="行政部"),
    }


def _doc(keeper, kind, on, lines, plant, **header):
    doc = stock_document_create(
        actor=keeper,
        kind=kind,
        header={"date": on, "warehouse_id": plant["wh"].pk, **header},
        lines=lines,
    )
    return stock_document_post(actor=keeper, kind=kind, doc_id=doc.pk)


def _receive(keeper, plant, on, lot, qty, cost, expiry_days):
    line = {
        "material_id": plant["resin"].pk, "location_id": plant["a"].pk, "quantity": qty,
        "unit_cost": cost, "lot_number": lot, "expiry_date": on + dt.timedelta(days=expiry_days),
    }  # fmt: skip
    return _doc(keeper, "otherreceipt", on, [line], plant)


def _issue(keeper, plant, on, qty):
    line = {"material_id": plant["resin"].pk, "location_id": plant["a"].pk, "quantity": qty}
    return _doc(keeper, "otherissue", on, [line], plant, reason="internal")


def _manual(p, on, *lines):
    """Entered by the clerk, reviewed by the checker, posted by the manager."""
    codes = {code for code, *_rest in lines}
    ids = dict(Account.objects.filter(code__in=codes).values_list("code", "pk"))
    rows = [
        {"summary": "业务", "account_id": ids[code], "debit": d, "credit": c, **aux}
        for code, d, c, aux in lines
    ]
    draft = voucher_save(actor=p["clerk"], date=on, lines=rows)
    voucher_review(actor=p["checker"], voucher_id=draft.pk)
    return voucher_post(actor=p["manager"], voucher_id=draft.pk)


def test_a_month_of_books_closes_with_hand_computed_figures(plant, people):
    from erp.masterdata.models import Customer, Supplier

    p, keeper = people, people["keeper"]
    if not Period.objects.filter(year=START.year).exists():
        periods_create_year(actor=p["manager"], year=START.year)
    for earlier in Period.objects.filter(year=START.year, month__lt=START.month):
        period_close(actor=p["manager"], period_id=earlier.pk)
    month = Period.objects.get(year=START.year, month=START.month)
    customer = Customer.objects.create(code="C-001", name="华东化工")
    supplier = Supplier.objects.create(code="S-001", name="江苏树脂")
    sales, admin = p["sales"].pk, p["admin"].pk

    _manual(p, day(1), ("1002", "100000.00", "", {}), ("4001", "", "100000.00", {}))
    _receive(keeper, plant, day(2), "L1", "1000", "18.00", 200)
    _receive(keeper, plant, day(3), "L2", "1000", "19.64", 300)
    _manual(p, day(4), ("1901", "47640.00", "", {}), ("22210101", "6193.20", "", {}),
            ("220201", "", "53833.20", {"supplier_id": supplier.pk}))  # fmt: skip
    _issue(keeper, plant, day(5), "1500")
    _receive(keeper, plant, day(8), "L3", "500", "20.00", 400)
    l3 = Lot.objects.get(number="L3")
    _doc(keeper, "transfer", day(10), [{
        "material_id": plant["resin"].pk, "from_location_id": plant["a"].pk,
        "to_location_id": plant["b"].pk, "quantity": "300", "lot_id": l3.pk,
    }], plant, to_warehouse_id=plant["wh"].pk)  # fmt: skip
    count = stock_count_create(
        actor=keeper,
        header={"date": day(15), "warehouse_id": plant["wh"].pk, "location_ids": [plant["b"].pk]},
    )
    count = stock_count_freeze(actor=keeper, count_id=count.pk)
    (line,) = count.lines.all()
    assert line.book_quantity == D("300")
    stock_count_enter(actor=keeper, count_id=count.pk, counts={line.pk: "290"})
    stock_count_post(actor=keeper, count_id=count.pk)
    _manual(p, day(12), ("1122", "56500.00", "", {"customer_id": customer.pk}),
            ("6001", "", "50000.00", {}), ("22210102", "", "6500.00", {}))  # fmt: skip
    _issue(keeper, plant, day(20), "200")
    _manual(p, day(21), ("6401", "32112.00", "", {}), ("500101", "", "32112.00", {}))
    _manual(p, day(22), ("6601", "3000.00", "", {"department_id": sales}),
            ("6602", "2000.00", "", {"department_id": admin}),
            ("1002", "", "5000.00", {}))  # fmt: skip
    _manual(p, day(23), ("6602", "194.10", "", {"department_id": admin}),
            ("1901", "", "194.10", {}))  # fmt: skip
    arap.open_items_from_vouchers(actor=p["clerk"])
    receipt = arap.customer_receipt_save(
        actor=p["clerk"], customer_id=customer.pk, date=day(25), amount=D("30000.00"),
        bank_account_code="1002",
    )  # fmt: skip
    arap.customer_receipt_post(actor=p["clerk"], receipt_id=receipt.pk)
    payment = arap.supplier_payment_save(
        actor=p["clerk"], supplier_id=supplier.pk, date=day(26), amount=D("40000.00"),
        bank_account_code="1002",
    )  # fmt: skip
    arap.supplier_payment_post(actor=p["clerk"], payment_id=payment.pk)

    # Stock ledger vouchers at the moving average (values by hand, see the docstring).
    issues = Voucher.objects.filter(source_type="inventory.otherissue").order_by("date")
    assert [v.total for v in issues] == [D("28230.00"), D("3882.00")]
    count_voucher = Voucher.objects.get(source_type="inventory.stockcount")
    assert count_voucher.total == D("194.10")

    closed = month_end_close(actor=p["manager"], period_id=month.pk)
    assert closed.state == "closed"
    vat = Voucher.objects.get(source_type="accounting.vat_transfer")
    assert vat.total == D("306.80")
    carry = Voucher.objects.get(source_type="accounting.pl_carry_forward")
    assert carry.lines.get(account__code="4103").credit == D("12693.90")
    assert {x.department_id for x in carry.lines.filter(account__code="6602")} == {admin}

    tb = {r.account.code: r.closing for r in trial_balance(month).rows}
    expected = {
        "1002": D("85000.00"), "1122": D("26500.00"), "1403": D("15333.90"), "500101": D("0"),
        "1901": D("0"), "220201": D("-13833.20"), "22210101": D("6193.20"),
        "22210102": D("-6500.00"), "22210103": D("306.80"), "222102": D("-306.80"),
        "4001": D("-100000.00"), "4103": D("-12693.90"), "6001": D("0"), "6401": D("0"),
        "6601": D("0"), "6602": D("0"),
    }  # fmt: skip
    assert {code: tb.get(code, D("0")) for code in expected} == expected

    bs = balance_sheet(month)
    assert bs.balanced and bs.unmapped == []
    assert [bs.value(n) for n in (1, 5, 9, 13, 14, 34)] == [
        D("85000.00"), D("26500.00"), D("15333.90"), D("0"), D("126833.90"), D("126833.90"),
    ]  # fmt: skip
    assert [bs.value(n) for n in (39, 43, 48, 60, 61, 70, 72)] == [
        D("13833.20"), D("306.80"), D("14140.00"), D("14140.00"), D("100000.00"),
        D("12693.90"), D("126833.90"),
    ]  # fmt: skip

    ist = income_statement(month)
    for column in (0, 1):  # 本期金额 = 本年累计金额: nothing else this year
        assert [ist.value(n, column) for n in (1, 2, 4, 5, 7, 19, 22, 24)] == [
            D("50000.00"), D("32112.00"), D("3000.00"), D("2194.10"), D("0"),
            D("12693.90"), D("12693.90"), D("12693.90"),
        ]  # fmt: skip

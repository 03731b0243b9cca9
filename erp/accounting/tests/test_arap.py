"""AR/AP subledgers: open items, allocation, advances, vouchers, aging, statements, opening
import, control tie-out, permissions."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.builders.arap import BUCKETS, ItemFacts, auto_plan, bucket_of
from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import OpenItem, Voucher
from erp.accounting.selectors_arap import (
    aging,
    arap_control_differences,
    control_tie_out,
    open_items_as_of,
    partner_statement,
)
from erp.accounting.services import arap as svc
from erp.accounting.services.gate import voucher_post
from erp.core.errors import BusinessRuleError, Conflict, PermissionDenied

pytestmark = pytest.mark.django_db
D = Decimal
GO_LIVE = dt.date(2026, 2, 1)


@pytest.fixture
def partners():
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.masterdata.models import Customer, PaymentTerm, Supplier

    numbering_rules_ensure_defaults()
    net30 = PaymentTerm.objects.create(code="N30", name="月结30天", days=30)
    customer = Customer.objects.create(code="C-001", name="华东化工", payment_term=net30)
    other = Customer.objects.create(code="C-002", name="南方涂料")
    supplier = Supplier.objects.create(code="S-001", name="江苏树脂")
    return customer, other, supplier


def _opening_ar(actor, customer, rows):
    items = [svc.OpeningItem(customer.pk, number, on, D(amount)) for number, on, amount in rows]
    return svc.opening_arap_post(actor=actor, kind="receivable", go_live=GO_LIVE, items=items)


def _items(customer):
    return list(OpenItem.objects.filter(customer=customer).order_by("doc_date", "pk"))


def test_opening_import_creates_items_and_one_balanced_voucher(books, partners):
    customer, _other, _supplier = partners
    voucher = _opening_ar(
        books,
        customer,
        [("INV-1", dt.date(2025, 11, 5), "1000.00"), ("INV-2", dt.date(2025, 12, 10), "500.00")],
    )
    assert voucher.state == "posted" and voucher.date == dt.date(2026, 1, 31)
    lines = list(voucher.lines.select_related("account"))
    assert {(x.account.code, x.debit, x.credit) for x in lines} == {
        ("1122", D("1000.00"), D("0")),
        ("1122", D("500.00"), D("0")),
        ("410415", D("0"), D("1500.00")),
    }
    first, _second = _items(customer)
    assert (first.amount, first.due_date) == (D("1000.00"), dt.date(2025, 12, 5))  # 月结30天
    assert first.voucher == voucher and first.source_number == "INV-1"
    assert arap_control_differences(_period(2026, 2)) == []
    with pytest.raises(Conflict):
        _opening_ar(books, customer, [("INV-3", dt.date(2025, 12, 1), "1.00")])
    assert Voucher.objects.filter(source_type="golive.openingar").count() == 1


def _period(year, month):
    from erp.accounting.models import Period

    return Period.objects.get(year=year, month=month)


def _receipt(actor, customer, amount, lines=None, on=dt.date(2026, 2, 20)):
    receipt = svc.customer_receipt_save(
        actor=actor,
        customer_id=customer.pk,
        date=on,
        amount=D(amount),
        bank_account_code="1002",
        lines=lines,
    )
    return svc.customer_receipt_post(actor=actor, receipt_id=receipt.pk)


def test_auto_allocation_oldest_first_partial_and_full(books, partners, accountant):
    customer, _other, _supplier = partners
    _opening_ar(
        books,
        customer,
        [("INV-2", dt.date(2025, 12, 10), "500.00"), ("INV-1", dt.date(2025, 11, 5), "1000.00")],
    )
    receipt = _receipt(accountant, customer, "1200.00")
    assert receipt.state == "posted" and receipt.number.startswith("CR")
    old, new = (OpenItem.objects.get(source_number=n) for n in ("INV-1", "INV-2"))
    assert (old.allocated, old.state) == (D("1000.00"), "closed")
    assert (new.allocated, new.open_amount, new.state) == (D("200.00"), D("300.00"), "open")
    voucher = receipt.voucher
    assert voucher.word == "收" and voucher.source_id == str(receipt.pk)
    assert {(x.account.code, x.debit, x.credit, x.customer_id) for x in voucher.lines.all()} == {
        ("1002", D("1200.00"), D("0"), None),
        ("1122", D("0"), D("1200.00"), customer.pk),
    }
    assert arap_control_differences(_period(2026, 2)) == []


def test_manual_allocation_and_advance(books, partners, accountant):
    customer, _other, _supplier = partners
    _opening_ar(books, customer, [("INV-1", dt.date(2025, 11, 5), "1000.00")])
    item = _items(customer)[0]
    receipt = _receipt(
        accountant, customer, "1300.00", lines=[{"open_item_id": item.pk, "amount": "1000.00"}]
    )
    lines = {(x.account.code, x.debit, x.credit) for x in receipt.voucher.lines.all()}
    assert lines == {
        ("1002", D("1300.00"), D("0")),
        ("1122", D("0"), D("1000.00")),
        ("2203", D("0"), D("300.00")),
    }
    advance = OpenItem.objects.get(source_type="accounting.customerreceipt", source_line="advance")
    assert (advance.amount, advance.account.code, advance.state) == (D("-300.00"), "2203", "open")
    rows = aging("receivable", dt.date(2026, 2, 28)).rows
    assert rows[0].advances == D("-300.00") and rows[0].total == D("-300.00")
    assert arap_control_differences(_period(2026, 2)) == []


def test_over_allocation_refused_and_nothing_written(books, partners, accountant):
    customer, _other, _supplier = partners
    _opening_ar(books, customer, [("INV-1", dt.date(2025, 11, 5), "1000.00")])
    item = _items(customer)[0]
    with pytest.raises(BusinessRuleError) as exc:
        svc.customer_receipt_save(
            actor=accountant,
            customer_id=customer.pk,
            date=dt.date(2026, 2, 20),
            amount=D("2000.00"),
            bank_account_code="1002",
            lines=[{"open_item_id": item.pk, "amount": "1000.01"}],
        )
    assert exc.value.code == "over_allocation" and "1,000.00" in str(exc.value.message)
    with pytest.raises(BusinessRuleError):  # allocations above the receipt amount
        svc.customer_receipt_save(
            actor=accountant,
            customer_id=customer.pk,
            date=dt.date(2026, 2, 20),
            amount=D("10.00"),
            bank_account_code="1002",
            lines=[{"open_item_id": item.pk, "amount": "20.00"}],
        )
    # Two drafts each allocating 600 of the 1000: the second post is refused at posting.
    drafts = [
        svc.customer_receipt_save(
            actor=accountant,
            customer_id=customer.pk,
            date=dt.date(2026, 2, 20),
            amount=D("600.00"),
            bank_account_code="1002",
            lines=[{"open_item_id": item.pk, "amount": "600.00"}],
        )
        for _ in range(2)
    ]
    svc.customer_receipt_post(actor=accountant, receipt_id=drafts[0].pk)
    with pytest.raises(BusinessRuleError) as exc:
        svc.customer_receipt_post(actor=accountant, receipt_id=drafts[1].pk)
    assert exc.value.code == "over_allocation"
    item.refresh_from_db()
    drafts[1].refresh_from_db()
    assert item.allocated == D("600.00") and drafts[1].state == "draft" and not drafts[1].number
    assert Voucher.objects.filter(source_type="accounting.customerreceipt").count() == 1


def test_allocation_to_another_customers_item_refused(books, partners, accountant):
    customer, other, _supplier = partners
    _opening_ar(books, customer, [("INV-1", dt.date(2025, 11, 5), "1000.00")])
    item = _items(customer)[0]
    from erp.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        svc.customer_receipt_save(
            actor=accountant,
            customer_id=other.pk,
            date=dt.date(2026, 2, 20),
            amount=D("100.00"),
            bank_account_code="1002",
            lines=[{"open_item_id": item.pk, "amount": "100.00"}],
        )


def test_supplier_payment_mirror(books, partners, accountant):
    _customer, _other, supplier = partners
    svc.opening_arap_post(
        actor=books,
        kind="payable",
        go_live=GO_LIVE,
        items=[svc.OpeningItem(supplier.pk, "PI-9", dt.date(2025, 12, 1), D("800.00"))],
    )
    item = OpenItem.objects.get(supplier=supplier)
    assert item.account.code == "220201" and item.kind == "payable"
    payment = svc.supplier_payment_save(
        actor=accountant,
        supplier_id=supplier.pk,
        date=dt.date(2026, 2, 15),
        amount=D("1000.00"),
        bank_account_code="1002",
    )
    payment = svc.supplier_payment_post(actor=accountant, payment_id=payment.pk)
    assert payment.number.startswith("PM") and payment.voucher.word == "付"
    lines = {(x.account.code, x.debit, x.credit) for x in payment.voucher.lines.all()}
    assert lines == {
        ("220201", D("800.00"), D("0")),
        ("1123", D("200.00"), D("0")),
        ("1002", D("0"), D("1000.00")),
    }
    item.refresh_from_db()
    assert item.state == "closed"
    assert OpenItem.objects.get(source_line="advance").amount == D("-200.00")
    assert arap_control_differences(_period(2026, 2)) == []


def test_replay_post_is_409(books, partners, accountant):
    customer, _other, _supplier = partners
    receipt = _receipt(accountant, customer, "100.00")
    with pytest.raises(Conflict):
        svc.customer_receipt_post(actor=accountant, receipt_id=receipt.pk)


def test_permissions_salesperson_cannot_post(books, partners, accountant, make_user):
    customer, _other, _supplier = partners
    seller = make_user("xiaoshou", "sales")
    with pytest.raises(PermissionDenied):
        svc.customer_receipt_save(
            actor=seller,
            customer_id=customer.pk,
            date=dt.date(2026, 2, 20),
            amount=D("1.00"),
            bank_account_code="1002",
        )
    draft = svc.customer_receipt_save(
        actor=accountant,
        customer_id=customer.pk,
        date=dt.date(2026, 2, 20),
        amount=D("1.00"),
        bank_account_code="1002",
    )
    with pytest.raises(PermissionDenied):
        svc.customer_receipt_post(actor=seller, receipt_id=draft.pk)
    assert svc.customer_receipt_post(actor=accountant, receipt_id=draft.pk).state == "posted"


def test_manual_voucher_lines_become_open_items_and_tie_out(books, partners, accountant):
    customer, _other, _supplier = partners
    draft = VoucherDraft(
        date=dt.date(2026, 1, 8),
        lines=(
            DraftLine("代垫运费", "1221", debit=D("50.00"), customer_id=customer.pk,
                      employee_id=accountant.pk),
            DraftLine("代垫运费", "1002", credit=D("50.00")),
        ),
    )  # fmt: skip
    voucher_post(actor=books, draft=draft)
    period = _period(2026, 1)
    (diff,) = arap_control_differences(period)
    assert (diff.account_code, diff.gl, diff.subledger) == ("1221", D("50.00"), D("0"))
    created = svc.open_items_from_vouchers(actor=accountant)
    assert [(i.kind, i.amount, i.account.code) for i in created] == [
        ("receivable", D("50.00"), "1221")
    ]
    assert svc.open_items_from_vouchers(actor=accountant) == []  # idempotent
    assert arap_control_differences(period) == []
    assert len(control_tie_out(period.end)) == 1


def test_aging_buckets_on_constructed_dates(books, partners):
    customer, _other, _supplier = partners
    as_of = dt.date(2025, 12, 31)
    rows = [
        (f"A{age}", as_of - dt.timedelta(days=age), f"{age + 1}.00")
        for age in (0, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366, 800)
    ]
    _opening_ar(books, customer, rows)
    result = aging("receivable", as_of)
    (row,) = result.rows
    expected = [D("32.00"), D("93.00"), D("153.00"), D("273.00"), D("548.00"), D("1168.00")]
    assert [label for label, *_r in BUCKETS] == list(result.labels)
    assert row.buckets == expected
    assert row.total == sum(expected) == result.totals.total
    assert row.overdue == sum(expected) - D("1.00") - D("31.00")  # due within 30 days: not yet
    assert [bucket_of(as_of - dt.timedelta(days=d), as_of) for d in (0, 30, 31, 365, 366)] == [
        0, 0, 1, 4, 5,
    ]  # fmt: skip


def test_aging_as_of_an_earlier_date_ignores_later_receipts(books, partners, accountant):
    customer, _other, _supplier = partners
    _opening_ar(books, customer, [("INV-1", dt.date(2025, 11, 5), "1000.00")])
    _receipt(accountant, customer, "1000.00", on=dt.date(2026, 2, 20))
    assert open_items_as_of("receivable", dt.date(2026, 2, 28)) == []
    (row,) = open_items_as_of("receivable", dt.date(2026, 2, 19))
    assert row.open_amount == D("1000.00")


def test_statement_totals(books, partners, accountant):
    customer, _other, _supplier = partners
    _opening_ar(
        books,
        customer,
        [("INV-1", dt.date(2025, 11, 5), "1000.00"), ("INV-2", dt.date(2025, 12, 20), "400.00")],
    )
    _receipt(accountant, customer, "1100.00", on=dt.date(2026, 1, 10))
    statement = partner_statement(
        "receivable", customer.pk, dt.date(2025, 12, 1), dt.date(2026, 1, 31)
    )
    assert statement.opening == D("1000.00")
    assert statement.increase == D("400.00") and statement.decrease == D("1100.00")
    assert statement.closing == D("300.00") == statement.rows[-1].balance
    assert [r.number for r in statement.rows] == ["INV-2", statement.rows[1].number]


def test_auto_plan_is_pure():
    items = [
        ItemFacts(2, "1122", dt.date(2026, 1, 2), D("50")),
        ItemFacts(1, "1122", dt.date(2026, 1, 1), D("30")),
        ItemFacts(3, "2203", dt.date(2025, 1, 1), D("-10")),
    ]
    assert auto_plan(D("60"), items) == [(1, D("30")), (2, D("30"))]

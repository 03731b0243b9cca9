"""Order → delivery (FEFO, released lots, shelf life, COGS) → invoice (AR, output VAT) →
receipt, and a return into quarantine at the delivery's cost."""

from decimal import Decimal

import pytest

from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.inventory.models import StockMove
from erp.sales.services import deliveries, invoices, returns
from erp.sales.tests.conftest import TODAY, order_line

pytestmark = pytest.mark.django_db


def _voucher_lines(source_type: str, source_id) -> dict[str, tuple[Decimal, Decimal]]:
    """account code → (Σ debit, Σ credit) of the vouchers a document posted."""
    from erp.accounting.models import VoucherLine

    found: dict[str, tuple[Decimal, Decimal]] = {}
    for line in VoucherLine.objects.filter(
        voucher__source_type=source_type, voucher__source_id=str(source_id)
    ).select_related("account"):
        d, c = found.get(line.account.code, (Decimal(0), Decimal(0)))
        found[line.account.code] = (d + line.debit, c + line.credit)
    return found


@pytest.fixture
def stocked(plant, receive):
    early = receive(plant["paint"], "5", "10", "L-EARLY", expiry_days=100)
    late = receive(plant["paint"], "20", "12", "L-LATE", expiry_days=300)
    return {**plant, "early": early, "late": late}


def _deliver(plant, order, lines=None):
    note = deliveries.delivery_note_create(
        actor=plant["seller"],
        header={"order_id": order.pk, "warehouse_id": plant["wh"].pk, "date": TODAY},
        lines=lines or [],
    )
    return note


def _posted_delivery(stocked, approved_order, qty="10", **line_kw):
    order = approved_order(stocked["acme"], order_line(stocked["paint"], qty, "113.00", **line_kw))
    note = _deliver(stocked, order)
    return order, deliveries.delivery_note_post(actor=stocked["keeper"], doc_id=note.pk)


def test_delivery_picks_fefo_and_books_cost_of_goods_sold(stocked, approved_order):
    order, note = _posted_delivery(stocked, approved_order)
    assert note.state == "posted" and note.number.startswith("DN")
    moves = StockMove.objects.filter(source_type="sales.deliverynote", source_id=str(note.pk))
    assert sorted((m.lot.number, m.quantity, m.move_type) for m in moves) == [
        ("L-EARLY", Decimal("5"), "sales_delivery"),
        ("L-LATE", Decimal("5"), "sales_delivery"),
    ]
    # average (5 × 10 + 20 × 12) / 25 = 11.60; 10 × 11.60 = 116.00
    note.refresh_from_db()
    assert note.cost_total == Decimal("116.00")
    assert _voucher_lines("sales.deliverynote", note.pk) == {
        "6401": (Decimal("116.00"), Decimal("0")),
        "1403": (Decimal("0"), Decimal("116.00")),
    }
    line = order.lines.get()
    assert line.delivered_qty == Decimal("10")


def test_over_delivery_is_refused(stocked, approved_order):
    order = approved_order(stocked["acme"], order_line(stocked["paint"], "4", "10"))
    line = order.lines.get()
    with pytest.raises(ValidationFailed) as caught:
        _deliver(stocked, order, [{"order_line_id": line.pk, "quantity": "4.5"}])
    assert "4" in str(caught.value.message)
    first = _deliver(stocked, order, [{"order_line_id": line.pk, "quantity": "3"}])
    second = _deliver(stocked, order, [{"order_line_id": line.pk, "quantity": "3"}])
    deliveries.delivery_note_post(actor=stocked["keeper"], doc_id=first.pk)
    with pytest.raises(ValidationFailed):  # only 1 left when the second posts
        deliveries.delivery_note_post(actor=stocked["keeper"], doc_id=second.pk)
    line.refresh_from_db()
    assert line.delivered_qty == Decimal("3")


def test_a_quarantine_lot_cannot_be_delivered(plant, receive, approved_order):
    from django.utils import translation

    from erp.inventory.services.lots import lot_status_change

    lot = receive(plant["paint"], "10", "10", "L-QC")
    lot_status_change(actor=plant["qm"], lot_id=lot.pk, status="quarantine", reason="复检")
    order = approved_order(plant["acme"], order_line(plant["paint"], "2", "10"))
    line = order.lines.get()
    chosen = _deliver(plant, order, [{"order_line_id": line.pk, "quantity": "2", "lot_id": lot.pk}])
    with translation.override("zh-hans"), pytest.raises(BusinessRuleError) as caught:
        deliveries.delivery_note_post(actor=plant["keeper"], doc_id=chosen.pk)
    assert caught.value.code == "lot_status_refused"
    assert "L-QC" in str(caught.value.message) and "待检" in str(caught.value.message)
    fefo = _deliver(plant, order, [{"order_line_id": line.pk, "quantity": "2"}])
    with pytest.raises(BusinessRuleError) as caught:
        deliveries.delivery_note_post(actor=plant["keeper"], doc_id=fefo.pk)
    assert caught.value.code == "insufficient_stock"
    chosen.refresh_from_db()
    assert chosen.state == "draft" and not StockMove.objects.filter(move_type="sales_delivery")


def test_minimum_remaining_shelf_life_skips_short_lots(stocked, approved_order):
    _order, note = _posted_delivery(stocked, approved_order, qty="6", min_remaining_days=200)
    lots = StockMove.objects.filter(source_type="sales.deliverynote", source_id=str(note.pk))
    assert [m.lot.number for m in lots] == ["L-LATE"]  # L-EARLY expires in 100 days


def test_a_chosen_lot_expiring_too_soon_is_refused_naming_it(stocked, approved_order):
    order = approved_order(
        stocked["acme"], order_line(stocked["paint"], "2", "10", min_remaining_days=200)
    )
    line = order.lines.get()
    note = _deliver(
        stocked, order, [{"order_line_id": line.pk, "quantity": "2", "lot_id": stocked["early"].pk}]
    )
    with pytest.raises(BusinessRuleError) as caught:
        deliveries.delivery_note_post(actor=stocked["keeper"], doc_id=note.pk)
    assert caught.value.code == "shelf_life_too_short"
    assert "L-EARLY" in str(caught.value.message)


def _invoice(stocked, note, **header):
    return invoices.sales_invoice_create(
        actor=stocked["acc"],
        header={"delivery_id": note.pk, "date": TODAY, **header},
        lines=[],
    )


def test_invoice_posts_receivable_revenue_and_output_vat(stocked, approved_order):
    from erp.accounting.models import OpenItem

    _order, note = _posted_delivery(stocked, approved_order)
    invoice = _invoice(stocked, note, fapiao_number="12345678", fapiao_date=TODAY)
    # 10 × 113.00 含税 13%: total 1130.00, VAT 130.00, net 1000.00
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (1000, 130, 1130)
    invoice = invoices.sales_invoice_post(actor=stocked["acc"], doc_id=invoice.pk)
    assert invoice.state == "posted" and invoice.number.startswith("SI")
    booked = _voucher_lines("sales.salesinvoice", invoice.pk)
    assert booked == {
        "1122": (Decimal("1130.00"), Decimal("0")),
        "6001": (Decimal("0"), Decimal("1000.00")),
        "22210102": (Decimal("0"), Decimal("130.00")),
    }
    assert sum(d for d, _c in booked.values()) == sum(c for _d, c in booked.values())
    item = OpenItem.objects.get(source_type="sales.salesinvoice", source_id=str(invoice.pk))
    assert item.amount == Decimal("1130.00") and item.customer == stocked["acme"]
    assert item.state == "open"
    assert note.lines.get().invoiced_qty == Decimal("10")
    # a 收款单 of the customer settles the receivable
    from erp.accounting.services.arap import customer_receipt_post, customer_receipt_save

    receipt = customer_receipt_save(
        actor=stocked["acc"],
        customer_id=stocked["acme"].pk,
        date=TODAY,
        amount=Decimal("1130.00"),
        bank_account_code="1002",
        lines=[{"open_item_id": item.pk, "amount": Decimal("1130.00")}],
    )
    customer_receipt_post(actor=stocked["fm"], receipt_id=receipt.pk)
    item.refresh_from_db()
    assert item.allocated == Decimal("1130.00") and item.state == "closed"


def test_invoice_bad_input(stocked, approved_order):
    _order, note = _posted_delivery(stocked, approved_order, qty="2")
    dline = note.lines.get()
    with pytest.raises(ValidationFailed):  # more than delivered
        invoices.sales_invoice_create(
            actor=stocked["acc"],
            header={"delivery_id": note.pk, "date": TODAY},
            lines=[{"delivery_line_id": dline.pk, "quantity": "3"}],
        )
    with pytest.raises(ValidationFailed) as caught:  # 数电 numbers have 20 digits
        _invoice(stocked, note, fapiao_type="digital_special", fapiao_number="12345678")
    assert "20" in str(caught.value.message)
    first = _invoice(stocked, note, fapiao_number="00000001")
    invoices.sales_invoice_post(actor=stocked["acc"], doc_id=first.pk)
    with pytest.raises(ValidationFailed):  # the same fapiao number twice
        invoices.sales_invoice_update(
            actor=stocked["acc"],
            doc_id=_invoice_draft(stocked, note).pk,
            header={"fapiao_number": "00000001"},
        )


def _invoice_draft(stocked, note):
    from erp.sales.models import SalesInvoice

    return SalesInvoice.objects.create(
        state="draft", created_by=stocked["acc"], delivery=note, customer=note.customer, date=TODAY
    )


def test_special_invoice_needs_the_customers_invoicing_data(plant, receive, approved_order):
    receive(plant["paint"], "5", "10", "L-1")
    plant["tight"].credit_limit = 0
    plant["tight"].save()
    order = approved_order(plant["tight"], order_line(plant["paint"], "1", "10"))
    note = deliveries.delivery_note_post(actor=plant["keeper"], doc_id=_deliver(plant, order).pk)
    invoice = _invoice(plant, note, fapiao_type="special")
    with pytest.raises(BusinessRuleError) as caught:
        invoices.sales_invoice_post(actor=plant["acc"], doc_id=invoice.pk)
    assert caught.value.code == "customer_invoice_data_missing"


def test_return_comes_back_into_a_quarantine_lot_at_the_delivery_cost(stocked, approved_order):
    _order, note = _posted_delivery(stocked, approved_order)
    dline = note.lines.get()
    doc = returns.sales_return_create(
        actor=stocked["sm"],
        header={"delivery_id": note.pk, "date": TODAY, "reason": "包装破损"},
        lines=[{"delivery_line_id": dline.pk, "quantity": "4"}],
    )
    assert doc.location == stocked["qc"]  # the warehouse's 待检区
    doc = returns.sales_return_post(actor=stocked["sm"], doc_id=doc.pk)
    line = doc.lines.get()
    assert line.lot.number == "L-EARLY-R1"
    assert line.lot.status == "quarantine"
    assert line.lot.expiry_date == stocked["early"].expiry_date
    # the delivery's cost 116.00 for 10 → 4 × 11.60 = 46.40
    assert line.cost_value == Decimal("46.40")
    assert _voucher_lines("sales.salesreturn", doc.pk) == {
        "1403": (Decimal("46.40"), Decimal("0")),
        "6401": (Decimal("0"), Decimal("46.40")),
    }
    dline.refresh_from_db()
    assert dline.returned_qty == Decimal("4")
    with pytest.raises(ValidationFailed):  # only 6 left to return
        returns.sales_return_create(
            actor=stocked["sm"],
            header={"delivery_id": note.pk, "date": TODAY},
            lines=[{"delivery_line_id": dline.pk, "quantity": "7"}],
        )


def test_the_stock_audit_entry_names_the_delivery_in_words(stocked, approved_order):
    from django.utils import translation

    from erp.core.models import AuditEvent

    with translation.override("zh-hans"):
        _order, note = _posted_delivery(stocked, approved_order)
    event = AuditEvent.objects.get(object_type="inventory.stockmove", object_id=note.number)
    assert event.object_repr == f"发货单 {note.number}"


def test_the_fapiao_is_registered_on_the_posted_invoice(stocked, approved_order):
    _order, note = _posted_delivery(stocked, approved_order)
    invoice = invoices.sales_invoice_post(actor=stocked["acc"], doc_id=_invoice(stocked, note).pk)
    assert invoice.fapiao_number == ""
    with pytest.raises(ValidationFailed):  # a 专票 number has 8 digits
        invoices.sales_invoice_fapiao(actor=stocked["acc"], doc_id=invoice.pk, fapiao_number="12")
    with pytest.raises(PermissionDenied):
        invoices.sales_invoice_fapiao(
            actor=stocked["seller"], doc_id=invoice.pk, fapiao_number="04512367"
        )
    invoice = invoices.sales_invoice_fapiao(
        actor=stocked["acc"], doc_id=invoice.pk, fapiao_number="04512367"
    )
    invoice.refresh_from_db()
    assert invoice.state == "posted" and invoice.fapiao_number == "04512367"
    assert invoice.fapiao_date == TODAY


def test_one_invoice_bills_two_deliveries_of_the_customer(stocked, approved_order):
    _o1, first = _posted_delivery(stocked, approved_order, qty="2")
    _o2, second = _posted_delivery(stocked, approved_order, qty="3")
    invoice = invoices.sales_invoice_create(
        actor=stocked["acc"],
        header={"delivery_id": first.pk, "date": TODAY, "fapiao_type": "ordinary"},
        lines=[
            {"delivery_line_id": first.lines.get().pk, "quantity": "2"},
            {"delivery_line_id": second.lines.get().pk, "quantity": "3"},
        ],
    )
    # 5 × 113.00 含税: 565.00, VAT 65.00
    assert (invoice.total, invoice.tax_total) == (Decimal("565.00"), Decimal("65.00"))
    invoices.sales_invoice_post(actor=stocked["acc"], doc_id=invoice.pk)
    assert second.lines.get().invoiced_qty == Decimal("3")


def test_a_return_of_invoiced_goods_credits_revenue_vat_and_the_receivable(stocked, approved_order):
    from erp.accounting.models import OpenItem

    _order, note = _posted_delivery(stocked, approved_order)
    invoices.sales_invoice_post(actor=stocked["acc"], doc_id=_invoice(stocked, note).pk)
    doc = returns.sales_return_create(
        actor=stocked["sm"],
        header={"delivery_id": note.pk, "date": TODAY},
        lines=[{"delivery_line_id": note.lines.get().pk, "quantity": "4"}],
    )
    doc = returns.sales_return_post(actor=stocked["sm"], doc_id=doc.pk)
    # 4 × 113.00 含税 13%: 452.00, VAT 452 × 13/113 = 52.00, net 400.00; cost 4 × 11.60 = 46.40
    assert doc.credit_total == Decimal("452.00")
    assert _voucher_lines("sales.salesreturn", doc.pk) == {
        "1403": (Decimal("46.40"), Decimal("0")),
        "6401": (Decimal("0"), Decimal("46.40")),
        "6001": (Decimal("400.00"), Decimal("0")),
        "22210102": (Decimal("52.00"), Decimal("0")),
        "1122": (Decimal("0"), Decimal("452.00")),
    }
    credit = OpenItem.objects.get(source_type="sales.salesreturn", source_id=str(doc.pk))
    assert credit.amount == Decimal("-452.00") and credit.customer == stocked["acme"]


def test_the_sales_quantities_check_finds_nothing_after_the_whole_chain(stocked, approved_order):
    from erp.sales.integrity import sales_quantities
    from erp.sales.models import SalesOrderLine

    _order, note = _posted_delivery(stocked, approved_order)
    invoices.sales_invoice_post(actor=stocked["acc"], doc_id=_invoice(stocked, note).pk)
    doc = returns.sales_return_create(
        actor=stocked["sm"],
        header={"delivery_id": note.pk, "date": TODAY},
        lines=[{"delivery_line_id": note.lines.get().pk, "quantity": "1"}],
    )
    returns.sales_return_post(actor=stocked["sm"], doc_id=doc.pk)
    assert sales_quantities() == []
    SalesOrderLine.objects.update(delivered_qty=Decimal("7"))  # a write around the services
    assert len(sales_quantities()) == 1

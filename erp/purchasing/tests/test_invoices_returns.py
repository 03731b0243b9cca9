"""Three-way match, the invoice voucher and payable, returns, and the GR/IR report tying to
暂估应付款 (220202)."""

from decimal import Decimal

import pytest

from erp.accounting.models import OpenItem, Voucher
from erp.core.errors import ValidationFailed
from erp.inventory.models import StockBalance
from erp.purchasing.selectors import grir_report
from erp.purchasing.services import invoices, returns

D = Decimal
pytestmark = pytest.mark.django_db


def _resin_line(receipt, plant):
    return receipt.lines.get(material=plant["resin"])


def _invoice(accountant, plant, line, qty, price, no="24312000000000000001"):
    doc = invoices.purchase_invoice_create(
        actor=accountant,
        header={"supplier_id": plant["supplier"].pk, "invoice_no": no},
        lines=[{"receipt_line_id": line.pk, "quantity": D(qty), "price": D(price)}],
    )
    return invoices.purchase_invoice_post(actor=accountant, doc_id=doc.pk)


def _voucher_rows(voucher):
    return sorted((x.account.code, x.debit, x.credit, x.supplier_id) for x in voucher.lines.all())


def test_invoice_within_tolerance_books_variance_and_payable(posted_receipt, accountant, plant):
    line = _resin_line(posted_receipt, plant)
    # 100 kg × 10.10 excl.: net 1010.00, VAT 131.30, gross 1141.30; received value 1000.00,
    # variance +10.00 within max(2% of 1000.00 = 20.00, 10.00)
    invoice = _invoice(accountant, plant, line, "100", "10.10")
    assert (invoice.total, invoice.variance_total) == (D("1141.30"), D("10.00"))
    s = plant["supplier"].pk
    assert _voucher_rows(invoice.voucher) == [
        ("1404", D("10.00"), D("0"), None),
        ("220201", D("0"), D("1141.30"), s),
        ("220202", D("1000.00"), D("0"), s),
        ("22210101", D("131.30"), D("0"), None),
    ]
    item = OpenItem.objects.get(source_type=invoices.DOC_TYPE, source_id=str(invoice.pk))
    assert (item.kind, item.amount, item.supplier_id, item.account.code) == (
        "payable",
        D("1141.30"),
        s,
        "220201",
    )
    line.refresh_from_db()
    assert (line.invoiced_quantity, line.invoiced_value) == (D("100"), D("1000.00"))


def test_price_beyond_tolerance_quantity_beyond_receipt_and_duplicate_refused(
    posted_receipt, accountant, plant
):
    line = _resin_line(posted_receipt, plant)
    with pytest.raises(ValidationFailed) as err:  # 1050.00 − 1000.00 = 50.00 > 20.00
        _invoice(accountant, plant, line, "100", "10.50")
    assert err.value.details["fields"].keys() == {"price"}
    with pytest.raises(ValidationFailed) as err:
        _invoice(accountant, plant, line, "101", "10.00")
    assert err.value.details["fields"].keys() == {"quantity"}
    _invoice(accountant, plant, line, "40", "10.00")
    with pytest.raises(ValidationFailed) as err:
        _invoice(accountant, plant, line, "10", "10.00")
    assert err.value.code == "invoice_no_duplicate"
    assert Voucher.objects.filter(source_type=invoices.DOC_TYPE).count() == 1


def test_invoice_for_another_suppliers_receipt_refused(posted_receipt, accountant, plant):
    with pytest.raises(ValidationFailed) as err:
        invoices.purchase_invoice_create(
            actor=accountant,
            header={"supplier_id": plant["pending"].pk, "invoice_no": "1"},
            lines=[
                {
                    "receipt_line_id": _resin_line(posted_receipt, plant).pk,
                    "quantity": D("1"),
                    "price": D("10"),
                }
            ],
        )
    assert err.value.details["fields"].keys() == {"receipt_line"}


def test_return_of_quarantine_stock_reverses_grir(posted_receipt, keeper, make_user, plant):
    manager = make_user("jingli", "purchase_manager")
    pigment = posted_receipt.lines.get(material=plant["pigment"])
    doc = returns.purchase_return_create(
        actor=manager,
        header={
            "supplier_id": plant["supplier"].pk,
            "receipt_id": posted_receipt.pk,
            "reason": "包装破损",
        },
        lines=[{"receipt_line_id": pigment.pk, "quantity": D("40")}],
    )
    doc = returns.purchase_return_post(actor=keeper, doc_id=doc.pk)
    # 1000.00 × 40 / 50 = 800.00 leaves at the received cost, from the 待检 lot
    assert doc.value_total == D("800.00")
    assert StockBalance.objects.get(lot=pigment.lot).on_hand == D("10")
    voucher = Voucher.objects.get(source_type=returns.DOC_TYPE, source_id=str(doc.pk))
    assert _voucher_rows(voucher) == [
        ("1403", D("0"), D("800.00"), None),
        ("220202", D("800.00"), D("0"), plant["supplier"].pk),
    ]


def test_grir_report_ties_to_the_gl(posted_receipt, accountant, purchaser, keeper, plant):
    # received 2000.00; invoiced resin clears 1000.00; returned 40 kg pigment clears 800.00
    _invoice(accountant, plant, _resin_line(posted_receipt, plant), "100", "10.00")
    pigment = posted_receipt.lines.get(material=plant["pigment"])
    doc = returns.purchase_return_from_receipt(actor=purchaser, receipt_id=posted_receipt.pk)
    returns.purchase_return_update(
        actor=purchaser,
        doc_id=doc.pk,
        header={},
        lines=[{"receipt_line_id": pigment.pk, "quantity": D("40")}],
    )
    returns.purchase_return_post(actor=keeper, doc_id=doc.pk)
    report = grir_report()
    assert report.total == D("200.00") and report.gl_balance == D("200.00")
    assert [ln.open_value for s in report.suppliers for ln in s.lines] == [D("200.00")]

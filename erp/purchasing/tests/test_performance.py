"""Supplier performance (供应商绩效) for a small scenario, computed by hand: one order of two
lines, one receipt (one line late, one on time; one short and closed), one lot rejected by
quality, one invoice with a price variance. Page (table, chart, xlsx) and API agree."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from erp.inventory.services.lots import lot_status_change
from erp.purchasing.selectors_performance import supplier_performance
from erp.purchasing.services import invoices, orders, receipts

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(books, plant, purchaser, keeper, accountant, make_user, today):
    manager = make_user("jingli", "purchase_manager")
    quality = make_user("zhiliang", "quality_manager")
    order = orders.purchase_order_create(
        actor=purchaser,
        header={"date": today - dt.timedelta(days=10), "supplier_id": plant["supplier"].pk},
        lines=[
            # resin expected 5 days ago: received today, late
            {
                "material_id": plant["resin"].pk,
                "quantity": D("100"),
                "price": D("10"),
                "price_includes_tax": False,
                "expected_date": today - dt.timedelta(days=5),
            },
            # pigment expected today: received today, on time; 48 of 50 (4% short)
            {
                "material_id": plant["pigment"].pk,
                "quantity": D("50"),
                "price": D("20"),
                "price_includes_tax": False,
                "expected_date": today,
            },
        ],
    )
    order = orders.purchase_order_submit(actor=purchaser, doc_id=order.pk)
    receipt = receipts.goods_receipt_from_order(actor=purchaser, order_id=order.pk)
    lines = [
        {
            "order_line_id": ln.order_line_id,
            "quantity": D("100") if ln.line_no == 1 else D("48"),
            "supplier_lot": f"SUP-{ln.line_no}",
        }
        for ln in receipt.lines.order_by("line_no")
    ]
    receipts.goods_receipt_update(actor=keeper, doc_id=receipt.pk, header={}, lines=lines)
    receipt = receipts.goods_receipt_post(actor=keeper, doc_id=receipt.pk)
    orders.purchase_order_close(actor=manager, doc_id=order.pk)  # the 2 kg will not come
    pigment_lot = receipt.lines.get(line_no=2).lot_id
    lot_status_change(actor=quality, lot_id=pigment_lot, status="rejected", reason="QC 不合格")
    # resin invoiced 100 × 10.10: variance +10.00 on 1,000.00 cleared (within tolerance)
    invoice = invoices.purchase_invoice_create(
        actor=accountant,
        header={"supplier_id": plant["supplier"].pk, "invoice_no": "24312000000000000101"},
        lines=[
            {
                "receipt_line_id": receipt.lines.get(line_no=1).pk,
                "quantity": D("100"),
                "price": D("10.10"),
            }
        ],
    )
    invoices.purchase_invoice_post(actor=accountant, doc_id=invoice.pk)
    return manager


def test_performance_hand_computed(scenario, plant, today):
    [row] = supplier_performance(today - dt.timedelta(days=30), today)
    assert row.supplier == plant["supplier"]
    # on time: 1 of 2 dated lines; accurate: resin 100/100 yes, pigment 48/50 (4% > 2%) no;
    # rejected: 1 of 2 lots; variance 10.00 / 1,000.00 = 1.00%
    assert (row.lines_dated, row.lines_on_time, row.on_time_pct) == (2, 1, D("50.00"))
    assert (row.lines_settled, row.lines_accurate, row.accuracy_pct) == (2, 1, D("50.00"))
    assert (row.lots, row.lots_rejected, row.rejection_pct) == (2, 1, D("50.00"))
    assert (row.grir_invoiced, row.variance, row.variance_pct) == (
        D("1000.00"),
        D("10.00"),
        D("1.00"),
    )
    # a period before anything happened is empty
    assert supplier_performance(today - dt.timedelta(days=30), today - dt.timedelta(days=1)) == []


def test_performance_page_export_and_api(scenario, client, today):
    client.force_login(scenario)
    period = {"date_from": str(today - dt.timedelta(days=30)), "date_to": str(today)}
    page = client.get(reverse("purchasing:supplier_performance"), period)
    assert page.status_code == 200 and "erp-chart-option" in page.text and "50.00" in page.text
    export = client.get(reverse("purchasing:supplier_performance"), {**period, "export": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    row = next(r for r in values if r[0] and str(r[0]).startswith("S001"))
    assert row[1:8] == [2, 50, 2, 50, 2, 1, 50]
    api = client.get("/api/v1/supplier-performance/", period).json()
    assert [(r["supplier_code"], r["on_time_pct"], r["variance_pct"]) for r in api] == [
        ("S001", "50.00", "1.00")
    ]
    assert client.get(reverse("purchasing:supplier_performance")).status_code == 200

"""The sales chain through the pages (salesperson, warehouse keeper, accountant) and the REST
API (create with Idempotency-Key, push-down, post)."""

import json
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.sales.models import DeliveryNote, SalesInvoice, SalesOrder
from erp.sales.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _order_form(plant, **extra):
    data = {
        "customer": str(plant["acme"].pk),
        "date": TODAY.isoformat(),
        "price_includes_tax": "on",
        "customer_reference": "PO-778",
        "delivery_address": "",
        "note": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "500",
        "lines-0-material": str(plant["paint"].pk),
        "lines-0-quantity": "10",
        "lines-0-unit_price": "113.00",
        "lines-0-vat_rate": "",
        "lines-0-discount_pct": "0",
        "lines-0-requested_date": "",
        "lines-0-min_remaining_days": "",
    }
    data.update(extra)
    return data


def test_order_to_invoice_through_the_pages(client, plant, receive):
    receive(plant["paint"], "20", "12", "L-PAGE")
    client.force_login(plant["seller"])
    assert client.get(reverse("sales:salesorder_create")).status_code == 200
    response = client.post(reverse("sales:salesorder_create"), _order_form(plant))
    assert response.status_code == 302, response.content.decode()[:2000]
    order = SalesOrder.objects.get()
    assert order.total == Decimal("1130.00")
    response = client.post(reverse("sales:salesorder_action", args=[order.pk, "submit"]))
    order.refresh_from_db()
    assert order.state == "approved"
    page = client.get(reverse("sales:salesorder_detail", args=[order.pk])).content.decode()
    assert order.number in page and "¥1,130.00" in page
    assert 'data-action="close"' not in page  # the salesperson may not close orders
    # 下推: the salesperson pushes the order down to a delivery
    response = client.post(reverse("sales:order_deliver", args=[order.pk]))
    note = DeliveryNote.objects.get()
    assert response.status_code == 302 and note.lines.get().quantity == Decimal("10")
    # the warehouse keeper posts it from the detail page
    client.force_login(plant["keeper"])
    detail = client.get(reverse("sales:deliverynote_detail", args=[note.pk])).content.decode()
    assert "L-PAGE" in detail  # FEFO suggestion
    client.post(reverse("sales:deliverynote_action", args=[note.pk, "post"]))
    note.refresh_from_db()
    assert note.state == "posted"
    posted = client.get(reverse("sales:deliverynote_detail", args=[note.pk])).content.decode()
    assert "L-PAGE (" in posted and "× 10" in posted  # the lot, its expiry and quantity
    # 单据联查: the delivery note's header links its sales order
    order_url = reverse("sales:salesorder_detail", args=[order.pk])
    assert f'<a href="{order_url}">{order.number}</a>' in posted
    pdf = client.get(reverse("sales:deliverynote_print", args=[note.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The customer signs a copy: the paper names the order but never shows our cost of goods.
    paper = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert order.number in paper and "L-PAGE" in paper
    assert "销售成本" not in paper and "Cost of goods" not in paper
    # the accountant invoices it
    client.force_login(plant["acc"])
    client.post(reverse("sales:delivery_invoice", args=[note.pk]))
    invoice = SalesInvoice.objects.get()
    assert invoice.fapiao_type == "special" and invoice.total == Decimal("1130.00")
    client.post(reverse("sales:salesinvoice_action", args=[invoice.pk, "post"]))
    invoice.refresh_from_db()
    assert invoice.state == "posted" and invoice.voucher_id
    page = client.get(reverse("sales:salesinvoice_detail", args=[invoice.pk])).content.decode()
    note_url = reverse("sales:deliverynote_detail", args=[note.pk])
    assert f'<a href="{note_url}">{note.number}</a>' in page


def _send(client, url, body=None, **headers):
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_order_and_delivery_through_the_api(client, plant, receive):
    receive(plant["paint"], "20", "12", "L-API")
    client.force_login(plant["seller"])
    body = {
        "customer_id": plant["acme"].pk,
        "date": TODAY.isoformat(),
        "lines": [{"material_id": plant["paint"].pk, "quantity": "4", "unit_price": "10.5"}],
    }
    first = _send(client, "/api/v1/sales-orders/", body, **{"Idempotency-Key": "so-1"})
    again = _send(client, "/api/v1/sales-orders/", body, **{"Idempotency-Key": "so-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and SalesOrder.objects.count() == 1
    order = first.json()
    # 4 × 10.50 含税 13%: 42.00, VAT 42 × 13/113 = 4.83, net 37.17
    assert (order["net_total"], order["tax_total"], order["total"]) == ("37.17", "4.83", "42.00")
    submitted = _send(client, f"/api/v1/sales-orders/{order['id']}/submit")
    assert submitted.status_code == 200 and submitted.json()["state"] == "approved"
    bad = _send(
        client,
        "/api/v1/delivery-notes/",
        {
            "order_id": order["id"],
            "warehouse_id": plant["wh"].pk,
            "date": TODAY.isoformat(),
            "lines": [{"order_line_id": order["lines"][0]["id"], "quantity": "5"}],
        },
    )
    assert bad.status_code == 400
    made = _send(
        client,
        "/api/v1/delivery-notes/",
        {"order_id": order["id"], "warehouse_id": plant["wh"].pk, "date": TODAY.isoformat()},
    )
    assert made.status_code == 201 and made.json()["lines"][0]["quantity"] == "4.0000"
    client.force_login(plant["keeper"])
    posted = _send(client, f"/api/v1/delivery-notes/{made.json()['id']}/post")
    assert posted.status_code == 200 and posted.json()["state"] == "posted"

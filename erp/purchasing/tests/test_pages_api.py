"""The chain through the REST API and the pages: order created and submitted by API, received
by push-down from the order page, the GR/IR report shows the receipt and ties to the GL."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.purchasing.models import GoodsReceipt, PurchaseOrder

pytestmark = pytest.mark.django_db


def _send(client, url, body=None, **headers):
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_order_by_api_then_push_down_receipt_on_the_page(
    client, books, plant, purchaser, keeper, today
):
    client.force_login(purchaser)
    body = {
        "date": str(today),
        "supplier_id": plant["supplier"].pk,
        "warehouse_id": plant["wh"].pk,
        "lines": [{"material_id": plant["resin"].pk, "quantity": "10", "price": "11.30"}],
    }
    created = _send(client, "/api/v1/purchase-orders/", body, **{"Idempotency-Key": "po-1"})
    assert created.status_code == 201, created.content
    order_id = created.json()["id"]
    assert created.json()["total"] == "113.00"
    submitted = _send(
        client, f"/api/v1/purchase-orders/{order_id}/submit", **{"Idempotency-Key": "s-1"}
    )
    assert submitted.status_code == 200 and submitted.json()["state"] == "approved"
    page = client.get(reverse("purchasing:purchaseorder_detail", args=[order_id]))
    assert page.status_code == 200 and "push-receipt" in page.text
    pushed = client.post(reverse("purchasing:order_receive", args=[order_id]))
    receipt = GoodsReceipt.objects.get(order_id=order_id)
    assert pushed.status_code == 302 and pushed.url == reverse(
        "purchasing:goodsreceipt_edit", args=[receipt.pk]
    )
    assert receipt.lines.get().quantity == Decimal("10")
    client.force_login(keeper)
    patched = client.patch(
        f"/api/v1/goods-receipts/{receipt.pk}",
        json.dumps(
            {
                "lines": [
                    {
                        "order_line_id": receipt.lines.get().order_line_id,
                        "quantity": "10",
                        "supplier_lot": "HX-01",
                    }
                ]
            }
        ),
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    posted = _send(client, f"/api/v1/goods-receipts/{receipt.pk}/post", **{"Idempotency-Key": "p"})
    assert posted.status_code == 200 and posted.json()["state"] == "posted"
    assert PurchaseOrder.objects.get(pk=order_id).state == "closed"
    client.force_login(purchaser)
    report = client.get(reverse("purchasing:grir_report"))
    # 113.00 incl. 13% → net 100.00 received and not invoiced, equal to 220202
    assert report.status_code == 200 and report.text.count("¥100.00") >= 2

"""A sales order closes itself (已关闭) in the transaction of the posting that completes it —
every line delivered in full and nothing delivered left to invoice — and can be closed short
by hand with a reason. A closed order refuses further 下推 to delivery; a return does not reopen
it (a replacement is a new order)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent
from erp.sales.models import SalesOrder
from erp.sales.services import deliveries, invoices, orders, returns
from erp.sales.tests.conftest import TODAY, order_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(plant, receive, approved_order):
    """10 kg of paint and 4 kg of varnish ordered; 30 kg of each in stock."""
    receive(plant["paint"], "30", "10", "L-P")
    receive(plant["varnish"], "30", "10", "L-V")
    return approved_order(
        plant["acme"],
        order_line(plant["paint"], "10", "113.00"),
        order_line(plant["varnish"], "4", "109.00"),
    )


def _deliver(plant, order, rows=None):
    note = deliveries.delivery_note_create(
        actor=plant["seller"],
        header={"order_id": order.pk, "warehouse_id": plant["wh"].pk, "date": TODAY},
        lines=rows or [],
    )
    return deliveries.delivery_note_post(actor=plant["keeper"], doc_id=note.pk)


def _invoice(plant, note, rows=None):
    invoice = invoices.sales_invoice_create(
        actor=plant["acc"], header={"delivery_id": note.pk, "date": TODAY}, lines=rows or []
    )
    return invoices.sales_invoice_post(actor=plant["acc"], doc_id=invoice.pk)


def _state(order) -> str:
    return SalesOrder.objects.get(pk=order.pk).state


def test_the_invoice_that_completes_the_order_closes_it_with_an_audit_event(plant, order):
    note = _deliver(plant, order)  # everything delivered ...
    assert _state(order) == "approved"  # ... but nothing invoiced yet
    first = note.lines.get(material=plant["paint"])
    _invoice(plant, note, [{"delivery_line_id": first.pk, "quantity": "10"}])
    assert _state(order) == "approved"  # the varnish is still to invoice
    second = note.lines.get(material=plant["varnish"])
    _invoice(plant, note, [{"delivery_line_id": second.pk, "quantity": "4"}])
    closed = SalesOrder.objects.get(pk=order.pk)
    assert closed.state == "closed" and closed.close_reason == ""
    event = AuditEvent.objects.filter(object_id=str(order.pk), note__startswith="complete").get()
    assert event.changes == {"state": ["approved", "closed"]}


def test_a_partial_delivery_leaves_the_order_open(plant, order):
    paint = order.lines.get(material=plant["paint"])
    note = _deliver(plant, order, [{"order_line_id": paint.pk, "quantity": "10"}])
    _invoice(plant, note)
    assert _state(order) == "approved"  # the varnish was not delivered


def test_a_return_of_the_uninvoiced_rest_completes_the_order(plant, order):
    """Delivered 10 + 4, invoiced 10 + 1; 3 kg varnish come back uninvoiced: nothing is left to
    invoice, so the return closes the order. The returned 3 kg are not delivered again."""
    note = _deliver(plant, order)
    paint, varnish = (
        note.lines.get(material=plant["paint"]),
        note.lines.get(material=plant["varnish"]),
    )
    _invoice(
        plant,
        note,
        [
            {"delivery_line_id": paint.pk, "quantity": "10"},
            {"delivery_line_id": varnish.pk, "quantity": "1"},
        ],
    )
    assert _state(order) == "approved"
    back = returns.sales_return_create(
        actor=plant["sm"],
        header={"delivery_id": note.pk, "date": TODAY, "reason": "包装破损"},
        lines=[{"delivery_line_id": varnish.pk, "quantity": "3"}],
    )
    returns.sales_return_post(actor=plant["sm"], doc_id=back.pk)
    assert _state(order) == "closed"
    assert order.lines.get(material=plant["varnish"]).delivered_qty == Decimal("4")


def test_close_short_needs_a_reason_and_the_permission(plant, order):
    with pytest.raises(ValidationFailed):
        orders.sales_order_close(actor=plant["sm"], doc_id=order.pk, reason="  ")
    assert _state(order) == "approved"
    with pytest.raises(PermissionDenied):
        orders.sales_order_close(actor=plant["seller"], doc_id=order.pk, reason="客户取消余量")
    closed = orders.sales_order_close(actor=plant["sm"], doc_id=order.pk, reason="客户取消余量")
    assert closed.state == "closed" and closed.close_reason == "客户取消余量"


def test_a_closed_order_refuses_pushdown_but_its_deliveries_are_still_invoiced(plant, order):
    paint = order.lines.get(material=plant["paint"])
    note = _deliver(plant, order, [{"order_line_id": paint.pk, "quantity": "6"}])
    orders.sales_order_close(actor=plant["sm"], doc_id=order.pk, reason="余量不再发货")
    with pytest.raises(ValidationFailed) as err:
        deliveries.delivery_note_create(
            actor=plant["seller"],
            header={"order_id": order.pk, "warehouse_id": plant["wh"].pk, "date": TODAY},
            lines=[],
        )
    assert "order" in err.value.details["fields"]
    invoice = _invoice(plant, note)  # what left the warehouse is billed
    assert invoice.total == Decimal("678.00")  # 6 × 113.00


def test_an_order_with_a_draft_delivery_cannot_be_closed(plant, order):
    draft = deliveries.delivery_note_create(
        actor=plant["seller"],
        header={"order_id": order.pk, "warehouse_id": plant["wh"].pk, "date": TODAY},
        lines=[],
    )
    with pytest.raises(BusinessRuleError) as err:
        orders.sales_order_close(actor=plant["sm"], doc_id=order.pk, reason="x")
    assert err.value.code == "order_has_draft_deliveries"
    deliveries.delivery_note_cancel(actor=plant["sm"], doc_id=draft.pk)
    assert (
        orders.sales_order_close(actor=plant["sm"], doc_id=order.pk, reason="x").state == "closed"
    )


def test_close_from_the_page_and_the_api(client, plant, order, approved_order):
    client.force_login(plant["sm"])
    url = reverse("sales:salesorder_action", args=[order.pk, "close"])
    client.post(url, {"reason": ""})
    assert _state(order) == "approved"
    client.post(url, {"reason": "客户取消余量"})
    assert _state(order) == "closed"
    page = client.get(reverse("sales:salesorder_detail", args=[order.pk])).content.decode()
    assert "客户取消余量" in page
    response = client.get(f"/api/v1/sales-orders/{order.pk}")
    assert response.json()["close_reason"] == "客户取消余量"
    other = approved_order(plant["acme"], order_line(plant["paint"], "1", "1"))
    response = client.post(
        f"/api/v1/sales-orders/{other.pk}/close",
        {"reason": "作废余量"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert _state(other) == "closed"

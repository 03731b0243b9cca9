"""销售报价单: draft → sent → accepted (下推 into a sales order, lines copied, linked both ways)
/ lost (with a reason) / expired (validity passed: never pushed down). Amounts follow the
order's rule: round the line, then sum."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.core.errors import (
    BusinessRuleError,
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from erp.core.models import AuditEvent
from erp.sales.models import SalesOrder, SalesQuotation
from erp.sales.services import quotations
from erp.sales.tests.conftest import TODAY, order_line

pytestmark = pytest.mark.django_db


def _quotation(plant, *lines, valid_days=30, includes_tax=True):
    return quotations.sales_quotation_create(
        actor=plant["seller"],
        header={
            "customer_id": plant["acme"].pk,
            "date": TODAY,
            "valid_until": TODAY + dt.timedelta(days=valid_days),
            "price_includes_tax": includes_tax,
            "delivery_address": "上海市松江区九亭镇 1 号",
        },
        lines=list(lines)
        or [
            order_line(plant["paint"], "10", "113.00", discount_pct="5"),
            order_line(plant["varnish"], "3", "33.33"),
        ],
    )


def _sent(plant, **kw):
    doc = _quotation(plant, **kw)
    return quotations.sales_quotation_send(actor=plant["seller"], doc_id=doc.pk)


def test_quotation_amounts_round_each_line_then_sum(plant):
    """Paint 10 × 113.00 incl. 13 %, 5 % off: 1073.50 gross, net 950.00, VAT 123.50.
    Varnish 3 × 33.33 incl. 9 %: 99.99 gross, net 91.73, VAT 8.26. Totals 1042.73 + 131.76 =
    1173.49 and the discount 56.50 (5 % of 1130.00)."""
    doc = _quotation(plant)
    paint, varnish = doc.lines.order_by("line_no")
    assert (paint.net_amount, paint.tax_amount, paint.amount) == (
        Decimal("950.00"),
        Decimal("123.50"),
        Decimal("1073.50"),
    )
    assert (varnish.net_amount, varnish.tax_amount, varnish.amount) == (
        Decimal("91.73"),
        Decimal("8.26"),
        Decimal("99.99"),
    )
    assert (doc.net_total, doc.tax_total, doc.total) == (
        Decimal("1041.73"),
        Decimal("131.76"),
        Decimal("1173.49"),
    )
    assert doc.net_total + doc.tax_total == doc.total
    assert doc.discount_total == Decimal("56.50")


def test_send_numbers_it_with_its_own_prefix_and_freezes_it(plant):
    doc = _sent(plant)
    assert doc.state == "sent" and doc.number.startswith("SQ")
    with pytest.raises(Conflict):
        quotations.sales_quotation_update(
            actor=plant["seller"], doc_id=doc.pk, header={"note": "x"}
        )


def test_pushdown_copies_lines_into_a_draft_order_linked_back(plant):
    doc = _sent(plant)
    doc = quotations.sales_quotation_order(actor=plant["seller"], doc_id=doc.pk)
    assert doc.state == "accepted"
    order = SalesOrder.objects.get()
    assert order.state == "draft" and order.quotation == doc and doc.order == order
    assert order.customer == plant["acme"] and order.delivery_address == "上海市松江区九亭镇 1 号"
    copied = [
        (x.material.code, x.quantity, x.unit_price, x.vat_rate, x.discount_pct, x.amount)
        for x in order.lines.order_by("line_no")
    ]
    assert copied == [
        ("FG-PAINT", Decimal("10"), Decimal("113.00"), "13", Decimal("5"), Decimal("1073.50")),
        ("FG-VARNISH", Decimal("3"), Decimal("33.33"), "9", Decimal("0"), Decimal("99.99")),
    ]
    assert order.total == doc.total == Decimal("1173.49")
    with pytest.raises(InvalidTransition):  # accepted: a second push-down is refused (409)
        quotations.sales_quotation_order(actor=plant["seller"], doc_id=doc.pk)
    assert SalesOrder.objects.count() == 1


def test_an_expired_quotation_is_not_pushed_down_and_nothing_is_written(plant):
    doc = _sent(plant)
    SalesQuotation.objects.filter(pk=doc.pk).update(valid_until=TODAY - dt.timedelta(days=1))
    with pytest.raises(BusinessRuleError) as err:
        quotations.sales_quotation_order(actor=plant["seller"], doc_id=doc.pk)
    assert err.value.code == "quotation_expired"
    doc.refresh_from_db()
    assert doc.state == "sent" and not SalesOrder.objects.exists()
    # the daily job marks it expired (audited); an expired quotation has no push-down at all
    assert quotations.sales_quotations_expire(today=TODAY) == 1
    doc.refresh_from_db()
    assert doc.state == "expired"
    assert AuditEvent.objects.filter(object_id=str(doc.pk), note="expire").count() == 1
    with pytest.raises(InvalidTransition):
        quotations.sales_quotation_order(actor=plant["seller"], doc_id=doc.pk)
    assert not SalesOrder.objects.exists()


def test_the_job_leaves_valid_and_draft_quotations_alone(plant):
    valid = _sent(plant, valid_days=0)  # valid through today
    draft = _quotation(plant, valid_days=0)
    assert quotations.sales_quotations_expire(today=TODAY) == 0
    assert quotations.sales_quotations_expire(today=TODAY + dt.timedelta(days=1)) == 1
    assert SalesQuotation.objects.get(pk=valid.pk).state == "expired"
    assert SalesQuotation.objects.get(pk=draft.pk).state == "draft"


def test_lost_needs_a_reason(plant):
    doc = _sent(plant)
    with pytest.raises(ValidationFailed):
        quotations.sales_quotation_lose(actor=plant["seller"], doc_id=doc.pk, reason="")
    lost = quotations.sales_quotation_lose(
        actor=plant["seller"], doc_id=doc.pk, reason="价格高于竞争对手 8%"
    )
    assert lost.state == "lost" and lost.lost_reason == "价格高于竞争对手 8%"


def test_bad_input_names_the_field_and_writes_nothing(plant):
    with pytest.raises(ValidationFailed) as err:
        _quotation(plant, valid_days=-1)
    assert "valid_until" in err.value.details["fields"]
    with pytest.raises(ValidationFailed):
        _quotation(plant, order_line(plant["paint"], "0", "10"))
    with pytest.raises(ValidationFailed):
        _quotation(plant, order_line(plant["paint"], "1", "10.12345"))
    with pytest.raises(ValidationFailed):
        _quotation(plant, order_line(plant["paint"], "1", "10", vat_rate="17"))
    assert not SalesQuotation.objects.exists()


def test_the_warehouse_keeper_cannot_quote(plant):
    with pytest.raises(PermissionDenied):
        quotations.sales_quotation_create(
            actor=plant["keeper"],
            header={"customer_id": plant["acme"].pk, "date": TODAY, "valid_until": TODAY},
            lines=[order_line(plant["paint"], "1", "10")],
        )


def test_quotation_pages_api_and_print(client, plant):
    client.force_login(plant["seller"])
    assert client.get(reverse("sales:salesquotation_create")).status_code == 200
    response = client.post(
        "/api/v1/quotations/",
        {
            "customer_id": plant["acme"].pk,
            "date": TODAY.isoformat(),
            "valid_until": (TODAY + dt.timedelta(days=10)).isoformat(),
            "lines": [{"material_id": plant["paint"].pk, "quantity": "2", "unit_price": "113"}],
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="q-1",
    )
    assert response.status_code in (200, 201), response.content
    body = response.json()
    assert body["total"] == "226.00" and body["state"] == "draft"
    qid = body["id"]
    assert client.post(f"/api/v1/quotations/{qid}/send").json()["state"] == "sent"
    pushed = client.post(f"/api/v1/quotations/{qid}/order").json()
    assert pushed["state"] == "accepted"
    order = SalesOrder.objects.get(pk=pushed["order_id"])
    assert client.get(f"/api/v1/sales-orders/{order.pk}").json()["quotation_id"] == qid
    doc = SalesQuotation.objects.get(pk=qid)
    page = client.get(reverse("sales:salesquotation_detail", args=[qid])).content.decode()
    order_url = reverse("sales:salesorder_detail", args=[order.pk])
    assert f'<a href="{order_url}">' in page  # 单据联查: quotation → order
    order_page = client.get(order_url).content.decode()
    assert (
        f'<a href="{reverse("sales:salesquotation_detail", args=[qid])}">{doc.number}</a>'
        in order_page
    )
    listing = client.get(reverse("sales:salesquotation_list")).content.decode()
    assert doc.number in listing
    printed = client.get(reverse("sales:salesquotation_print", args=[qid]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"


def test_the_audit_trail_names_each_line_by_material_and_hides_empty_fields(plant):
    doc = _quotation(plant)
    created = AuditEvent.objects.get(
        object_type="sales.salesquotation", object_id=str(doc.pk), action="create"
    )
    paint, varnish = plant["paint"].code, plant["varnish"].code
    assert created.changes["lines"] == [
        None,
        [f"{paint} 10 × 113 (13%, -5%)", f"{varnish} 3 × 33.33 (9%, -0%)"],
    ]
    assert "note" not in created.changes  # "" where there was nothing is no change

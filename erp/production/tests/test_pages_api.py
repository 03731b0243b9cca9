"""The workshop's path through the pages (issue, output at phone width is the same page) and
the REST flow of a formula and an order."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from erp.production.models import Formula, ProductionOrder

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bearer(user) -> dict:
    from erp.iam.services.tokens import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t')[1]}"}


def test_issue_and_output_from_the_order_page(
    plant,
    stock,
    coating_formula,
    new_order,
    planner,
    keeper,
    supervisor,
):
    from erp.production.services.orders import production_order_release

    order = new_order(coating_formula)
    production_order_release(actor=planner, doc_id=order.pk)
    order.refresh_from_db()
    detail = reverse("production:productionorder_detail", args=[order.pk])
    page = _client(keeper).get(detail)
    assert page.status_code == 200 and "RM-RESIN" in page.text
    action = reverse("production:productionorder_action", args=[order.pk, "issue"])
    _client(keeper).post(action, {"version": order.version})
    order.refresh_from_db()
    assert order.state == "started"
    done = reverse("production:productionorder_action", args=[order.pk, "complete"])
    _client(supervisor).post(done, {"version": order.version, "output_quantity": "1956"})
    order.refresh_from_db()
    assert order.state == "completed" and order.output_quantity == Decimal("1956")
    page = _client(supervisor).get(detail)
    assert "order-genealogy" in page.text and "R2" in page.text


def test_formula_and_order_over_the_api(plant, planner, qm):
    p = plant
    body = {
        "product_id": p["paint"].pk,
        "batch_size": "1000",
        "lines": [
            {"material_id": p["resin"].pk, "percentage": "70"},
            {"material_id": p["solvent"].pk, "percentage": "30", "compensates": True},
        ],
    }
    client = Client()
    made = client.post(
        "/api/v1/formulas/",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="f-1",
        **_bearer(planner),
    )
    assert made.status_code == 201, made.content
    fid = made.json()["id"]
    released = client.post(
        f"/api/v1/formulas/{fid}/release", HTTP_IDEMPOTENCY_KEY="r-1", **_bearer(qm)
    )
    assert released.status_code == 200 and released.json()["state"] == "released"
    order = client.post(
        "/api/v1/production-orders/",
        {
            "product_id": p["paint"].pk,
            "quantity": "500",
            "issue_warehouse_id": p["raw"].pk,
            "output_location_id": p["c"].pk,
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="o-1",
        **_bearer(planner),
    )
    assert order.status_code == 201, order.content
    lines = {ln["material_id"]: Decimal(ln["required_quantity"]) for ln in order.json()["lines"]}
    assert lines == {p["resin"].pk: Decimal("350"), p["solvent"].pk: Decimal("150")}
    assert ProductionOrder.objects.get().formula_id == Formula.objects.get().pk
    frozen = client.patch(
        f"/api/v1/formulas/{fid}",
        {"batch_size": "2000"},
        content_type="application/json",
        **_bearer(planner),
    )
    assert frozen.status_code == 409

"""Supplier price lists (供应商价格表): the price an order line proposes by validity and
quantity break (hand-computed), the fallback to the last order price, approved suppliers of a
material, refusals that name line and field and write nothing, history page and API."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent
from erp.masterdata.models import Supplier, SupplierMaterial
from erp.purchasing.models import SupplierPrice
from erp.purchasing.services import orders, prices

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("caigoujingli", "purchase_manager")


def _list(actor, plant, start, end=None, breaks=None, includes_tax=False):
    return prices.supplier_price_create(
        actor=actor,
        header={
            "supplier_id": plant["supplier"].pk,
            "material_id": plant["resin"].pk,
            "date": start,
            "valid_to": end,
            "price_includes_tax": includes_tax,
        },
        lines=breaks
        or [
            {"min_quantity": D("0"), "price": D("12.00")},
            {"min_quantity": D("100"), "price": D("11.50")},
            {"min_quantity": D("500"), "price": D("11.00")},
        ],
    )


@pytest.fixture
def active_list(plant, purchaser, manager, today):
    draft = _list(purchaser, plant, today - dt.timedelta(days=10), today + dt.timedelta(days=20))
    return prices.supplier_price_activate(actor=manager, doc_id=draft.pk)


def _order_line(purchaser, plant, quantity, on_date):
    order = orders.purchase_order_create(
        actor=purchaser,
        header={"date": on_date, "supplier_id": plant["supplier"].pk},
        lines=[{"material_id": plant["resin"].pk, "quantity": quantity}],
    )
    return order.lines.get()


@pytest.mark.parametrize(
    ("quantity", "price"), [(D("99"), D("12.00")), (D("100"), D("11.50")), (D("600"), D("11.00"))]
)
def test_order_line_takes_the_break_of_its_quantity(
    active_list, plant, purchaser, today, quantity, price
):
    line = _order_line(purchaser, plant, quantity, today)
    assert (line.price, line.price_includes_tax) == (price, False)
    assert active_list.number.startswith("PP") and active_list.state == "active"


def test_break_amounts_hand_computed(active_list, plant, purchaser, today):
    # 600 kg × 11.00 excl. 13%: net 6,600.00, VAT 858.00, gross 7,458.00
    line = _order_line(purchaser, plant, D("600"), today)
    assert (line.net_amount, line.tax_amount, line.gross_amount) == (
        D("6600.00"),
        D("858.00"),
        D("7458.00"),
    )


def test_outside_validity_the_last_order_price_is_proposed(
    active_list, approved_order, plant, purchaser, today
):
    # the list ends today + 20; the approved order bought resin at 11.30 incl. tax
    line = _order_line(purchaser, plant, D("600"), today + dt.timedelta(days=21))
    assert (line.price, line.price_includes_tax) == (D("11.30"), True)
    line = _order_line(purchaser, plant, D("600"), today + dt.timedelta(days=20))
    assert line.price == D("11.00")  # the last valid day still counts


def test_below_the_first_break_the_last_price_is_proposed(
    approved_order, plant, purchaser, manager, today
):
    draft = _list(purchaser, plant, today, breaks=[{"min_quantity": D("50"), "price": D("9")}])
    prices.supplier_price_activate(actor=manager, doc_id=draft.pk)
    assert _order_line(purchaser, plant, D("10"), today).price == D("11.30")
    assert _order_line(purchaser, plant, D("50"), today).price == D("9")


def test_without_list_or_earlier_order_the_price_is_asked_for(plant, purchaser, today):
    with pytest.raises(ValidationFailed) as err:
        _order_line(purchaser, plant, D("10"), today)
    assert "Line 1" in str(err.value.message) and "price" in err.value.details["fields"]


def test_overlapping_validity_is_refused_and_nothing_changes(
    active_list, plant, purchaser, manager, today
):
    draft = _list(purchaser, plant, today + dt.timedelta(days=20))  # meets the last day
    events = AuditEvent.objects.count()
    with pytest.raises(BusinessRuleError) as err:
        prices.supplier_price_activate(actor=manager, doc_id=draft.pk)
    assert err.value.code == "price_overlap"
    assert active_list.number in str(err.value.message)
    draft.refresh_from_db()
    assert (draft.state, draft.number, draft.version) == ("draft", "", 1)
    assert AuditEvent.objects.count() == events
    # the day after the old list ends is fine
    later = _list(purchaser, plant, today + dt.timedelta(days=21))
    assert prices.supplier_price_activate(actor=manager, doc_id=later.pk).state == "active"


def test_breaks_must_increase(plant, purchaser, today):
    with pytest.raises(ValidationFailed) as err:
        _list(
            purchaser,
            plant,
            today,
            breaks=[
                {"min_quantity": D("100"), "price": D("11")},
                {"min_quantity": D("100"), "price": D("10")},
            ],
        )
    message = str(err.value.message)
    assert "Line 2" in message and "increasing" in message
    assert err.value.details["fields"].keys() == {"min_quantity"}
    assert not SupplierPrice.objects.exists()


def test_price_with_five_decimals_is_refused(plant, purchaser, today):
    with pytest.raises(ValidationFailed) as err:
        _list(purchaser, plant, today, breaks=[{"min_quantity": D("0"), "price": D("1.23456")}])
    assert "Line 1" in str(err.value.message) and "4 decimals" in str(err.value.message)
    assert err.value.details["fields"].keys() == {"price"}
    assert not SupplierPrice.objects.exists()


def test_valid_to_before_valid_from_is_refused(plant, purchaser, today):
    with pytest.raises(ValidationFailed) as err:
        _list(purchaser, plant, today, today - dt.timedelta(days=1))
    assert "valid_to" in err.value.details["fields"]
    assert not SupplierPrice.objects.exists()


def test_purchaser_drafts_but_does_not_activate(plant, purchaser, today):
    draft = _list(purchaser, plant, today)
    with pytest.raises(PermissionDenied):
        prices.supplier_price_activate(actor=purchaser, doc_id=draft.pk)
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_only_approved_suppliers_of_the_material(plant, purchaser, manager, order_lines, today):
    other = Supplier.objects.create(
        code="S009", name="另一家", approval_status=Supplier.Approval.APPROVED
    )
    SupplierMaterial.objects.create(supplier=other, material=plant["resin"])
    draft = _list(purchaser, plant, today)
    with pytest.raises(BusinessRuleError) as err:
        prices.supplier_price_activate(actor=manager, doc_id=draft.pk)
    assert err.value.code == "supplier_not_approved"
    order = orders.purchase_order_create(
        actor=purchaser,
        header={"date": today, "supplier_id": plant["supplier"].pk},
        lines=order_lines,
    )
    with pytest.raises(BusinessRuleError) as err:
        orders.purchase_order_submit(actor=purchaser, doc_id=order.pk)
    assert "Line 1" in str(err.value.message) and "RM-RESIN" in str(err.value.message)
    order.refresh_from_db()
    assert (order.state, order.number) == ("draft", "")
    # once the supplier is listed for the material the order goes through
    SupplierMaterial.objects.create(supplier=plant["supplier"], material=plant["resin"])
    assert orders.purchase_order_submit(actor=purchaser, doc_id=order.pk).state == "approved"


def test_price_list_by_api_and_history_page_and_api(
    client, plant, purchaser, manager, approved_order, today
):
    client.force_login(purchaser)
    body = {
        "supplier_id": plant["supplier"].pk,
        "material_id": plant["resin"].pk,
        "date": str(today),
        "price_includes_tax": False,
        "lines": [{"min_quantity": "0", "price": "12"}, {"min_quantity": "100", "price": "11.5"}],
    }
    created = client.post(
        "/api/v1/supplier-prices/",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": "pp-1"},
    )
    assert created.status_code == 201, created.content
    price_id = created.json()["id"]
    client.force_login(manager)
    done = client.post(
        f"/api/v1/supplier-prices/{price_id}/activate", headers={"Idempotency-Key": "a-1"}
    )
    assert done.status_code == 200 and done.json()["state"] == "active", done.content
    number = done.json()["number"]
    rows = client.get(
        "/api/v1/supplier-price-history/",
        {"supplier_id": plant["supplier"].pk, "material_id": plant["resin"].pk},
    ).json()
    assert [(r["source"], r["min_quantity"], r["price"]) for r in rows] == [
        ("price_list", "0.0000", "12.0000"),
        ("price_list", "100.0000", "11.5000"),
        ("order", None, "11.3000"),
    ]
    page = client.get(
        reverse("purchasing:price_history"),
        {"supplier": plant["supplier"].pk, "material": plant["resin"].pk},
    )
    assert page.status_code == 200 and number in page.text and approved_order.number in page.text
    assert client.get(reverse("purchasing:price_history")).status_code == 200
    detail = client.get(reverse("purchasing:supplierprice_detail", args=[price_id]))
    assert detail.status_code == 200 and "11.5" in detail.text

"""Receipts (issue #10.6): impossible or expired lots are refused at the service, so page, API and
import all refuse them; posted receipts show and print the lot and expiry of every line; a cost
entered in another unit keeps the line value exactly."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from erp.core.errors import ValidationFailed
from erp.inventory.models import MaterialValuation, OtherReceipt, StockMove
from erp.inventory.services import ReceiptLine, StockSource, stock_receive
from erp.inventory.services.documents import stock_document_create, stock_document_post
from erp.inventory.states import MoveType
from erp.masterdata.models import Unit, UnitConversion

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def receive_line(plant, **kw) -> ReceiptLine:
    return ReceiptLine(
        material_id=plant["resin"].pk,
        location_id=plant["a"].pk,
        quantity=Decimal("5"),
        unit_cost=Decimal("10"),
        **kw,
    )


def receive(keeper, plant, *, on=TODAY, move_type=MoveType.RECEIPT, **kw):
    return stock_receive(
        actor=keeper,
        lines=[receive_line(plant, **kw)],
        posting_date=on,
        source=StockSource("test.receipt", f"{on}-{kw.get('lot_number', '')}"),
        move_type=move_type,
    )


def refused(call, code: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as exc:
        call()
    assert exc.value.code == code
    return exc.value


# --- dates of a lot ----------------------------------------------------------------------


def test_expiry_before_production_is_refused_in_both_languages(keeper, plant):
    def call():
        receive(
            keeper,
            plant,
            lot_number="BAD-1",
            production_date=TODAY - DAY,
            expiry_date=TODAY - 2 * DAY,
        )

    with translation.override("en"):
        error = refused(call, "expiry_before_production")
        assert "before the production date" in str(error.message)
        assert "BAD-1" in str(error.message) and "RM-RESIN" in str(error.message)
    with translation.override("zh-hans"):
        error = refused(call, "expiry_before_production")
        assert "早于生产日期" in str(error.message)
    assert not StockMove.objects.exists()


def test_lot_already_expired_at_the_posting_date_is_refused(keeper, plant):
    with translation.override("zh-hans"):
        error = refused(
            lambda: receive(keeper, plant, lot_number="OLD-1", expiry_date=TODAY - DAY),
            "receipt_lot_expired",
        )
        assert "已过期" in str(error.message)
    # Shelf life 365 days from a production date 400 days ago: expired too.
    refused(
        lambda: receive(
            keeper, plant, lot_number="OLD-2", production_date=TODAY - dt.timedelta(days=400)
        ),
        "receipt_lot_expired",
    )
    assert not StockMove.objects.exists()


def test_more_stock_into_a_lot_that_has_expired_since_is_refused(keeper, plant):
    receive(keeper, plant, on=TODAY - 10 * DAY, lot_number="L-EXP", expiry_date=TODAY - DAY)
    refused(lambda: receive(keeper, plant, lot_number="L-EXP"), "receipt_lot_expired")
    assert StockMove.objects.count() == 1


def test_expiring_today_is_still_accepted(keeper, plant):
    moves = receive(keeper, plant, lot_number="L-TODAY", expiry_date=TODAY)
    assert moves[0].lot.expiry_date == TODAY


def test_opening_stock_may_carry_expired_lots(keeper, plant):
    """Expired goods on hand at go-live are real stock: counted in, then scrapped."""
    moves = receive(
        keeper, plant, lot_number="OPEN-EXP", expiry_date=TODAY - DAY, move_type=MoveType.OPENING
    )
    assert moves[0].lot.number == "OPEN-EXP"
    refused(
        lambda: receive(
            keeper,
            plant,
            lot_number="OPEN-BAD",
            production_date=TODAY,
            expiry_date=TODAY - DAY,
            move_type=MoveType.OPENING,
        ),
        "expiry_before_production",
    )


def receipt_lines(plant, **line):
    return [
        {
            "material_id": plant["resin"].pk,
            "location_id": plant["a"].pk,
            "quantity": "5",
            "unit_cost": "10",
            **line,
        }
    ]


def test_document_draft_refuses_impossible_dates_on_the_line(keeper, plant):
    error = refused(
        lambda: stock_document_create(
            actor=keeper,
            kind="otherreceipt",
            header={"date": TODAY, "warehouse_id": plant["wh"].pk},
            lines=receipt_lines(
                plant, production_date=TODAY.isoformat(), expiry_date=(TODAY - DAY).isoformat()
            ),
        ),
        "expiry_before_production",
    )
    assert "lines.1.expiry_date" in error.details["fields"]
    assert not OtherReceipt.objects.exists()


def test_document_dated_after_expiry_is_refused_at_posting(keeper, plant):
    """A draft dated before the expiry passes; moved past it, posting refuses."""
    doc = stock_document_create(
        actor=keeper,
        kind="otherreceipt",
        header={"date": TODAY - 5 * DAY, "warehouse_id": plant["wh"].pk},
        lines=receipt_lines(plant, lot_number="D-1", expiry_date=(TODAY - 2 * DAY).isoformat()),
    )
    OtherReceipt.objects.filter(pk=doc.pk).update(date=TODAY)  # as if re-dated before posting
    refused(
        lambda: stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk),
        "receipt_lot_expired",
    )
    doc.refresh_from_db()
    assert doc.state == "draft" and doc.number == ""


def test_api_refuses_expired_receipt_with_the_code(client, keeper, plant):
    client.force_login(keeper)
    body = {
        "warehouse_id": plant["wh"].pk,
        "lines": receipt_lines(plant, lot_number="API-EXP", expiry_date=(TODAY - DAY).isoformat()),
    }
    response = client.post(
        "/api/v1/other-receipts/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "receipt_lot_expired"


# --- lot and expiry on posted receipts ---------------------------------------------------


@pytest.fixture
def print_html(monkeypatch):
    """The print views render their HTML template to PDF; keep the HTML instead (the PDF
    engine is tested in core), so the test reads what the printed page says."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    from erp.core.printing import print_context

    def as_html(request, *, template_name, context, **_kw):
        return HttpResponse(render_to_string(template_name, print_context(context), request))

    monkeypatch.setattr("erp.core.doc_kit.views.pdf_response", as_html)


def test_posted_receipt_shows_and_prints_the_numbered_lot_and_its_expiry(
    client, keeper, plant, print_html
):
    """No lot typed: the lot takes a number from the rule and its expiry from the shelf life
    (production date + 365 days); the posted receipt carries both on its line."""
    produced = TODAY - 10 * DAY
    doc = stock_document_create(
        actor=keeper,
        kind="otherreceipt",
        header={"date": TODAY, "warehouse_id": plant["wh"].pk},
        lines=receipt_lines(plant, production_date=produced.isoformat()),
    )
    doc = stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk)
    line = doc.lines.get()
    lot = StockMove.objects.get(source_type="inventory.otherreceipt").lot
    expiry = produced + dt.timedelta(days=365)
    assert line.lot == lot and line.lot_number == lot.number and lot.number
    assert line.expiry_date == lot.expiry_date == expiry

    client.force_login(keeper)
    detail = client.get(reverse("inventory:otherreceipt_detail", args=[doc.pk])).content.decode()
    lines_table = detail.split('id="doc-lines"')[1].split("</table>")[0]
    assert lot.number in lines_table and expiry.isoformat() in lines_table
    text = client.get(reverse("inventory:otherreceipt_print", args=[doc.pk])).content.decode()
    assert lot.number in text and expiry.isoformat() in text


# --- value of a line costed in another unit ----------------------------------------------


def test_cost_per_box_keeps_the_line_value_exactly(keeper, plant):
    """30,000 箱 × 10.00 = 300,000.00, at 7 kg per box = 210,000 kg. Converting the price first
    gives 10 / 7 = 1.428571 per kg (6 places) and 210,000 × 1.428571 = 299,999.91; the line
    must post 300,000.00 and the material's valuation hold exactly that."""
    box = Unit.objects.create(code="box", name="箱")
    UnitConversion.objects.create(
        material=plant["bag"], from_unit=box, to_unit=plant["bag"].base_unit, factor=7
    )
    doc = stock_document_create(
        actor=keeper,
        kind="otherreceipt",
        header={"date": TODAY, "warehouse_id": plant["wh"].pk},
        lines=[
            {
                "material_id": plant["bag"].pk,
                "location_id": plant["a"].pk,
                "unit_id": box.pk,
                "quantity": "30000",
                "unit_cost": "10.00",
            }
        ],
    )
    stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk)
    move = StockMove.objects.get(source_type="inventory.otherreceipt")
    assert move.quantity == Decimal("210000")
    assert move.value == Decimal("300000.00")
    valuation = MaterialValuation.objects.get(material=plant["bag"])
    assert valuation.value == Decimal("300000.00")

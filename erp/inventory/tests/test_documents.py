"""Inventory documents: each posts the right moves and balances through the stock services,
drafts are editable, posted ones frozen, permissions hold, the ledger stays consistent."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.core.errors import (
    BusinessRuleError,
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from erp.inventory.models import Lot, StockBalance, StockMove
from erp.inventory.services.documents import (
    stock_document_cancel,
    stock_document_create,
    stock_document_post,
    stock_document_update,
)
from erp.inventory.states import LotStatus
from erp.masterdata.models import Unit, UnitConversion

TODAY = dt.date.today()


def on_hand(material, location, lot=None) -> Decimal:
    row = StockBalance.objects.filter(material=material, location=location, lot=lot).first()
    return row.on_hand if row else Decimal(0)


def receipt(keeper, plant, *lines, date=TODAY):
    return stock_document_create(
        actor=keeper,
        kind="otherreceipt",
        header={"date": date, "warehouse_id": plant["wh"].pk, "note": "样品入库"},
        lines=list(lines),
    )


def test_other_receipt_posts_moves_pointing_back(keeper, plant, ledger_clean):
    bag = Unit.objects.create(code="bag", name="袋")
    UnitConversion.objects.create(
        material=plant["resin"], from_unit=bag, to_unit=plant["resin"].base_unit, factor=25
    )
    doc = receipt(
        keeper,
        plant,
        {
            "material_id": plant["resin"].pk,
            "location_id": plant["a"].pk,
            "unit_id": bag.pk,
            "quantity": "4",
            "unit_cost": "250",
            "lot_number": "R-001",
            "supplier_lot": "SUP-9",
            "production_date": (TODAY - dt.timedelta(days=30)).isoformat(),  # still good
        },
        {"material_id": plant["bag"].pk, "location_id": plant["b"].pk, "quantity": "10"},
    )
    assert doc.state == "draft" and doc.number == ""
    line = doc.lines.get(line_no=1)
    assert line.base_quantity == Decimal("100")

    doc = stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk)

    assert doc.state == "posted" and doc.number.startswith("IR")
    lot = Lot.objects.get(material=plant["resin"], number="R-001")
    assert lot.supplier_lot == "SUP-9"
    assert lot.expiry_date == TODAY + dt.timedelta(days=335)  # made 30 days ago, keeps 365
    assert on_hand(plant["resin"], plant["a"], lot) == Decimal("100")
    assert on_hand(plant["bag"], plant["b"]) == Decimal("10")
    move = StockMove.objects.get(material=plant["resin"])
    assert (move.source_type, move.source_id, move.source_line_id) == (
        "inventory.otherreceipt",
        str(doc.pk),
        str(line.pk),
    )
    # 250 per bag of 25 kg = 10 per kg
    assert move.unit_cost == Decimal("10") and move.value == Decimal("1000.00")
    ledger_clean()


def test_posted_document_is_frozen(keeper, plant, ledger_clean):
    doc = receipt(
        keeper,
        plant,
        {"material_id": plant["bag"].pk, "location_id": plant["a"].pk, "quantity": "1"},
    )
    stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk)
    with pytest.raises(Conflict) as edit:
        stock_document_update(
            actor=keeper, kind="otherreceipt", doc_id=doc.pk, header={"note": "x"}
        )
    assert edit.value.status == 409 and edit.value.code == "document_frozen"
    with pytest.raises(InvalidTransition) as cancel:
        stock_document_cancel(actor=keeper, kind="otherreceipt", doc_id=doc.pk)
    assert cancel.value.status == 409
    with pytest.raises(InvalidTransition) as again:
        stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk)
    assert again.value.code == "already_done"
    assert StockMove.objects.count() == 1
    ledger_clean()


def test_draft_can_be_edited_and_cancelled(keeper, plant):
    doc = receipt(
        keeper,
        plant,
        {"material_id": plant["bag"].pk, "location_id": plant["a"].pk, "quantity": "1"},
    )
    doc = stock_document_update(
        actor=keeper,
        kind="otherreceipt",
        doc_id=doc.pk,
        header={"note": "改"},
        lines=[{"material_id": plant["bag"].pk, "location_id": plant["b"].pk, "quantity": "3"}],
    )
    assert doc.version == 2 and doc.lines.get().base_quantity == Decimal("3")
    doc = stock_document_cancel(actor=keeper, kind="otherreceipt", doc_id=doc.pk)
    assert doc.state == "cancelled" and doc.number == ""
    assert not StockMove.objects.exists()


def test_salesperson_cannot_post_a_receipt_keeper_can(keeper, plant, make_user):
    seller = make_user("seller", "sales")
    doc = receipt(
        keeper,
        plant,
        {"material_id": plant["bag"].pk, "location_id": plant["a"].pk, "quantity": "1"},
    )
    with pytest.raises(PermissionDenied):
        stock_document_post(actor=seller, kind="otherreceipt", doc_id=doc.pk)
    with pytest.raises(PermissionDenied):
        receipt(
            seller,
            plant,
            {"material_id": plant["bag"].pk, "location_id": plant["a"].pk, "quantity": "1"},
        )
    doc.refresh_from_db()
    assert doc.state == "draft" and not StockMove.objects.exists()
    assert stock_document_post(actor=keeper, kind="otherreceipt", doc_id=doc.pk).state == "posted"


def issue(keeper, plant, lines, reason="sample"):
    return stock_document_create(
        actor=keeper,
        kind="otherissue",
        header={"date": TODAY, "warehouse_id": plant["wh"].pk, "reason": reason},
        lines=lines,
    )


def test_other_issue_requires_reason_and_picks_fefo(keeper, plant, receive, ledger_clean):
    late = receive(
        plant["resin"], plant["a"], "5", lot="LATE", expiry_date=TODAY + dt.timedelta(days=90)
    )
    early = receive(
        plant["resin"], plant["a"], "5", lot="EARLY", expiry_date=TODAY + dt.timedelta(days=10)
    )
    with pytest.raises(ValidationFailed) as no_reason:
        issue(keeper, plant, [], reason="")
    assert no_reason.value.code == "invalid_document"
    with pytest.raises(ValidationFailed):
        issue(keeper, plant, [], reason="gift")
    doc = issue(
        keeper,
        plant,
        [{"material_id": plant["resin"].pk, "location_id": plant["a"].pk, "quantity": "7"}],
    )
    doc = stock_document_post(actor=keeper, kind="otherissue", doc_id=doc.pk)
    assert doc.number.startswith("OI")
    assert on_hand(plant["resin"], plant["a"], early) == 0
    assert on_hand(plant["resin"], plant["a"], late) == Decimal("3")
    assert (
        StockMove.objects.filter(source_type="inventory.otherissue", source_id=str(doc.pk)).count()
        == 2
    )
    ledger_clean()


def test_quarantine_lot_refused_on_issue_in_chinese(keeper, plant, receive, ledger_clean):
    from django.utils import translation

    lot = receive(plant["pigment"], plant["a"], "5", lot="PG-1")
    assert lot.status == LotStatus.QUARANTINE
    doc = issue(
        keeper,
        plant,
        [
            {
                "material_id": plant["pigment"].pk,
                "location_id": plant["a"].pk,
                "lot_id": lot.pk,
                "quantity": "1",
            }
        ],
    )
    with translation.override("zh-hans"), pytest.raises(BusinessRuleError) as refused:
        stock_document_post(actor=keeper, kind="otherissue", doc_id=doc.pk)
    with translation.override("zh-hans"):
        message = str(refused.value.message)
    assert "PG-1" in message and "待检" in message
    doc.refresh_from_db()
    assert doc.state == "draft" and doc.number == ""
    assert on_hand(plant["pigment"], plant["a"], lot) == Decimal("5")
    ledger_clean()


def test_transfer_keeps_lot_and_moves_value(keeper, plant, receive, ledger_clean):
    lot = receive(plant["resin"], plant["a"], "10", cost="12", lot="T-1")
    doc = stock_document_create(
        actor=keeper,
        kind="transfer",
        header={"date": TODAY, "warehouse_id": plant["wh"].pk, "to_warehouse_id": plant["wh2"].pk},
        lines=[
            {
                "material_id": plant["resin"].pk,
                "from_location_id": plant["a"].pk,
                "to_location_id": plant["c"].pk,
                "lot_id": lot.pk,
                "quantity": "4",
            }
        ],
    )
    doc = stock_document_post(actor=keeper, kind="transfer", doc_id=doc.pk)
    assert doc.number.startswith("TR")
    assert on_hand(plant["resin"], plant["a"], lot) == Decimal("6")
    assert on_hand(plant["resin"], plant["c"], lot) == Decimal("4")
    assert StockBalance.objects.get(material=plant["resin"], location=plant["c"]).value == Decimal(
        "48.00"
    )
    ledger_clean()


def test_transfer_to_same_location_refused(keeper, plant):
    with pytest.raises(ValidationFailed) as err:
        stock_document_create(
            actor=keeper,
            kind="transfer",
            header={"date": TODAY, "warehouse_id": plant["wh"].pk},
            lines=[
                {
                    "material_id": plant["bag"].pk,
                    "from_location_id": plant["a"].pk,
                    "to_location_id": plant["a"].pk,
                    "quantity": "1",
                }
            ],
        )
    assert err.value.code == "invalid_document"


def test_scrap_rejected_lot_with_reason(keeper, plant, receive, qm, ledger_clean):
    from erp.inventory.services import lot_status_change

    lot = receive(plant["pigment"], plant["q"], "8", lot="BAD-1")
    lot_status_change(actor=qm, lot_id=lot.pk, status=LotStatus.REJECTED, reason="QC-7 不合格")
    doc = stock_document_create(
        actor=keeper,
        kind="scrap",
        header={"date": TODAY, "warehouse_id": plant["wh"].pk, "reason": "检验不合格"},
        lines=[
            {
                "material_id": plant["pigment"].pk,
                "location_id": plant["q"].pk,
                "lot_id": lot.pk,
                "quantity": "8",
            }
        ],
    )
    doc = stock_document_post(actor=keeper, kind="scrap", doc_id=doc.pk)
    assert doc.number.startswith("SC")
    move = StockMove.objects.get(source_type="inventory.scrap")
    assert move.to_location_id is None and move.reason == "检验不合格" and move.quantity == 8
    assert on_hand(plant["pigment"], plant["q"], lot) == 0
    ledger_clean()


def test_location_outside_warehouse_refused(keeper, plant):
    with pytest.raises(ValidationFailed) as err:
        receipt(
            keeper,
            plant,
            {"material_id": plant["bag"].pk, "location_id": plant["c"].pk, "quantity": "1"},
        )
    assert err.value.code == "invalid_document" and "C-01" in str(err.value.message)

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from erp.core.errors import BusinessRuleError, PermissionDenied, ValidationFailed
from erp.inventory.models import Lot, LotStatusChange, MaterialValuation, StockBalance, StockMove
from erp.inventory.selectors import available_qty, on_hand_by_material
from erp.inventory.services import (
    IssueLine,
    ReceiptLine,
    StockSource,
    TransferLine,
    lot_status_change,
    stock_issue,
    stock_receive,
    stock_scrap,
    stock_transfer,
)
from erp.inventory.states import LotStatus

from .conftest import TODAY

SRC = StockSource("test.doc", 1)


def issue(actor, material, location, qty, lot=None, date=None, source=SRC):
    return stock_issue(
        actor=actor,
        lines=[IssueLine(material.pk, location.pk, D(qty), lot.pk if lot else None)],
        posting_date=date or TODAY,
        source=source,
    )


def test_receipt_creates_lot_balance_valuation(plant, receive, ledger_clean):
    lot = receive(
        plant["resin"],
        plant["a"],
        "100",
        "12.5",
        lot="R-001",
        supplier_lot="S-9",
        production_date=TODAY - dt.timedelta(days=30),  # made last month: still good
    )
    assert lot.number == "R-001" and lot.supplier_lot == "S-9"
    assert lot.status == LotStatus.RELEASED  # resin needs no QC
    # production date + 365 days shelf life
    assert lot.expiry_date == TODAY - dt.timedelta(days=30) + dt.timedelta(days=365)
    assert LotStatusChange.objects.get(lot=lot).to_status == LotStatus.RELEASED
    bal = StockBalance.objects.get(material=plant["resin"], lot=lot)
    assert (bal.on_hand, bal.value) == (D("100"), D("1250.00"))
    val = MaterialValuation.objects.get(pk=plant["resin"].pk)
    assert (val.quantity, val.value, val.unit_cost) == (D(100), D("1250.00"), D("12.5"))
    ledger_clean()


def test_qc_material_lands_in_quarantine_with_rule_number(plant, receive, keeper):
    lot = receive(plant["pigment"], plant["q"], "50")
    assert lot.status == LotStatus.QUARANTINE
    assert lot.number.startswith("LOT")
    assert available_qty(material=plant["pigment"], location=plant["q"]) == 0
    with pytest.raises(BusinessRuleError) as exc:
        issue(keeper, plant["pigment"], plant["q"], "1", lot)
    assert exc.value.code == "lot_status_refused"
    assert lot.number in str(exc.value.message)


def test_quarantine_refusal_is_in_chinese(plant, receive, keeper):
    lot = receive(plant["pigment"], plant["q"], "50", lot="RM-240301")
    with translation.override("zh-hans"), pytest.raises(BusinessRuleError) as exc:
        issue(keeper, plant["pigment"], plant["q"], "1", lot)
    with translation.override("zh-hans"):
        text = str(exc.value.message)
    assert "批次 RM-240301" in text and "待检" in text


def test_issue_reduces_balance_at_average_cost(plant, receive, keeper, ledger_clean):
    receive(plant["bag"], plant["a"], "10", "1.00")
    receive(plant["bag"], plant["a"], "20", "2.00")  # average 50/30 = 1.666667
    moves = issue(keeper, plant["bag"], plant["a"], "3")
    assert moves[0].unit_cost == D("1.666667") and moves[0].value == D("5.00")
    issue(keeper, plant["bag"], plant["a"], "27")  # empties: takes the remaining 45.00
    val = MaterialValuation.objects.get(pk=plant["bag"].pk)
    assert (val.quantity, val.value) == (0, 0)
    assert StockMove.objects.filter(material=plant["bag"]).count() == 4
    ledger_clean()


def test_rounding_is_carried_no_drift(plant, receive, keeper, ledger_clean):
    receive(plant["bag"], plant["a"], "3", "0.333333")  # 1.00 for 3 units
    for _ in range(3):
        issue(keeper, plant["bag"], plant["a"], "1")
    assert sum(
        StockMove.objects.filter(from_location=plant["a"]).values_list("value", flat=True)
    ) == D("1.00")
    ledger_clean()


def test_negative_stock_refused_naming_lot_and_available(plant, receive, keeper, ledger_clean):
    lot = receive(plant["resin"], plant["a"], "10", lot="R-10")
    with pytest.raises(BusinessRuleError) as exc:
        issue(keeper, plant["resin"], plant["a"], "11", lot)
    assert exc.value.code == "insufficient_stock"
    assert "R-10" in str(exc.value.message) and "可用 10" in str(exc.value.message)
    assert exc.value.details["available"] == D(10)
    with translation.override("en"):
        with pytest.raises(BusinessRuleError) as exc:
            issue(keeper, plant["resin"], plant["a"], "11", lot)
        assert "10 available, 11 requested" in str(exc.value.message)
    assert StockMove.objects.count() == 1
    ledger_clean()


@pytest.mark.parametrize("status", [LotStatus.REJECTED, LotStatus.BLOCKED])
def test_issue_refused_for_held_lots(plant, receive, keeper, qm, status):
    lot = receive(plant["resin"], plant["a"], "10", lot="R-H")
    lot_status_change(actor=qm, lot_id=lot.pk, status=status, reason="IQC-7")
    with pytest.raises(BusinessRuleError) as exc:
        issue(keeper, plant["resin"], plant["a"], "1", lot)
    assert exc.value.details["status"] == status


def test_expired_lot_cannot_be_issued_but_can_be_scrapped(plant, receive, keeper, ledger_clean):
    lot = receive(  # received while still good, expired since
        plant["resin"],
        plant["a"],
        "5",
        lot="R-OLD",
        expiry_date=TODAY - dt.timedelta(days=1),
        date=TODAY - dt.timedelta(days=3),
    )
    assert available_qty(material=plant["resin"], location=plant["a"]) == 0
    with pytest.raises(BusinessRuleError) as exc:
        issue(keeper, plant["resin"], plant["a"], "1", lot)
    assert exc.value.code == "lot_expired"
    stock_scrap(
        actor=keeper,
        lines=[IssueLine(plant["resin"].pk, plant["a"].pk, D(5), lot.pk)],
        posting_date=TODAY,
        source=SRC,
        reason="过期",
    )
    assert StockBalance.objects.get(lot=lot).on_hand == 0
    ledger_clean()


def test_blocked_lot_cannot_be_scrapped_or_transferred(plant, receive, keeper, qm):
    lot = receive(plant["resin"], plant["a"], "5", lot="R-BL")
    lot_status_change(actor=qm, lot_id=lot.pk, status=LotStatus.BLOCKED, reason="投诉调查")
    with pytest.raises(BusinessRuleError):
        stock_transfer(
            actor=keeper,
            lines=[TransferLine(plant["resin"].pk, plant["a"].pk, plant["b"].pk, D(1), lot.pk)],
            posting_date=TODAY,
            source=SRC,
        )
    with pytest.raises(BusinessRuleError):
        stock_scrap(
            actor=keeper,
            lines=[IssueLine(plant["resin"].pk, plant["a"].pk, D(1), lot.pk)],
            posting_date=TODAY,
            source=SRC,
            reason="x",
        )


def test_transfer_moves_quantity_and_value(plant, receive, keeper, ledger_clean):
    lot = receive(plant["pigment"], plant["q"], "10", "3", lot="P-1")  # quarantine may move
    stock_transfer(
        actor=keeper,
        lines=[TransferLine(plant["pigment"].pk, plant["q"].pk, plant["c"].pk, D(4), lot.pk)],
        posting_date=TODAY,
        source=SRC,
    )
    assert StockBalance.objects.get(location=plant["c"], lot=lot).value == D("12.00")
    assert on_hand_by_material(warehouse=plant["wh"]) == {plant["pigment"].pk: D(6)}
    val = MaterialValuation.objects.get(pk=plant["pigment"].pk)
    assert (val.quantity, val.value) == (D(10), D("30.00"))
    ledger_clean()


def test_fefo_issue_without_lot_takes_earliest_expiry(plant, receive, keeper, ledger_clean):
    late = receive(
        plant["resin"], plant["a"], "5", lot="LATE", expiry_date=TODAY + dt.timedelta(days=90)
    )
    early = receive(
        plant["resin"], plant["a"], "5", lot="EARLY", expiry_date=TODAY + dt.timedelta(days=10)
    )
    moves = issue(keeper, plant["resin"], plant["a"], "7")
    assert [(m.lot, m.quantity) for m in moves] == [(early, D(5)), (late, D(2))]
    ledger_clean()


def test_batch_material_requires_lot_and_plain_refuses_lot(plant, keeper):
    with pytest.raises(ValidationFailed):
        stock_transfer(
            actor=keeper,
            lines=[TransferLine(plant["resin"].pk, plant["a"].pk, plant["b"].pk, D(1))],
            posting_date=TODAY,
            source=SRC,
        )
    with pytest.raises(ValidationFailed):
        stock_receive(
            actor=keeper,
            lines=[ReceiptLine(plant["bag"].pk, plant["a"].pk, D(1), D(1), lot_number="X")],
            posting_date=TODAY,
            source=SRC,
        )


def test_future_date_and_zero_quantity_refused(plant, keeper):
    line = ReceiptLine(plant["bag"].pk, plant["a"].pk, D(1), D(1))
    with pytest.raises(ValidationFailed) as exc:
        stock_receive(
            actor=keeper, lines=[line], posting_date=TODAY + dt.timedelta(days=1), source=SRC
        )
    assert exc.value.code == "posting_date_future"
    with pytest.raises(ValidationFailed):
        stock_receive(
            actor=keeper,
            lines=[ReceiptLine(plant["bag"].pk, plant["a"].pk, D(0), D(1))],
            posting_date=TODAY,
            source=SRC,
        )


def test_permissions(plant, make_user):
    sales = make_user("s1", "sales")
    with pytest.raises(PermissionDenied):
        stock_receive(
            actor=sales,
            lines=[ReceiptLine(plant["bag"].pk, plant["a"].pk, D(1), D(1))],
            posting_date=TODAY,
            source=SRC,
        )
    keeper = make_user("k2", "warehouse")
    lot = Lot.objects.create(material=plant["resin"], number="L", status=LotStatus.QUARANTINE)
    # Lot release belongs to quality alone: neither the inspector nor the keeper may.
    inspector = make_user("i1", "inspector")
    with pytest.raises(PermissionDenied):
        lot_status_change(actor=inspector, lot_id=lot.pk, status="released", reason="ok")
    with pytest.raises(PermissionDenied):
        lot_status_change(actor=keeper, lot_id=lot.pk, status="released", reason="ok")
    quality = make_user("q1", "quality_manager")
    lot_status_change(actor=quality, lot_id=lot.pk, status="released", reason="ok")


def test_audit_event_per_posting(plant, receive):
    from erp.core.models import AuditEvent

    receive(plant["bag"], plant["a"], "1")
    event = AuditEvent.objects.get(object_type="inventory.stockmove")
    assert len(event.changes["moves"]) == 1

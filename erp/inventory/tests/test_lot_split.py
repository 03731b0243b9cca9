"""Lot split (批次拆分): part of a lot moves into a new child lot at the same locations, at the
material's average cost; the genealogy link parent → child is recorded for traceability; a
split that asks too much, or by someone who may not decide lot status, writes nothing."""

from decimal import Decimal

import pytest

from erp.core.errors import PermissionDenied, ValidationFailed
from erp.core.lot_links import lot_link_sources
from erp.inventory.models import (
    Lot,
    LotAttribute,
    LotSplit,
    MaterialValuation,
    StockBalance,
    StockMove,
)
from erp.inventory.services import ReserveLine, StockSource, stock_reserve
from erp.inventory.services.lot_split import LOT_SPLIT, lot_split
from erp.inventory.states import LotStatus

D = Decimal
SOURCE = StockSource("test.split", 1, "QC-TEST-1")


def _balance(lot, location) -> StockBalance:
    return StockBalance.objects.get(lot=lot, location=location)


def test_a_split_moves_quantity_and_value_into_a_child_lot(plant, qm, receive, ledger_clean):
    lot = receive(plant["resin"], plant["a"], "60", cost="10", lot="R-1")
    receive(plant["resin"], plant["b"], "40", cost="10", lot="R-1")
    LotAttribute.objects.create(lot=lot, name="含量", value_decimal=D("98.5"), unit="%")
    before = MaterialValuation.objects.get(material=plant["resin"])

    child = lot_split(
        actor=qm,
        lot_id=lot.pk,
        quantity="70",
        status=LotStatus.REJECTED,
        reason="QC1 部分放行",
        source=SOURCE,
    )

    assert child.number == "R-1-1" and child.status == LotStatus.REJECTED
    assert child.expiry_date == lot.expiry_date
    # 60 from A-01 (first location), 10 from B-01; every move at the average 10.00.
    assert _balance(lot, plant["a"]).on_hand == 0
    assert _balance(lot, plant["b"]).on_hand == D("30")
    assert _balance(child, plant["a"]).on_hand == D("60")
    assert _balance(child, plant["b"]).on_hand == D("10")
    assert _balance(child, plant["a"]).value == D("600.00")
    moves = StockMove.objects.filter(move_type=LOT_SPLIT).order_by("pk")
    assert [(m.lot.number, m.quantity, m.value) for m in moves] == [
        ("R-1", D("60"), D("600.00")),
        ("R-1-1", D("60"), D("600.00")),
        ("R-1", D("10"), D("100.00")),
        ("R-1-1", D("10"), D("100.00")),
    ]
    after = MaterialValuation.objects.get(material=plant["resin"])
    assert (after.quantity, after.value, after.unit_cost) == (
        before.quantity,
        before.value,
        before.unit_cost,
    )
    split = LotSplit.objects.get()
    assert (split.parent, split.child, split.quantity) == (lot, child, D("70"))
    assert split.source_number == "QC-TEST-1"
    assert LotAttribute.objects.get(lot=child, name="含量").value_decimal == D("98.5")
    ledger_clean()


def test_the_split_is_a_registered_genealogy_link(plant, qm, receive):
    assert any(s.model is LotSplit for s in lot_link_sources())
    lot = receive(plant["resin"], plant["a"], "10", lot="R-2")
    lot_split(
        actor=qm,
        lot_id=lot.pk,
        quantity="4",
        status=LotStatus.REJECTED,
        reason="x",
        source=SOURCE,
    )
    second = lot_split(
        actor=qm,
        lot_id=lot.pk,
        quantity="1",
        status=LotStatus.BLOCKED,
        reason="y",
        source=SOURCE,
    )
    assert second.number == "R-2-2"


@pytest.mark.parametrize("quantity", ["100", "120", "0", "-5", "abc"])
def test_a_split_of_too_much_or_nothing_writes_nothing(plant, qm, receive, quantity):
    lot = receive(plant["resin"], plant["a"], "100", lot="R-3")
    with pytest.raises(ValidationFailed) as err:
        lot_split(
            actor=qm,
            lot_id=lot.pk,
            quantity=quantity,
            status=LotStatus.REJECTED,
            reason="x",
            source=SOURCE,
        )
    assert err.value.code in ("split_quantity_too_large", "invalid_quantity")
    assert Lot.objects.count() == 1 and not LotSplit.objects.exists()
    assert not StockMove.objects.filter(move_type=LOT_SPLIT).exists()


def test_reserved_stock_is_not_split(plant, qm, keeper, receive):
    lot = receive(plant["resin"], plant["a"], "100", lot="R-4")
    stock_reserve(
        actor=keeper,
        lines=[
            ReserveLine(
                material_id=plant["resin"].pk,
                location_id=plant["a"].pk,
                quantity=D("50"),
                lot_id=lot.pk,
            )
        ],
        source=StockSource("test.order", 9, "SO-9"),
    )
    with pytest.raises(ValidationFailed) as err:
        lot_split(
            actor=qm,
            lot_id=lot.pk,
            quantity="60",
            status=LotStatus.REJECTED,
            reason="x",
            source=SOURCE,
        )
    assert "50" in str(err.value.message)
    assert not LotSplit.objects.exists()


def test_the_warehouse_may_not_split_a_lot(plant, keeper, receive):
    lot = receive(plant["resin"], plant["a"], "10", lot="R-5")
    with pytest.raises(PermissionDenied):
        lot_split(
            actor=keeper,
            lot_id=lot.pk,
            quantity="1",
            status=LotStatus.REJECTED,
            reason="x",
            source=SOURCE,
        )


def test_a_split_books_no_voucher():
    """The two halves stay on the same inventory account: the stock builder skips them."""
    import datetime as dt

    from erp.accounting.builders.stock import StockMoveValue, stock_moves_draft

    halves = [
        StockMoveValue(1, "RM", LOT_SPLIT, D("600.00"), from_warehouse="WH1"),
        StockMoveValue(1, "RM", LOT_SPLIT, D("600.00"), to_warehouse="WH1"),
    ]
    rules = {("stock_receipt", "", ""): ("1403", "1901")}
    assert (
        stock_moves_draft(date=dt.date(2026, 5, 1), summaries={}, moves=halves, rules=rules) is None
    )

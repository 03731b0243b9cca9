"""Stock counts: scope, frozen snapshot, counting, variances posted, accuracy recorded."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.core.errors import Conflict, PermissionDenied, ValidationFailed
from erp.inventory.models import StockBalance, StockMove
from erp.inventory.services.counts import (
    stock_count_create,
    stock_count_enter,
    stock_count_freeze,
    stock_count_post,
    variance_value,
)

TODAY = dt.date.today()


def qty(material, location, lot=None):
    return StockBalance.objects.get(material=material, location=location, lot=lot).on_hand


@pytest.fixture
def stocked(plant, receive):
    return {
        "r1": receive(plant["resin"], plant["a"], "100", cost="10", lot="R1"),
        "r2": receive(plant["resin"], plant["b"], "50", cost="10", lot="R2"),
        "bag": receive(plant["bag"], plant["a"], "20", cost="2"),
        "other": receive(plant["resin"], plant["c"], "9", cost="10", lot="R3"),
    }


def frozen_count(keeper, plant, **header):
    count = stock_count_create(
        actor=keeper,
        header={"date": TODAY, "warehouse_id": plant["wh"].pk, "tolerance_percent": "1", **header},
    )
    return stock_count_freeze(actor=keeper, count_id=count.pk)


def test_count_posts_variances_and_accuracy(keeper, plant, stocked, ledger_clean):
    count = frozen_count(keeper, plant)
    lines = {(ln.material.code, ln.location.code): ln for ln in count.lines.all()}
    # Only the count's warehouse is in scope; WH2/C-01 is not.
    assert set(lines) == {("RM-RESIN", "A-01"), ("RM-RESIN", "B-01"), ("PK-BAG", "A-01")}
    assert lines[("RM-RESIN", "A-01")].book_quantity == Decimal("100")
    stock_count_enter(
        actor=keeper,
        count_id=count.pk,
        counts={
            lines[("RM-RESIN", "A-01")].pk: "99.5",  # within 1 %
            lines[("RM-RESIN", "B-01")].pk: "45",  # 盘亏 5, outside tolerance
            lines[("PK-BAG", "A-01")].pk: "22",  # 盘盈 2, outside tolerance
        },
    )
    b01 = count.lines.get(pk=lines[("RM-RESIN", "B-01")].pk)
    assert b01.variance == Decimal("-5") and variance_value(b01) == Decimal("-50.00")

    count = stock_count_post(actor=keeper, count_id=count.pk)

    assert count.state == "posted" and count.number.startswith("ST")
    assert qty(plant["resin"], plant["a"], stocked["r1"]) == Decimal("99.5")
    assert qty(plant["resin"], plant["b"], stocked["r2"]) == Decimal("45")
    assert qty(plant["bag"], plant["a"]) == Decimal("22")
    assert qty(plant["resin"], plant["c"], stocked["other"]) == Decimal("9")
    moves = StockMove.objects.filter(source_type="inventory.stockcount", source_id=str(count.pk))
    assert moves.count() == 3
    assert {m.source_line_id for m in moves} == {str(ln.pk) for ln in lines.values()}
    assert (count.lines_total, count.lines_within) == (3, 1)
    assert count.accuracy_percent == Decimal("33.33")
    ledger_clean()


def test_count_scope_by_location_and_category(keeper, plant, stocked):
    count = frozen_count(keeper, plant, location_ids=[plant["a"].pk])
    assert {ln.location_id for ln in count.lines.all()} == {plant["a"].pk}
    assert count.lines.count() == 2
    from erp.masterdata.models import MaterialCategory

    pack = MaterialCategory.objects.create(code="PK", name="包材")
    plant["bag"].category = pack
    plant["bag"].save()
    count2 = frozen_count(keeper, plant, category_ids=[pack.pk])
    assert [ln.material_id for ln in count2.lines.all()] == [plant["bag"].pk]


def test_variance_applies_to_stock_moved_after_freeze(
    keeper, plant, stocked, receive, ledger_clean
):
    count = frozen_count(keeper, plant, location_ids=[plant["b"].pk])
    line = count.lines.get()
    receive(plant["resin"], plant["b"], "10", lot="R2")  # late delivery after the snapshot
    stock_count_enter(actor=keeper, count_id=count.pk, counts={line.pk: "48"})
    stock_count_post(actor=keeper, count_id=count.pk)
    # book 50, counted 48: variance −2 applied to 60 now on hand
    assert qty(plant["resin"], plant["b"], stocked["r2"]) == Decimal("58")
    ledger_clean()


def test_count_cannot_post_uncounted_and_is_frozen_after(keeper, plant, stocked):
    count = frozen_count(keeper, plant, location_ids=[plant["b"].pk])
    line = count.lines.get()
    with pytest.raises(ValidationFailed) as missing:
        stock_count_post(actor=keeper, count_id=count.pk)
    assert missing.value.code == "count_incomplete"
    stock_count_enter(actor=keeper, count_id=count.pk, counts={line.pk: "50"})
    count = stock_count_post(actor=keeper, count_id=count.pk)
    assert count.accuracy_percent == Decimal("100.00")
    assert not StockMove.objects.filter(source_type="inventory.stockcount").exists()
    with pytest.raises(Conflict) as frozen:
        stock_count_enter(actor=keeper, count_id=count.pk, counts={line.pk: "1"})
    assert frozen.value.status == 409


def test_negative_count_refused_and_sales_cannot_count(keeper, plant, stocked, make_user):
    count = frozen_count(keeper, plant, location_ids=[plant["b"].pk])
    line = count.lines.get()
    with pytest.raises(ValidationFailed):
        stock_count_enter(actor=keeper, count_id=count.pk, counts={line.pk: "-1"})
    seller = make_user("seller", "sales")
    with pytest.raises(PermissionDenied):
        stock_count_enter(actor=seller, count_id=count.pk, counts={line.pk: "1"})
    with pytest.raises(PermissionDenied):
        stock_count_post(actor=seller, count_id=count.pk)

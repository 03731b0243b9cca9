"""Opening stock (期初库存) through the go-live import engine: one opening posting dated the
day before go-live, lots with expiry and cost, re-import refused, stock check clean."""

from datetime import timedelta
from decimal import Decimal as D

import pytest

from erp.golive.models import ImportLog
from erp.golive.services.imports import import_apply, import_dry_run
from erp.golive.tests.workbooks import filled
from erp.inventory.imports import OPENING_SOURCE, OPENING_STOCK
from erp.inventory.integrity import stock_ledger_differences
from erp.inventory.models import Lot, MaterialValuation, StockMove
from erp.inventory.services import StockSource, stock_reverse
from erp.inventory.states import LotStatus, MoveType

from .conftest import TODAY

GO_LIVE = TODAY
MADE, EXPIRY = TODAY - timedelta(days=300), TODAY + timedelta(days=65)  # a lot still good


@pytest.fixture(autouse=True)
def _go_live_date(db):
    """Opening imports are dated the day before the company's go-live date (golive cockpit)."""
    from erp.golive.models import CutOver

    CutOver.objects.create(pk=1, go_live_date=GO_LIVE)


@pytest.fixture
def keeper(make_user):
    """Opening stock is finance's import, never the plain warehouse role's (issue #12)."""
    return make_user("caiwu", "finance_manager")


@pytest.fixture
def rows(plant):
    d = GO_LIVE.isoformat()
    return [
        [
            d,
            "WH1",
            "A-01",
            "RM-RESIN",
            "R-OPEN-1",
            "S-1",
            MADE.isoformat(),
            EXPIRY.isoformat(),
            120,
            10.5,
        ],
        [d, "WH1", "B-01", "RM-RESIN", "R-OPEN-2", "", "", "", 30, 12],
        [d, "WH1", "QC-01", "RM-PIGMENT", "P-OPEN-1", "", "", "", 8, 40],
        [d, "WH2", "C-01", "PK-BAG", "", "", "", "", 500, "0.8"],
    ]


def _run(actor, content):
    log = import_dry_run(
        actor=actor, spec_key=OPENING_STOCK.key, file_name="opening.xlsx", content=content
    )
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report
    return import_apply(actor=actor, log_id=log.pk)


def test_opening_stock_import_posts_one_opening_document(plant, keeper, rows):
    log = _run(keeper, filled(OPENING_STOCK, rows))
    assert log.result == ImportLog.Result.APPLIED

    moves = StockMove.objects.filter(source_type=OPENING_SOURCE)
    assert moves.count() == 4
    assert set(moves.values_list("move_type", flat=True)) == {MoveType.OPENING}
    assert set(moves.values_list("posting_date", flat=True)) == {
        GO_LIVE - __import__("datetime").timedelta(days=1)
    }
    assert set(moves.values_list("source_id", flat=True)) == {GO_LIVE.isoformat()}

    lot = Lot.objects.get(number="R-OPEN-1")
    assert lot.supplier_lot == "S-1" and lot.expiry_date == EXPIRY
    assert lot.status == LotStatus.RELEASED
    assert Lot.objects.get(number="P-OPEN-1").status == LotStatus.QUARANTINE  # QC required
    resin = MaterialValuation.objects.get(material=plant["resin"])
    assert resin.quantity == D("150") and resin.value == D("1620.00")  # 1,260 + 360
    bag = MaterialValuation.objects.get(material=plant["bag"])
    assert bag.value == D("400.00")
    assert stock_ledger_differences() == []


def test_reimport_is_refused_and_writes_nothing(plant, keeper, rows, make_user):
    _run(keeper, filled(OPENING_STOCK, rows))
    again = import_dry_run(
        actor=keeper,
        spec_key=OPENING_STOCK.key,
        file_name="opening-again.xlsx",
        content=filled(OPENING_STOCK, rows),
    )
    assert again.result == ImportLog.Result.DRY_RUN_FAILED
    assert again.error_count == 1
    assert "期初库存已导入" in str(again.report)
    assert StockMove.objects.filter(source_type=OPENING_SOURCE).count() == 4

    # After reversing the opening stock, a corrected file can be imported.
    stock_reverse(
        actor=make_user("cangku", "warehouse"),
        source=StockSource(OPENING_SOURCE, GO_LIVE.isoformat()),
        reason="wrong quantities",
    )
    rows[0][8] = 100
    _run(keeper, filled(OPENING_STOCK, rows))
    resin = MaterialValuation.objects.get(material=plant["resin"])
    assert resin.quantity == D("130")
    assert stock_ledger_differences() == []


def test_bad_row_writes_nothing(plant, keeper, rows):
    rows[2][2] = "NO-SUCH-BIN"
    log = import_dry_run(
        actor=keeper,
        spec_key=OPENING_STOCK.key,
        file_name="opening.xlsx",
        content=filled(OPENING_STOCK, rows),
    )
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    assert StockMove.objects.count() == 0 and Lot.objects.count() == 0

"""Inventory screens and reports: figures (today and as of a past date), running balance,
expiry, slow movers, turnover, accuracy; pages render, export xlsx and refuse outsiders."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from erp.inventory import selectors_reports as sel
from erp.inventory.services import IssueLine, StockSource, TransferLine, stock_issue, stock_transfer

from .conftest import TODAY

DAY = dt.timedelta(days=1)


def _issue(actor, material, location, qty, lot=None, date=None, n=1):
    return stock_issue(
        actor=actor,
        lines=[IssueLine(material.pk, location.pk, D(qty), lot.pk if lot else None)],
        posting_date=date or TODAY,
        source=StockSource("test.issue", n),
    )


@pytest.fixture
def history(plant, receive, keeper):
    """Resin: 100 @10 ten days ago in A, 50 @13 five days ago in A, 30 issued three days ago,
    20 moved A → C yesterday. Bags: 40 @2 in B twenty days ago, never issued."""
    lot1 = receive(plant["resin"], plant["a"], "100", "10", lot="R1", date=TODAY - 10 * DAY)
    lot2 = receive(plant["resin"], plant["a"], "50", "13", lot="R2", date=TODAY - 5 * DAY)
    _issue(keeper, plant["resin"], plant["a"], "30", lot=lot1, date=TODAY - 3 * DAY)
    stock_transfer(
        actor=keeper,
        lines=[TransferLine(plant["resin"].pk, plant["a"].pk, plant["c"].pk, D("20"), lot2.pk)],
        posting_date=TODAY - DAY,
        source=StockSource("test.transfer", 1),
    )
    receive(plant["bag"], plant["b"], "40", "2", date=TODAY - 20 * DAY)
    return {"lot1": lot1, "lot2": lot2}


def test_on_hand_today_and_as_of_past_dates(plant, history, ledger_clean):
    flt = sel.StockFilter()
    by_material = {r.material.code: r for r in sel.on_hand_rows(group="material", flt=flt)}
    # 100×10 + 50×13 = 1,650 over 150; 30 out at the average 11 → 330; 120 left worth 1,320.
    assert by_material["RM-RESIN"].quantity == D("120")
    assert by_material["RM-RESIN"].value == D("1320.00")
    assert by_material["PK-BAG"].value == D("80.00")

    past = {
        r.material.code: r
        for r in sel.on_hand_rows(group="material", flt=flt, on_date=TODAY - 4 * DAY)
    }
    assert past["RM-RESIN"].quantity == D("150")
    assert past["RM-RESIN"].value == D("1650.00")
    before = sel.on_hand_rows(group="material", flt=flt, on_date=TODAY - 30 * DAY)
    assert before == []

    # Per warehouse yesterday (after the transfer) vs two days ago.
    wh = {
        (r.material.code, r.warehouse.code): r.quantity
        for r in sel.on_hand_rows(group="warehouse", flt=flt, on_date=TODAY - DAY)
    }
    assert wh[("RM-RESIN", "WH1")] == D("100")
    assert wh[("RM-RESIN", "WH2")] == D("20")
    two_days = sel.on_hand_rows(
        group="location", flt=sel.StockFilter(location=plant["c"].pk), on_date=TODAY - 2 * DAY
    )
    assert two_days == []
    # The ledger figure for "yesterday" equals today's balances (nothing posted today).
    by_lot_past = sel.on_hand_rows(group="lot", flt=flt, on_date=TODAY - DAY)
    by_lot_now = sel.on_hand_rows(group="lot", flt=flt)
    assert [(r.lot, r.location, r.quantity, r.value) for r in by_lot_past] == [
        (r.lot, r.location, r.quantity, r.value) for r in by_lot_now
    ]
    ledger_clean()


def test_ledger_running_balance_with_opening_and_location(plant, history):
    resin = plant["resin"]
    full = sel.stock_ledger(
        material_id=resin.pk, flt=sel.StockFilter(), date_from=None, date_to=None
    )
    # The transfer is internal to the company: no change to the company balance.
    assert [ln.balance for ln in full.lines] == [D(100), D(150), D(120), D(120)]
    assert full.closing_value == D("1320.00")

    at_a = sel.stock_ledger(
        material_id=resin.pk,
        flt=sel.StockFilter(location=plant["a"].pk),
        date_from=TODAY - 4 * DAY,
        date_to=None,
    )
    assert at_a.opening == D(150)
    assert [(ln.quantity_out, ln.balance) for ln in at_a.lines] == [
        (D(30), D(120)),
        (D(20), D(100)),
    ]


def test_expiring_lots_slow_movers_and_turnover(plant, receive, history, keeper):
    soon = receive(plant["resin"], plant["b"], "5", "10", lot="SOON", expiry_date=TODAY + 10 * DAY)
    gone = receive(  # received while still good, expired since
        plant["resin"],
        plant["b"],
        "5",
        "10",
        lot="GONE",
        expiry_date=TODAY - 2 * DAY,
        date=TODAY - 3 * DAY,
    )
    expiring = set(sel.lots_expiring(within_days=30).values_list("number", flat=True))
    assert expiring == {"SOON", "GONE"}
    assert sel.days_to_expiry(soon) == 10 and sel.days_to_expiry(gone) == -2

    slow = {r.material.code: r for r in sel.slow_movers(days=2, flt=sel.StockFilter())}
    assert (
        "RM-RESIN" not in {k for k, r in slow.items() if r.last_outflow}
        or slow["RM-RESIN"].idle_days >= 2
    )
    assert slow["PK-BAG"].last_outflow is None and slow["PK-BAG"].value == D("80.00")
    assert "RM-RESIN" in slow  # last issue 3 days ago > 2 days
    assert "RM-RESIN" not in {
        r.material.code for r in sel.slow_movers(days=5, flt=sel.StockFilter())
    }

    rows = sel.turnover(
        date_from=TODAY - 10 * DAY, date_to=TODAY, by="material", flt=sel.StockFilter()
    )
    resin = next(r for r in rows if r.key.code == "RM-RESIN")
    # Outflow 330; opening 0; closing 1,320 + the two new lots 100 → average 710.
    assert resin.outflow_value == D("330.00")
    assert resin.closing_value == D("1420.00")
    assert resin.turnover == (D("330") / D("710")).quantize(D("0.01"))
    by_cat = sel.turnover(
        date_from=TODAY - 10 * DAY, date_to=TODAY, by="category", flt=sel.StockFilter()
    )
    assert len(by_cat) == 1 and by_cat[0].outflow_value == D("330.00")


def test_pages_render_export_and_refuse(client, make_user, plant, history):
    viewer = make_user("viewer", "warehouse")
    client.force_login(viewer)
    urls = [
        "/inventory/stock/",
        "/inventory/lots/?within_days=3650",
        f"/inventory/lots/{history['lot1'].pk}/",
        "/inventory/reports/on-hand/?group=lot",
        f"/inventory/reports/on-hand/?as_of={(TODAY - 4 * DAY).isoformat()}",
        f"/inventory/reports/ledger/?material={plant['resin'].pk}",
        "/inventory/reports/slow-movers/?days=2",
        "/inventory/reports/accuracy/",
        "/inventory/reports/turnover/?by=material",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/inventory/lots/{history['lot1'].pk}/").content.decode()
    assert "R1" in page and "A-01" in page  # where the remaining 70 are

    xlsx = client.get("/inventory/reports/on-hand/?group=material&export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    resin = next(r for r in rows if r[0] == "RM-RESIN")
    assert D(str(resin[3])) == D("120") and D(str(resin[6])) == D("1320")

    future = (TODAY + DAY).isoformat()
    assert client.get(f"/inventory/reports/on-hand/?as_of={future}").status_code == 400
    assert client.get("/inventory/stock/?sort=;DROP").status_code == 400

    outsider = make_user("outsider")
    client.force_login(outsider)
    assert client.get("/inventory/reports/on-hand/").status_code == 403
    assert client.get(f"/inventory/lots/{history['lot1'].pk}/").status_code == 403

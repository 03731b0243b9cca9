"""Stock ledger pages (keyset on posting date + sequence): the running balance carried into
every page equals the full running sum, forward and back, for the company and for a location,
a warehouse and a lot; a page costs the same number of queries whatever the history; the xlsx
export streams the whole ledger."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from erp.core.money import round_amount
from erp.inventory import selectors_reports as sel
from erp.inventory.models import StockMove
from erp.inventory.services import IssueLine, StockSource, TransferLine, stock_issue, stock_transfer

from .conftest import TODAY

DAY = dt.timedelta(days=1)


def _post_history(plant, receive, keeper, days: int, start: int = 0):
    """Per day: a receipt into A at a changing cost, an issue from A, every third day a
    transfer A → C (WH2), every fifth day a receipt into B (WH1): about 2.5 moves a day."""
    bag, a, b, c = plant["bag"], plant["a"], plant["b"], plant["c"]
    for i in range(start, start + days):
        day = TODAY - (days + start - i) * DAY
        receive(bag, a, str(10 + i % 7), str(10 + i % 5), date=day)
        stock_issue(
            actor=keeper,
            lines=[IssueLine(bag.pk, a.pk, D(3 + i % 4))],
            posting_date=day,
            source=StockSource("test.issue", i),
        )
        if i % 3 == 0:
            stock_transfer(
                actor=keeper,
                lines=[TransferLine(bag.pk, a.pk, c.pk, D(2))],
                posting_date=day,
                source=StockSource("test.transfer", i),
            )
        if i % 5 == 0:
            receive(bag, b, "4", "7.5", date=day)


def _reference(material, loc_ids=None, lot=None, date_from=None):
    """The full running sum, move by move in ledger order: (move id, balance, balance value)."""
    cq = cv = q = D(0)
    out = []
    for m in StockMove.objects.filter(material=material).order_by("posting_date", "sequence", "id"):
        c_sign = (m.from_location_id is None) - (m.to_location_id is None)
        cq += c_sign * m.quantity
        cv += c_sign * m.value
        if lot and m.lot_id != lot:
            continue
        if loc_ids is None:
            sign = c_sign
        else:
            sign = (m.to_location_id in loc_ids) - (m.from_location_id in loc_ids)
            if m.to_location_id not in loc_ids and m.from_location_id not in loc_ids:
                continue
        q += sign * m.quantity
        exact = loc_ids is None and not lot
        value = cv if exact else (round_amount(q * cv / cq) if cq else D(0))
        if date_from is None or m.posting_date >= date_from:
            out.append((m.pk, q, value))
    return out


def _walk(material, flt, date_from=None, size=25):
    """Every page forward from the first, then every page back from the last."""
    kw = {"material_id": material.pk, "flt": flt, "date_from": date_from, "date_to": None}
    forward, page = [], sel.stock_ledger(**kw, page_size=size)
    openings = []
    while True:
        openings.append((page.lines[0].move.pk, page.opening))
        forward += [(ln.move.pk, ln.balance, ln.balance_value) for ln in page.lines]
        if not page.has_next:
            break
        page = sel.stock_ledger(**kw, after=sel.LedgerKey.decode(page.last_key), page_size=size)
    backward, page = [], sel.stock_ledger(**kw, last=True, page_size=size)
    while True:
        backward = [(ln.move.pk, ln.balance, ln.balance_value) for ln in page.lines] + backward
        if not page.has_prev:
            break
        page = sel.stock_ledger(**kw, before=sel.LedgerKey.decode(page.first_key), page_size=size)
    return forward, backward, openings


@pytest.fixture
def long_history(plant, receive, keeper):
    _post_history(plant, receive, keeper, days=130)
    # A backdated receipt into A: ledger order (date) differs from posting order (sequence).
    receive(plant["bag"], plant["a"], "6", "12", date=TODAY - 45 * DAY)
    return plant


def test_pages_forward_and_back_carry_the_running_balance(long_history, ledger_clean):
    plant = long_history
    bag = plant["bag"]
    cases = [
        (sel.StockFilter(), None, None),
        (sel.StockFilter(location=plant["a"].pk), {plant["a"].pk}, None),
        (
            sel.StockFilter(warehouse=plant["wh"].pk),
            {plant["a"].pk, plant["b"].pk, plant["q"].pk},
            None,
        ),
        (sel.StockFilter(location=plant["c"].pk), {plant["c"].pk}, None),
        (sel.StockFilter(), None, TODAY - 30 * DAY),
    ]
    assert StockMove.objects.filter(material=bag).count() > 300
    for flt, loc_ids, date_from in cases:
        expected = _reference(bag, loc_ids, date_from=date_from)
        forward, backward, openings = _walk(bag, flt, date_from)
        assert forward == expected, flt
        assert backward == expected, flt
        # Each page's opening is the balance of the row before it.
        index = {pk: i for i, (pk, _q, _v) in enumerate(expected)}
        for first_pk, opening in openings[1:]:
            assert opening == expected[index[first_pk] - 1][1]
    # The company's ledger ends at the material's value (the valuation is the truth).
    last = sel.stock_ledger(
        material_id=bag.pk, flt=sel.StockFilter(), date_from=None, date_to=None, last=True
    )
    from erp.inventory.models import MaterialValuation

    val = MaterialValuation.objects.get(material=bag)
    assert (last.closing, last.closing_value) == (val.quantity, val.value)
    ledger_clean()


def test_location_and_lot_value_is_quantity_at_the_average(plant, receive, keeper):
    """Resin: 100 @10 in A (lot R1), 50 @13 in A (lot R2), 30 issued from R1 at the average
    11.00, 20 of R2 moved A → C. The company average is 10 after the first receipt and
    1,650 / 150 = 11 after the second; issues and transfers do not change it.
    At A: 100 × 10 = 1,000.00; 150 × 11 = 1,650.00; 120 × 11 = 1,320.00; 100 × 11 = 1,100.00.
    At C: 20 × 11 = 220.00. Lot R2: 50 × 11 = 550.00, then the transfer is inside the
    company: 50 × 11 = 550.00. The company value: 1,000 / 1,650 / 1,320 / 1,320."""
    resin, a, c = plant["resin"], plant["a"], plant["c"]
    r1 = receive(resin, a, "100", "10", lot="R1", date=TODAY - 10 * DAY)
    r2 = receive(resin, a, "50", "13", lot="R2", date=TODAY - 5 * DAY)
    stock_issue(
        actor=keeper,
        lines=[IssueLine(resin.pk, a.pk, D(30), r1.pk)],
        posting_date=TODAY - 3 * DAY,
        source=StockSource("test.issue", 1),
    )
    stock_transfer(
        actor=keeper,
        lines=[TransferLine(resin.pk, a.pk, c.pk, D(20), r2.pk)],
        posting_date=TODAY - DAY,
        source=StockSource("test.transfer", 1),
    )

    def values(**flt):
        ledger = sel.stock_ledger(
            material_id=resin.pk, flt=sel.StockFilter(**flt), date_from=None, date_to=None
        )
        return [ln.balance_value for ln in ledger.lines], ledger.exact_value

    assert values() == ([D("1000.00"), D("1650.00"), D("1320.00"), D("1320.00")], True)
    assert values(location=a.pk) == (
        [D("1000.00"), D("1650.00"), D("1320.00"), D("1100.00")],
        False,
    )
    assert values(location=c.pk) == ([D("220.00")], False)
    assert values(lot=r2.pk) == ([D("550.00"), D("550.00")], False)
    # Opening of a later page at A: 150 × 11 before the issue.
    page = sel.stock_ledger(
        material_id=resin.pk,
        flt=sel.StockFilter(location=a.pk),
        date_from=TODAY - 4 * DAY,
        date_to=None,
    )
    assert (page.opening, page.opening_value) == (D(150), D("1650.00"))


PAGE_QUERIES = 17  # material and lot are pickers: one query for the chosen material, no lot list


def _page_queries(django_assert_num_queries, material, flt, key, expected):
    with django_assert_num_queries(expected):
        sel.stock_ledger(
            material_id=material.pk, flt=flt, date_from=None, date_to=None, after=key, page_size=20
        )


@pytest.mark.parametrize("days", [20, 80])
def test_page_query_count_does_not_grow_with_history(
    plant, receive, keeper, django_assert_num_queries, days, client, make_user
):
    _post_history(plant, receive, keeper, days=days)
    bag = plant["bag"]
    moves = list(StockMove.objects.filter(material=bag).order_by("posting_date", "sequence", "id"))
    early, late = sel.LedgerKey.of(moves[5]), sel.LedgerKey.of(moves[-10])
    for key in (None, early, late):
        # rows + valuation + one aggregate (company: the valuation is today's balance)
        _page_queries(
            django_assert_num_queries, bag, sel.StockFilter(), key, 1 if key is None else 3
        )
    # A location: rows + valuation + aggregate (+ today's balance when summing the later side)
    # + the windowed company running sum.
    at_a = sel.StockFilter(location=plant["a"].pk)
    _page_queries(django_assert_num_queries, bag, at_a, early, 4)
    _page_queries(django_assert_num_queries, bag, at_a, late, 5)
    # The page itself: session + user + permissions, the filter form's choices and the chosen
    # material (a picker), the ledger,
    # one query for the source references (one document type here).
    client.force_login(make_user("viewer", "warehouse"))
    url = f"/inventory/reports/ledger/?material={bag.pk}&location={plant['a'].pk}"
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url + f"&after={late.encode()}")


def test_ledger_page_links_and_streamed_export(client, make_user, long_history, receive):
    plant = long_history
    bag = plant["bag"]
    client.force_login(make_user("viewer", "warehouse"))
    url = f"/inventory/reports/ledger/?material={bag.pk}"
    first = client.get(url)
    assert first.status_code == 200
    assert first.context["ledger"].has_next and not first.context["ledger"].has_prev
    nxt = first.context["pager"]["next"]
    second = client.get("/inventory/reports/ledger/" + nxt)
    assert second.context["ledger"].opening == first.context["ledger"].closing
    back = client.get("/inventory/reports/ledger/" + second.context["pager"]["prev"])
    assert [ln.move.pk for ln in back.context["ledger"].lines] == [
        ln.move.pk for ln in first.context["ledger"].lines
    ]
    assert client.get(url + "&after=nonsense").status_code == 400
    # Only the material's own lots can be chosen.
    resin_lot = receive(plant["resin"], plant["a"], "5", "10", lot="R9")
    assert client.get(url + f"&lot={resin_lot.pk}").status_code == 400

    xlsx = client.get(url + "&export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.streaming
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values)
    expected = _reference(bag)
    assert len(rows) == 2 + len(expected)  # header, opening, every move
    assert [D(str(r[8])) for r in rows[2:]] == [q for _pk, q, _v in expected]
    assert D(str(rows[-1][11])) == expected[-1][2]

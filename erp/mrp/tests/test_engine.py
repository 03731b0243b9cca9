"""The engine, pure: netting against usable lots only, multi-level explosion, lot sizing,
pegging, cycles, determinism. Quantities are worked out by hand in each docstring."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erp.mrp.services import engine
from erp.mrp.services.engine import (
    Demand,
    Facts,
    FormulaVersion,
    LotStock,
    Params,
    Receipt,
    lot_sizes,
)

TODAY = date(2026, 3, 2)
FG, SEMI, RM, PACK = 1, 2, 3, 4


def params(**over) -> dict[int, Params]:
    base = {
        FG: Params(FG, "FG", True, lead_time_days=2),
        SEMI: Params(SEMI, "SEMI", True, lead_time_days=1),
        RM: Params(RM, "RM", False, lead_time_days=10),
        PACK: Params(PACK, "PACK", False, lead_time_days=3),
    }
    for mid, kw in over.items():
        old = base[int(mid)]
        base[int(mid)] = Params(**{**old.__dict__, **kw})
    return base


FORMULAS = [
    # FG = 50 % SEMI + 50 % RM; SEMI = 100 % RM
    FormulaVersion(10, FG, 1, date(2026, 1, 1), None, ((SEMI, D(50)), (RM, D(50)))),
    FormulaVersion(11, SEMI, 1, date(2026, 1, 1), None, ((RM, D(100)),)),
]


def sale(qty, day=20, material=FG, min_days=None, so=1):
    return Demand(
        material, TODAY + timedelta(days=day), D(qty), "sales", "sales.salesorder", so,
        f"SO{so}", min_days,
    )  # fmt: skip


def facts(demands, lots=(), receipts=(), p=None, formulas=FORMULAS):
    return Facts(TODAY, p or params(), list(formulas), list(demands), list(lots), list(receipts))


def planned_of(result, material):
    return [p for p in result.planned if p.material_id == material]


def test_quarantined_and_expired_lots_do_not_net():
    """Demand 100 FG on day 20. Lots: 30 released (expiry day 200), 50 in quarantine, 40
    expired on day 10 → only the 30 count: planned 70, two lots reported skipped."""
    lots = [
        LotStock(FG, 1, "L-OK", D(30), "released", TODAY + timedelta(days=200)),
        LotStock(FG, 2, "L-QA", D(50), "quarantine", TODAY + timedelta(days=200)),
        LotStock(FG, 3, "L-EXP", D(40), "released", TODAY + timedelta(days=10)),
    ]
    result = engine.run(facts([sale(100)], lots))
    (fg,) = planned_of(result, FG)
    assert fg.quantity == D(70)
    skipped = {(x.reference, x.reason) for x in result.exceptions if x.kind == "stock_skipped"}
    assert skipped == {("L-QA", "quarantine"), ("L-EXP", "expired")}


def test_rejected_and_blocked_lots_never_serve():
    lots = [
        LotStock(FG, 1, "L-REJ", D(500), "rejected", None),
        LotStock(FG, 2, "L-BLK", D(500), "blocked", None),
    ]
    result = engine.run(facts([sale(100)], lots))
    assert planned_of(result, FG)[0].quantity == D(100)


def test_customer_minimum_shelf_life():
    """180 days asked; the lot expires 90 days after the need date → not usable for it, but
    usable for a customer without the rule."""
    lot = LotStock(FG, 1, "L-90", D(100), "released", TODAY + timedelta(days=20 + 90))
    strict = engine.run(facts([sale(100, min_days=180)], [lot]))
    assert planned_of(strict, FG)[0].quantity == D(100)
    assert [x.reason for x in strict.exceptions if x.kind == "stock_skipped"] == ["short_life"]
    relaxed = engine.run(facts([sale(100)], [lot]))
    assert planned_of(relaxed, FG) == []


def test_quarantine_counts_after_release_time_when_the_material_says_so():
    lot = LotStock(FG, 1, "L-QA", D(100), "quarantine", None)
    p = params(**{str(FG): {"quarantine_counts": True, "qc_release_days": 5}})
    assert planned_of(engine.run(facts([sale(100, day=10)], [lot], p=p)), FG) == []
    # Needed in 3 days, released in 5: not in time.
    assert planned_of(engine.run(facts([sale(100, day=3)], [lot], p=p)), FG)[0].quantity == 100


def test_multi_level_explosion_and_pegging():
    """100 FG due day 20 (lead 2) → start day 18: 50 SEMI + 50 RM on day 18. SEMI (lead 1)
    starts day 17 → 50 RM on day 17. RM: 50 (day 17) + 50 (day 18) = two planned orders of 50,
    started 10 days earlier; each pegs to the planned order it feeds."""
    result = engine.run(facts([sale(100)]))
    (fg,) = planned_of(result, FG)
    (semi,) = planned_of(result, SEMI)
    rm = planned_of(result, RM)
    assert (fg.start_date, fg.due_date) == (TODAY + timedelta(days=18), TODAY + timedelta(20))
    assert semi.quantity == D(50) and semi.due_date == TODAY + timedelta(days=18)
    assert [r.quantity for r in rm] == [D(50), D(50)]
    assert [r.due_date for r in rm] == [TODAY + timedelta(days=17), TODAY + timedelta(days=18)]
    assert fg.pegs[0].source_number == "SO1" and fg.pegs[0].quantity == D(100)
    assert semi.pegs[0].parent_seq == fg.seq
    assert {g.parent_seq for r in rm for g in r.pegs} == {fg.seq, semi.seq}
    assert result.low_level_codes == {FG: 0, SEMI: 1, RM: 2}


def test_yield_grosses_up_components():
    """95 % expected yield: 95 FG need 100 input → 50 SEMI and 50 RM."""
    p = params(**{str(FG): {"yield_pct": D(95)}})
    result = engine.run(facts([sale(95)], p=p))
    assert planned_of(result, SEMI)[0].quantity == D(50)


def test_batch_sizing_vessel_multiple_and_surplus_covers_next_demand():
    """Vessel 400, minimum 800: 300 needed → 800 planned; the next 300 on day 30 is covered
    by the surplus of that order (pegged to both) → one planned order."""
    p = params(**{str(FG): {"min_lot": D(800), "lot_multiple": D(400)}})
    result = engine.run(facts([sale(300), sale(300, day=30, so=2)], p=p))
    (fg,) = planned_of(result, FG)
    assert fg.quantity == D(800)
    assert [(g.source_number, g.quantity) for g in fg.pegs] == [("SO1", D(300)), ("SO2", D(300))]
    assert any(x.kind == "raised_to_min" for x in result.exceptions)


def test_lot_sizes():
    assert lot_sizes(D("1001"), Params(1, "X", True, lot_multiple=D(400))) == [D(1200)]
    assert lot_sizes(D(250), Params(1, "X", True, fixed_lot=D(100))) == [D(100)] * 3
    assert lot_sizes(D(2500), Params(1, "X", True, max_lot=D(1000), lot_multiple=D(300))) == [
        D(900),
        D(900),
        D(900),
    ]
    assert lot_sizes(D(0), Params(1, "X", True)) == []


@given(
    need=st.decimals(min_value=D("0.0001"), max_value=D(100000), places=4),
    multiple=st.sampled_from([D(0), D(25), D(400), D("0.5")]),
    minimum=st.sampled_from([D(0), D(100), D(1000)]),
    maximum=st.sampled_from([D(0), D(2000), D(5000)]),
)
@settings(max_examples=200, deadline=None)
def test_lot_sizes_whole_vessels_and_cover(need, multiple, minimum, maximum):
    """Never a fraction of a vessel; always at least the need."""
    p = Params(1, "X", True, min_lot=minimum, lot_multiple=multiple, max_lot=maximum)
    sizes = lot_sizes(need, p)
    assert sum(sizes) >= need
    if multiple:
        assert all(s % multiple == 0 for s in sizes)


def test_open_orders_net_and_get_action_messages():
    """Open orders count even when due late (rescheduling beats a duplicate order): demand
    100 RM on day 20, PO7 60 due day 25, PO8 30 due day 40 → planned 10, both "advance".
    With demand 50 only: PO7 gives 50, its other 10 and all of PO8 are "reduce"."""
    receipts = [
        Receipt(RM, TODAY + timedelta(days=25), D(60), "po", "purchasing.purchaseorder", 7, "PO7"),
        Receipt(RM, TODAY + timedelta(days=40), D(30), "po", "purchasing.purchaseorder", 8, "PO8"),
    ]
    result = engine.run(facts([sale(100, material=RM)], receipts=receipts))
    assert planned_of(result, RM)[0].quantity == D(10)
    kinds = {(x.kind, x.reference, x.quantity) for x in result.exceptions}
    assert kinds == {("advance", "PO7", D(60)), ("advance", "PO8", D(30))}
    result = engine.run(facts([sale(50, material=RM)], receipts=receipts))
    assert planned_of(result, RM) == []
    kinds = {(x.kind, x.reference, x.quantity) for x in result.exceptions}
    assert kinds == {("advance", "PO7", D(50)), ("reduce", "PO7", D(10)), ("reduce", "PO8", D(30))}


def test_late_start_flagged():
    result = engine.run(facts([sale(10, day=3, material=RM)]))
    (rm,) = planned_of(result, RM)
    assert rm.late and rm.start_date == TODAY - timedelta(days=7)


def test_formula_cycle_refused():
    loop = [
        FormulaVersion(1, FG, 1, date(2026, 1, 1), None, ((SEMI, D(100)),)),
        FormulaVersion(2, SEMI, 1, date(2026, 1, 1), None, ((FG, D(100)),)),
    ]
    with pytest.raises(engine.FormulaCycle):
        engine.run(facts([sale(1)], formulas=loop))


def test_safety_stock_is_demand_today():
    p = params(**{str(PACK): {"safety_stock": D(25)}})
    result = engine.run(facts([], p=p))
    (pack,) = planned_of(result, PACK)
    assert pack.quantity == D(25) and pack.pegs[0].kind == "safety"


demand_st = st.lists(
    st.tuples(
        st.sampled_from([FG, SEMI, RM, PACK]),
        st.integers(min_value=-5, max_value=60),
        st.decimals(min_value=D(1), max_value=D(1000), places=2),
        st.sampled_from([None, 30, 180]),
    ),
    max_size=12,
)
lot_st = st.lists(
    st.tuples(
        st.sampled_from([FG, SEMI, RM, PACK]),
        st.decimals(min_value=D(1), max_value=D(500), places=1),
        st.sampled_from(["released", "quarantine", "rejected", "blocked"]),
        st.one_of(st.none(), st.integers(min_value=-10, max_value=400)),
    ),
    max_size=10,
)


def _facts_from(demands, lots):
    ds = [
        Demand(m, TODAY + timedelta(days=d), q, "sales", "sales.salesorder", i, f"SO{i}", md)
        for i, (m, d, q, md) in enumerate(demands, 1)
    ]
    ls = [
        LotStock(m, i, f"L{i}", q, s, None if e is None else TODAY + timedelta(days=e))
        for i, (m, q, s, e) in enumerate(lots, 1)
    ]
    p = params(**{str(FG): {"min_lot": D(100), "lot_multiple": D(50)}})
    return ds, ls, p


@given(demands=demand_st, lots=lot_st)
@settings(max_examples=60, deadline=None)
def test_same_facts_same_plan_in_any_input_order(demands, lots):
    """Determinism: the same facts (also shuffled) give the identical plan and digest."""
    ds, ls, p = _facts_from(demands, lots)
    first = engine.run(Facts(TODAY, p, FORMULAS, ds, ls, []))
    again = engine.run(Facts(TODAY, p, list(reversed(FORMULAS)), ds[::-1], ls[::-1], []))
    assert first.digest == again.digest
    assert [(x.material_id, x.quantity, x.due_date) for x in first.planned] == [
        (x.material_id, x.quantity, x.due_date) for x in again.planned
    ]


@given(demands=demand_st, lots=lot_st)
@settings(max_examples=60, deadline=None)
def test_every_demand_is_covered_by_usable_supply(demands, lots):
    """Projected on hand never negative once the plan is firmed: for every material, each
    demand is met by usable stock, or by planned quantity pegged to it."""
    ds, ls, p = _facts_from(demands, lots)
    result = engine.run(Facts(TODAY, p, FORMULAS, ds, ls, []))
    pegged: dict = {}
    for pl in result.planned:
        assert sum(g.quantity for g in pl.pegs) <= pl.quantity
        for g in pl.pegs:
            pegged[pl.material_id] = pegged.get(pl.material_id, 0) + g.quantity
    usable = {}
    for lot in ls:
        usable[lot.material_id] = usable.get(lot.material_id, 0) + lot.quantity
    demand_total: dict = {}
    for d in ds:
        demand_total[d.material_id] = demand_total.get(d.material_id, 0) + d.quantity
    for pl in result.planned:
        for g in pl.pegs:
            if g.kind == "dependent":
                demand_total[pl.material_id] = demand_total.get(pl.material_id, 0)
    # Each material's demand ≤ its stock + what planned orders peg to it (stock may be unusable).
    for material, total in demand_total.items():
        assert total <= usable.get(material, 0) + pegged.get(material, 0)


def test_forecast_consumed_by_orders_in_its_period():
    """March forecast 1,000 FG; orders of 300 (Mar 20) and 200 (Apr 2, another period) →
    700 of forecast left, due from the plan date (the month is under way)."""
    forecasts = [engine.ForecastIn(FG, date(2026, 3, 1), date(2026, 4, 1), D(1000))]
    sales = [sale(300, day=18), sale(200, day=31, so=2)]
    (left,) = engine.forecast_demands(forecasts, sales, TODAY)
    assert (left.quantity, left.date, left.kind) == (D(700), TODAY, "forecast")
    past = [engine.ForecastIn(FG, date(2026, 2, 1), date(2026, 3, 1), D(1000))]
    assert engine.forecast_demands(past, [], TODAY) == []


def test_early_open_order_gets_postpone():
    """PO due day 2, first needed day 30 → postpone (needed on day 30)."""
    receipts = [
        Receipt(RM, TODAY + timedelta(days=2), D(50), "po", "purchasing.purchaseorder", 9, "PO9")
    ]
    result = engine.run(facts([sale(50, day=30, material=RM)], receipts=receipts))
    assert [(x.kind, x.date) for x in result.exceptions] == [
        ("postpone", TODAY + timedelta(days=30))
    ]


def test_routing_hours_set_the_production_lead_time():
    """FG's routing per 1,000 kg batch: mixing 2 h setup + 10 h, filling 4 h at a centre of
    4 h a day. 2,000 kg → mixing 2 + 20 = 22 h / 8 = 2.75 d, filling 8 h / 4 = 2 d → 4.75 →
    5 days (not the parameter's 2); without a routing the parameter still applies."""
    ops = ((D(2), D(10), D(8)), (D(0), D(4), D(4)))
    routed = [
        FormulaVersion(
            10, FG, 1, date(2026, 1, 1), None, ((SEMI, D(50)), (RM, D(50))), D(1000), ops
        ),
        FORMULAS[1],
    ]
    result = engine.run(facts([sale(2000, day=30)], formulas=routed))
    (fg,) = planned_of(result, FG)
    assert fg.due_date - fg.start_date == timedelta(days=5)
    plain = engine.run(facts([sale(2000, day=30)]))
    (fg,) = planned_of(plain, FG)
    assert fg.due_date - fg.start_date == timedelta(days=2)
    assert engine.routing_days(routed[0], D(500)) == 2  # 7 h / 8 + 2 h / 4 = 1.375 → 2


def test_quarantine_lot_counts_from_its_expected_release_date():
    """A quarantine lot whose inspection is under way counts from its expected release date,
    whatever the material's parameter says: 100 released on day 10 serves the demand of day
    12, not that of day 5 (which is planned)."""
    lot = LotStock(RM, 1, "Q1", D(100), "quarantine", None, TODAY + timedelta(days=10))
    early = engine.run(facts([sale(100, day=5, material=RM)], lots=[lot]))
    assert [p.quantity for p in planned_of(early, RM)] == [D(100)]
    assert [(x.kind, x.reason) for x in early.exceptions if x.kind == "stock_skipped"] == [
        ("stock_skipped", "quarantine")
    ]
    later = engine.run(facts([sale(100, day=12, material=RM)], lots=[lot]))
    assert planned_of(later, RM) == []

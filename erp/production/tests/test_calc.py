"""The batch arithmetic: scaling and potency, by hand and for random formulas."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from erp.production.calc import BalanceNegative, LotOffer, potency_takes, scale

D = Decimal


def test_scale_compensating_line_takes_the_rest():
    # 33.3333 % × 1,000 = 333.333 each (rounded 333.3330); the compensating line takes
    # 1,000 − 2 × 333.333 = 333.334, so the batch adds up exactly.
    lines = [(D("33.3333"), False), (D("33.3333"), False), (D("33.3334"), True)]
    assert scale(lines, D("1000")) == [D("333.3330"), D("333.3330"), D("333.3340")]


def test_potency_one_lot():
    # 600 kg at target 98 % from a lot of 96 %: 600 × 98 / 96 = 612.5 kg.
    takes = potency_takes(D("600"), D("98"), [LotOffer("L1", D("1000"), D("96"))])
    assert takes == [("L1", D("612.5000"))]


def test_potency_two_lots_fefo():
    # Need 800 × 98 = 78,400 kg·%. L1 (100 %) has 500 kg → 50,000; the rest 28,400 from
    # L2 (98 %) = 289.7959 kg.
    takes = potency_takes(
        D("800"),
        D("98"),
        [LotOffer("L1", D("500"), D("100")), LotOffer("L2", D("1000"), D("98"))],
    )
    assert takes == [("L1", D("500")), ("L2", D("289.7959"))]


pcts = st.lists(st.integers(min_value=1, max_value=400), min_size=2, max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    weights=pcts,
    quantity=st.integers(min_value=1, max_value=10_000_000),
    target=st.integers(min_value=500, max_value=10_000),
    actual=st.integers(min_value=8_000, max_value=10_000),
)
def test_random_formula_issues_the_batch(weights, quantity, target, actual):
    """Percentages from random weights (4 places, the last line compensating, Σ = 100), a
    potency line (the first) at a random target and lot value: the issued quantities total
    the batch exactly and never go negative, or the compensating line would go negative (the
    service refuses then)."""
    total = sum(weights)
    pct = [(D(w) * 100 / total).quantize(D("0.0001")) for w in weights[:-1]]
    pct.append(D(100) - sum(pct))
    qty = D(quantity) / 100
    lines = [(p, i == len(pct) - 1) for i, p in enumerate(pct)]
    try:
        required = scale(lines, qty)
    except BalanceNegative:
        return  # a batch too small for the rounding: the compensating line would go negative
    assert sum(required) == qty
    assert all(r >= 0 for r in required)
    t, a = D(target) / 100, D(actual) / 100
    taken = potency_takes(required[0], t, [LotOffer("L", qty * 10, a)])
    issued = sum(x.quantity for x in taken)
    comp = required[-1] - (issued - required[0])
    if comp < 0:
        return  # refused by the service (compensation_negative)
    out = [issued, *required[1:-1], comp]
    assert sum(out) == qty
    assert all(x >= 0 for x in out)

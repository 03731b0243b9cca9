"""The one VAT rounding rule (erp/masterdata/vat.py): every document of 1–50 lines sums,
Σ 不含税金额 + Σ 税额 = 价税合计, for both price bases, every rate, 4-decimal prices and
discounts — and each line's tax is the line's own, not a share of a document-level figure."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erp.masterdata.vat import (
    VatRate,
    document_totals,
    line_amounts,
    places,
    unit_price_other_basis,
    vat_rate_value,
)

D = Decimal
prices = st.decimals(min_value=D("0.0001"), max_value=D("99999.9999"), places=4)
quantities = st.decimals(min_value=D("0.0001"), max_value=D("99999.9999"), places=4)
discounts = st.decimals(min_value=D("0"), max_value=D("100"), places=2)
lines = st.lists(
    st.tuples(quantities, prices, st.sampled_from(VatRate.values), discounts),
    min_size=1,
    max_size=50,
)


@settings(max_examples=300, deadline=None)
@given(lines=lines, inclusive=st.booleans())
def test_every_document_sums_exactly(lines, inclusive):
    amounts = [
        line_amounts(quantity=q, price=p, price_includes_tax=inclusive, rate=r, discount_pct=d)
        for q, p, r, d in lines
    ]
    totals = document_totals(amounts)
    assert totals.net + totals.tax == totals.gross
    for a, (_q, _p, r, _d) in zip(amounts, lines, strict=True):
        assert a.net + a.tax == a.gross
        for figure in (a.net, a.tax, a.gross, a.discount):
            assert figure == figure.quantize(D("0.01"))
        assert a.tax >= 0 and a.net >= 0
        rate = vat_rate_value(r)
        # the tax is the line's: within half a fen of the exact tax of its own rounded base
        if inclusive:
            assert abs(a.tax - a.gross * rate / (1 + rate)) <= D("0.005")
        else:
            assert abs(a.tax - a.net * rate) <= D("0.005")


def test_hand_computed_lines():
    # 3 drums × ¥1,130.00 含税 at 13%: 3,390.00 = 3,000.00 + 390.00
    a = line_amounts(quantity=D("3"), price=D("1130"), price_includes_tax=True, rate="13")
    assert (a.net, a.tax, a.gross) == (D("3000.00"), D("390.00"), D("3390.00"))
    # 7 kg × ¥18.8235 不含税 at 13%, 5% discount: 125.18 net, 16.27 tax
    b = line_amounts(
        quantity=D("7"), price=D("18.8235"), price_includes_tax=False, rate="13",
        discount_pct=D("5"),
    )  # fmt: skip
    assert (b.gross_before_discount, b.discount) == (D("131.76"), D("6.58"))
    assert (b.net, b.tax, b.gross) == (D("125.18"), D("16.27"), D("141.45"))
    # exempt and zero-rated compute no tax
    for rate in ("exempt", "0"):
        c = line_amounts(quantity=D("2"), price=D("9.99"), price_includes_tax=True, rate=rate)
        assert (c.net, c.tax, c.gross) == (D("19.98"), D("0.00"), D("19.98"))


def test_three_lines_that_do_not_sum_when_tax_is_taken_on_the_total():
    # The ERPNext #52333 shape: tax on the inclusive total differs from Σ line taxes by a fen;
    # here the totals are Σ lines, so they still add up.
    amounts = [
        line_amounts(quantity=D("1"), price=D("0.05"), price_includes_tax=True, rate="13")
        for _ in range(3)
    ]
    totals = document_totals(amounts)
    assert totals.gross == D("0.15")
    assert totals.tax == D("0.03")  # 0.01 per line; 0.15 × 13/113 = 0.017 → 0.02 on the total
    assert totals.net + totals.tax == totals.gross


def test_unknown_rate_and_places():
    with pytest.raises(ValueError):
        vat_rate_value("17")
    assert places(D("1.2300")) == 2
    assert places(D("1.23456")) == 5
    assert places(D("100")) == 0
    assert unit_price_other_basis(D("113"), price_includes_tax=True, rate="13") == D("100.000000")

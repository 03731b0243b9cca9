"""Every sales document always sums (issue #14 point 1): Σ 不含税金额 + Σ 税额 = 价税合计
exactly, for 1–50 lines, 4-decimal prices and quantities, discounts, both price bases and every
rate — the lines a sales order or invoice service computes (services/common.py)."""

from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from erp.masterdata.vat import VatRate
from erp.sales.services.common import priced_values, totals_apply

FOUR = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999"), places=4)
LINE = st.fixed_dictionaries(
    {
        "quantity": FOUR,
        "unit_price": st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=4),
        "vat_rate": st.sampled_from(VatRate.values),
        "discount_pct": st.decimals(min_value=Decimal("0"), max_value=Decimal("99.99"), places=2),
    }
)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=50), includes_tax=st.booleans())
def test_a_document_always_sums(lines, includes_tax):
    material = SimpleNamespace(vat_rate="13")
    rows = [
        priced_values(row, no=n, material=material, includes_tax=includes_tax)
        for n, row in enumerate(lines, start=1)
    ]
    doc = SimpleNamespace()
    totals_apply(doc, rows)
    assert doc.net_total + doc.tax_total == doc.total
    assert doc.total == sum(r["amount"] for r in rows)
    assert all(r["net_amount"] + r["tax_amount"] == r["amount"] for r in rows)

"""增值税 on document lines: the rates a material can carry and the ONE rounding rule every
sales and purchasing document uses, so that a document always sums:

    Σ 不含税金额 + Σ 税额 = 价税合计, exactly, on screen, in print, in the API and in the voucher.

The rule (round the line, then sum), the same one 金税 invoicing software applies per line:

- a tax-inclusive price (含税单价): 价税合计 = round(quantity × price × (1 − discount%)),
  税额 = round(价税合计 × rate / (1 + rate)), 不含税金额 = 价税合计 − 税额;
- a tax-exclusive price (不含税单价): 不含税金额 = round(quantity × price × (1 − discount%)),
  税额 = round(不含税金额 × rate), 价税合计 = 不含税金额 + 税额.

Each line is rounded to the fen once; the document's totals are sums of the line figures and
never recomputed from the total, so the three totals always add up. ERPNext and Odoo compute
tax on the document total in one mode and per line in the other, which is how their
tax-inclusive documents fail to sum (ERPNext #52333, Odoo #155833).

Prices carry at most 4 decimals and quantities 4 (refused beyond, not rounded away).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.money import round_amount

ZERO = Decimal("0")
HUNDRED = Decimal("100")
PRICE_PLACES = 4
QUANTITY_PLACES = 4


class VatRate(models.TextChoices):
    """The rates a material (and a document line) can carry. Exempt (免税) is printed as 免税
    on a fapiao, not 0%, so it is its own choice; both compute no tax."""

    R13 = "13", _("13%")
    R9 = "9", _("9%")
    R6 = "6", _("6%")
    R3 = "3", _("3% (small-scale taxpayer)")
    ZERO = "0", _("0% (zero-rated)")
    EXEMPT = "exempt", _("Exempt")


def vat_rate_value(code: str) -> Decimal:
    """The rate as a fraction: "13" → 0.13, "exempt" → 0."""
    if code not in VatRate.values:
        raise ValueError(f"unknown VAT rate {code!r}")
    return ZERO if code == VatRate.EXEMPT else Decimal(code) / HUNDRED


def places(value: Decimal) -> int:
    """Decimal places a value is written with (Decimal("1.2300") → 4, Decimal("5") → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True)
class LineAmounts:
    gross_before_discount: Decimal  # quantity × price before discount, in the price's basis
    discount: Decimal  # the discount in that basis (含税 or 不含税 as the price is)
    net: Decimal  # 不含税金额
    tax: Decimal  # 税额
    gross: Decimal  # 价税合计


def line_amounts(
    *,
    quantity: Decimal,
    price: Decimal,
    price_includes_tax: bool,
    rate: str,
    discount_pct: Decimal = ZERO,
) -> LineAmounts:
    """One line's 不含税金额, 税额 and 价税合计 by the rule in the module docstring."""
    fraction = vat_rate_value(rate)
    before = round_amount(quantity * price)
    after = round_amount(quantity * price * (HUNDRED - discount_pct) / HUNDRED)
    if price_includes_tax:
        gross = after
        tax = round_amount(gross * fraction / (1 + fraction))
        net = gross - tax
    else:
        net = after
        tax = round_amount(net * fraction)
        gross = net + tax
    return LineAmounts(before, before - after, net, tax, gross)


@dataclass(frozen=True)
class DocumentTotals:
    net: Decimal
    tax: Decimal
    gross: Decimal
    discount: Decimal


def document_totals(lines: Iterable[LineAmounts]) -> DocumentTotals:
    """Σ of the rounded line figures: net + tax == gross holds by construction."""
    net = tax = gross = discount = ZERO
    for line in lines:
        net += line.net
        tax += line.tax
        gross += line.gross
        discount += line.discount
    return DocumentTotals(net, tax, gross, discount)


def unit_price_other_basis(price: Decimal, *, price_includes_tax: bool, rate: str) -> Decimal:
    """The same price in the other basis, for display (含税单价 ↔ 不含税单价), to 6 places.
    Never used to compute amounts: amounts come from line_amounts only."""
    fraction = vat_rate_value(rate)
    value = price / (1 + fraction) if price_includes_tax else price * (1 + fraction)
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)

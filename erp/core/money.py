"""Decimal rounding, one function per kind. No floats anywhere near money or quantities."""

from decimal import ROUND_HALF_UP, Decimal

AMOUNT_PLACES = Decimal("0.01")
QUANTITY_PLACES = Decimal("0.0001")
UNIT_PRICE_PLACES = Decimal("0.000001")
TAX_PLACES = Decimal("0.01")


def _to_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("floats are not accepted for money or quantities; pass Decimal or str")
    return value if isinstance(value, Decimal) else Decimal(value)


def round_amount(value: Decimal | int | str) -> Decimal:
    return _to_decimal(value).quantize(AMOUNT_PLACES, rounding=ROUND_HALF_UP)


def round_quantity(value: Decimal | int | str) -> Decimal:
    return _to_decimal(value).quantize(QUANTITY_PLACES, rounding=ROUND_HALF_UP)


def round_unit_price(value: Decimal | int | str) -> Decimal:
    return _to_decimal(value).quantize(UNIT_PRICE_PLACES, rounding=ROUND_HALF_UP)


def round_tax(value: Decimal | int | str) -> Decimal:
    return _to_decimal(value).quantize(TAX_PLACES, rounding=ROUND_HALF_UP)


def format_cny(value: Decimal | int | str) -> str:
    """An amount as Chinese users read it: ¥12,345.60, -¥5.00. The one formatter for pages,
    prints, lists and messages."""
    amount = round_amount(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"

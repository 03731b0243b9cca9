"""Number filters for screens and print templates: {% load erp_format %}.

    {{ amount|cny }}           ¥12,345.60  (-¥5.00 for negatives)
    {{ quantity|qty }}         12.5, 1,200  (no trailing zeros; {{ q|qty:2 }} for 2 places)
    {{ amount|amount_words }}  壹万贰仟叁佰肆拾伍元陆角整

Values must be Decimal, int or numeric strings: a float raises TypeError (never near money).
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from erp.core.amount_words import amount_in_words
from erp.core.money import QUANTITY_PLACES, format_cny

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("floats are not accepted for money or quantities; pass Decimal or str")
    return value if isinstance(value, Decimal) else Decimal(str(value))


@register.filter
def cny(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return ""
    return format_cny(amount)


@register.filter
def qty(value, places=None) -> str:
    quantity = _decimal(value)
    if quantity is None:
        return ""
    step = Decimal(1).scaleb(-int(places)) if places not in (None, "") else QUANTITY_PLACES
    quantity = quantity.quantize(step, rounding=ROUND_HALF_UP)
    text = f"{quantity:,.{max(-step.as_tuple().exponent, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@register.filter(name="amount_words")
def amount_words(value) -> str:
    amount = _decimal(value)
    return "" if amount is None else amount_in_words(amount)


@register.filter(name="state_label")
def state_label_filter(value) -> str:
    """A state code in words ("posted" -> 已过账) for documents whose state field has no
    choices; see erp.core.states.state_label."""
    from erp.core.states import state_label

    return state_label(str(value)) if value not in (None, "") else ""

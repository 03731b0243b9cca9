"""Turn one spreadsheet cell into a Python value of its column's type, or explain why not.

Excel stores numbers as binary floats: 0.1+0.2 arrives as 0.30000000000000004. Excel itself
shows 15 significant digits, so floats are read through that many digits, then checked
against the decimal places the field allows (more places are refused, not rounded)."""

import datetime as dt
import functools
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from erp.core.export import unneutralise

from .spec import BOOL, CHOICE, DATE, DECIMAL, INT, REFERENCE, TEXT, Column

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}
EXCEL_DIGITS = 15
# Dashes an input method or a copied document may give instead of "-" in a code.
DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
# Free text keeps its full-width punctuation (（）、，in names are correct Chinese); codes,
# numbers, dates, yes/no and choices are read through NFKC, so ＲＭ－９１０３ is RM-9103.
CODE_FIELDS = frozenset({"code", "uscc", "location_code", "lot_number", "supplier_lot", "number"})


class CellInvalid(ValueError):
    """A cell that does not fit its column; the message is shown next to row and column."""


def cell_convert(column: Column, raw: Any) -> Any:
    """The typed value of a non-empty cell (empty cells are handled by the caller)."""
    converter = _CONVERTERS[column.kind]
    return converter(column, raw)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def normalised(text: str) -> str:
    """Full-width digits, letters and punctuation as their ASCII forms (NFKC), every dash
    variant as "-", no surrounding spaces (full-width spaces included)."""
    return unicodedata.normalize("NFKC", text).translate(DASHES).strip()


def is_code(column: Column) -> bool:
    return column.kind == REFERENCE or column.field in CODE_FIELDS


def _text(column: Column, raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a code typed as 1001 comes back as 1001.0 from some writers
    if isinstance(raw, dt.datetime | dt.date):
        raw = raw.strftime("%Y-%m-%d")
    text = unneutralise(str(raw).strip())
    return normalised(text) if is_code(column) else text


def _decimal_value(column: Column, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise CellInvalid(_("Enter a number, not a yes/no value."))
    if isinstance(raw, float):
        value = Decimal(format(raw, f".{EXCEL_DIGITS}g"))
    elif isinstance(raw, int | Decimal):
        value = Decimal(raw)
    else:
        text = normalised(str(raw)).replace(",", "").lstrip("¥")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellInvalid(
                _("“%(value)s” is not a number. Enter digits only, e.g. 12.5.")
                % {"value": str(raw)[:40]}
            ) from None
    if not value.is_finite():
        raise CellInvalid(_("Enter a finite number."))
    return value


def _decimal(column: Column, raw: Any) -> Decimal:
    value = _decimal_value(column, raw)
    places = -value.normalize().as_tuple().exponent
    if places > column.places:
        raise CellInvalid(
            _("%(value)s has more than %(places)s decimal places. Round it and upload again.")
            % {"value": value, "places": column.places}
        )
    _check_minimum(column, value)
    return value.quantize(Decimal(1).scaleb(-column.places))


def _int(column: Column, raw: Any) -> int:
    value = _decimal_value(column, raw)
    if value != value.to_integral_value():
        raise CellInvalid(_("%(value)s is not a whole number.") % {"value": value})
    _check_minimum(column, value)
    return int(value)


def _check_minimum(column: Column, value: Decimal) -> None:
    if column.minimum is not None and value < column.minimum:
        raise CellInvalid(
            _("%(value)s is too small: the lowest allowed value is %(min)s.")
            % {"value": value, "min": column.minimum}
        )


def _bool(column: Column, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = normalised(str(raw)).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellInvalid(
        _("“%(value)s” is not 是 or 否. Choose 是 (yes) or 否 (no).") % {"value": str(raw)[:40]}
    )


def _date(column: Column, raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = normalised(str(raw)).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellInvalid(
            _("“%(value)s” is not a date. Write dates as 2026-03-01.") % {"value": str(raw)[:40]}
        ) from None


def _choice(column: Column, raw: Any) -> str:
    text = _text(column, raw)
    value = _choice_values(column).get(text)
    if value is None:
        value = _choice_values(column).get(normalised(text))
    if value is not None:
        return value
    raise CellInvalid(
        _("“%(value)s” is not one of the allowed values: %(allowed)s.")
        % {"value": text[:40], "allowed": "、".join(column.choice_labels())}
    )


@functools.lru_cache(maxsize=256)
def _choice_values(column: Column) -> dict[str, str]:
    """Value, Chinese label and English label → value, built once per column (translating
    every label of every choice cell was a sizeable share of reading a large file). Columns
    are declared once at import time, so the cache is bounded."""
    found: dict[str, str] = {}
    for value, label in reversed(column.choices):  # the first matching choice wins, as before
        for text in (*_labels(label), value):
            found[text] = value
    return found


def _labels(label: Any) -> set[str]:
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return {zh, en}


# A reference stays a code here; the engine resolves it when the row is applied, so a record
# created earlier in the same file (a parent category) can be referred to.
_CONVERTERS = {
    TEXT: _text,
    INT: _int,
    DECIMAL: _decimal,
    BOOL: _bool,
    DATE: _date,
    CHOICE: _choice,
    REFERENCE: _text,
}

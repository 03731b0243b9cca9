"""大写金额: table of known answers, then properties over random amounts (round trip through a
small independent reader, no doubled or dangling 零)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erp.core.amount_words import amount_in_words
from erp.core.money import round_amount

KNOWN = [
    ("12345.60", "壹万贰仟叁佰肆拾伍元陆角整"),
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("-0.00", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("10", "壹拾元整"),
    ("15.00", "壹拾伍元整"),
    ("1002", "壹仟零贰元整"),
    ("10010", "壹万零壹拾元整"),
    ("1000100", "壹佰万零壹佰元整"),
    ("1010000", "壹佰零壹万元整"),
    ("100000001", "壹亿零壹元整"),
    ("100000000", "壹亿元整"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", "壹拾万柒仟元伍角叁分"),
    ("20000001.01", "贰仟万零壹元零壹分"),
    ("1000000000000", "壹万亿元整"),
    ("-3.20", "负叁元贰角整"),
    ("-1234.05", "负壹仟贰佰叁拾肆元零伍分"),
    (5, "伍元整"),
]


@pytest.mark.parametrize(("amount", "words"), KNOWN)
def test_known_amounts(amount, words):
    assert amount_in_words(Decimal(amount) if isinstance(amount, str) else amount) == words


def test_more_than_two_places_round_half_up_like_the_printed_figure():
    assert amount_in_words(Decimal("0.555")) == "伍角陆分"
    assert amount_in_words(Decimal("9.995")) == "壹拾元整"
    assert amount_in_words(Decimal("-0.004")) == "零元整"


def test_float_is_refused():
    with pytest.raises(TypeError):
        amount_in_words(12.5)


def test_too_large_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("10000000000000000"))


DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def _small(text: str) -> int:
    total, digit = 0, 0
    for ch in text:
        if ch in DIGIT:
            digit = DIGIT[ch]
        else:
            total += digit * SMALL[ch]
            digit = 0
    return total + digit


def _wan(text: str) -> int:
    high, _, low = text.rpartition("万")
    return _small(high) * 10_000 + _small(low)


def read_words(words: str) -> Decimal:
    """An independent reader of 大写金额, for the round-trip property."""
    sign = -1 if words.startswith("负") else 1
    words = words.removeprefix("负").removesuffix("整")
    yuan_text, _, cents = words.rpartition("元") if "元" in words else ("", "", words)
    high, _, low = yuan_text.rpartition("亿")
    yuan = _wan(high) * 100_000_000 + _wan(low)
    jiao = DIGIT[cents[cents.index("角") - 1]] if "角" in cents else 0
    fen = DIGIT[cents[cents.index("分") - 1]] if "分" in cents else 0
    return sign * (Decimal(yuan) + Decimal(jiao) / 10 + Decimal(fen) / 100)


amounts = st.decimals(
    min_value=Decimal("-9999999999999999.99"),
    max_value=Decimal("9999999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(amounts)
def test_round_trip(amount):
    assert read_words(amount_in_words(amount)) == amount


@given(amounts)
def test_zero_rules(amount):
    words = amount_in_words(amount)
    assert "零零" not in words
    assert words == "零元整" or not words.removeprefix("负").startswith("零")
    for unit in "拾佰仟万亿元角":
        assert "零" + unit not in words or words == "零元整"
    assert words.endswith(("整", "分"))
    assert not ("分" in words and words.endswith("整"))


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_extra_places_are_rounded_consistently(amount):
    assert amount_in_words(amount) == amount_in_words(round_amount(amount))

"""大写金额: an amount written in Chinese capital numerals, as printed on vouchers and invoices.

Rules (会计基础工作规范 §52): 壹拾 not 拾 at the start; one 零 for any run of zeros between
digits; "整" after 元 or 角 when there are no 分; nothing after 分; "负" before a negative
amount; 0 is 零元整. Amounts are rounded half-up to the fen first, the same rounding as
erp.core.money.round_amount, so the words always match the printed figure.
"""

from decimal import Decimal

from erp.core.money import round_amount

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
LIMIT = Decimal(10) ** 16  # up to 9,999 万亿 元


def amount_in_words(value: Decimal | int | str) -> str:
    amount = round_amount(value)  # refuses floats
    if abs(amount) >= LIMIT:
        raise ValueError(f"amount {amount} is too large to write in words")
    sign = "负" if amount < 0 else ""
    fen_total = int(abs(amount) * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao:
        words += DIGITS[jiao] + "角"
    elif fen and yuan:
        words += "零"
    words += DIGITS[fen] + "分" if fen else "整"
    return sign + words


def _integer_words(number: int) -> str:
    """1 and up: 亿 above 万 above the last four digits; 零 where a gap of zeros follows."""
    for unit_value, unit in ((10**8, "亿"), (10**4, "万")):
        if number >= unit_value:
            high, low = divmod(number, unit_value)
            words = _integer_words(high) + unit
            if low == 0:
                return words
            return words + ("零" if low < unit_value // 10 else "") + _integer_words(low)
    return _group_words(number)


def _group_words(group: int) -> str:
    """A number 1..9999 without the leading 零 (the caller decides that)."""
    words, pending_zero = "", False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words += "零"
            pending_zero = False
        words += DIGITS[digit] + SMALL_UNITS[position]
    return words

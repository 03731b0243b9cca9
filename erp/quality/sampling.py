"""GB/T 2828.1-2012 (ISO 2859-1:1999) single sampling plans by attributes (一次抽样方案).

Source: GB/T 2828.1-2012《计数抽样检验程序 第1部分：按接收质量限(AQL)检索的逐批检验抽样计划》
表 1 样本量字码, 表 2-A 正常检验一次抽样方案(主表), 表 2-B 加严检验一次抽样方案(主表),
表 2-C 放宽检验一次抽样方案(主表) — identical to ISO 2859-1 Tables 1, 2-A, 2-B, 2-C.

The master tables are stored the way they are printed: along each diagonal (one code letter
down, one AQL column left) the acceptance number stays the same, so a cell is found from
`letter index + AQL index`. Cells before the first plan of a row are the standard's ↓ arrow
("use the first sampling plan below the arrow"), the ↑ between Ac 0 and Ac 1 and the cells
after a row's last plan are ↑ ("use the first sampling plan above the arrow"). Following an
arrow changes the sample size too, as the standard says. A walk that would leave the table
turns round (row A has nothing above it, row R nothing below), except in tightened
inspection, whose table 2-B has the extra row S (n = 3150) below R.

Reduced inspection (放宽检验, 表 2-C): the table's sample sizes are used; its Ac/Re are taken
from the normal master table at the code letter with that sample size (a simplification of
表 2-C, stated in docs/quality.md).
"""

from dataclasses import dataclass
from decimal import Decimal

LETTERS = "ABCDEFGHJKLMNPQR"
NORMAL_SIZES = (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000, 3150)
REDUCED_SIZES = (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800)

# 表 1 样本量字码: upper bound of the lot size → letters of general levels I, II, III.
CODE_LETTERS = (
    (8, "AAB"),
    (15, "ABC"),
    (25, "BCD"),
    (50, "CDE"),
    (90, "CEF"),
    (150, "DFG"),
    (280, "EGH"),
    (500, "FHJ"),
    (1200, "GJK"),
    (3200, "HKL"),
    (10000, "JLM"),
    (35000, "KMN"),
    (150000, "LNP"),
    (500000, "MPQ"),
    (None, "NQR"),
)
LEVELS = ("I", "II", "III")

# The AQL columns of 表 2 (percent nonconforming up to 10, nonconformities per 100 above).
AQLS = tuple(
    Decimal(v)
    for v in (
        "0.010 0.015 0.025 0.040 0.065 0.10 0.15 0.25 0.40 0.65 1.0 1.5 2.5 4.0 6.5 "
        "10 15 25 40 65 100 150 250 400 650 1000"
    ).split()
)

UP, DOWN = "up", "down"
# Diagonal index (letter index + AQL index) → (Ac, Re), or the arrow printed there.
NORMAL_DIAGONAL = {
    14: (0, 1),
    15: UP,
    16: DOWN,
    17: (1, 2),
    18: (2, 3),
    19: (3, 4),
    20: (5, 6),
    21: (7, 8),
    22: (10, 11),
    23: (14, 15),
    24: (21, 22),
    25: (30, 31),
    26: (44, 45),
}
TIGHTENED_DIAGONAL = {
    16: (0, 1),
    17: DOWN,
    18: (1, 2),
    19: (2, 3),
    20: (3, 4),
    21: (5, 6),
    22: (8, 9),
    23: (12, 13),
    24: (18, 19),
    25: (27, 28),
    26: (41, 42),
}
# Acceptance numbers above 21 (18 tightened) are printed only for code letters A–E: to the
# right of them the larger letters show ↑.
LARGE_AC_LAST_LETTER = LETTERS.index("E")
LAST_SMALL_DIAGONAL = 24


class Severity:
    NORMAL = "normal"
    TIGHTENED = "tightened"
    REDUCED = "reduced"


@dataclass(frozen=True)
class SamplingPlan:
    code_letter: str
    sample_size: int
    acceptance: int  # Ac: accept with at most this many nonconforming items
    rejection: int  # Re: reject with this many or more
    severity: str
    full: bool = False  # the sample is the whole lot (100 % inspection)


def aql_index(aql: Decimal) -> int | None:
    """Position of the AQL among the table's columns; None when it is not one of them."""
    try:
        return AQLS.index(Decimal(aql).normalize())
    except ValueError:
        return next((i for i, v in enumerate(AQLS) if v == Decimal(aql)), None)


def code_letter(lot_size: int, level: str = "II") -> str:
    """表 1: the sample size code letter of a lot size at general inspection level I/II/III."""
    column = LEVELS.index(level)
    for upper, letters in CODE_LETTERS:
        if upper is None or lot_size <= upper:
            return letters[column]
    raise AssertionError("unreachable: the last row has no upper bound")


def _cell(diagonal: dict, letter: int, aql: int):
    index = letter + aql
    if index < min(diagonal):
        return DOWN
    if index > max(diagonal):
        return UP
    if index > LAST_SMALL_DIAGONAL and letter > LARGE_AC_LAST_LETTER:
        return UP
    return diagonal[index]


def _master(diagonal: dict, letter: int, aql: int) -> tuple[int, int, int]:
    """(row, Ac, Re) after following the arrows of one master table. The walk keeps the
    direction of the first arrow; at the table's edge it turns round. Row 16 is the
    tightened table's extra row S (n = 3150, Ac 1 Re 2), printed under AQL 0.010 only."""
    cell = _cell(diagonal, letter, aql)
    step = -1 if cell == UP else 1
    while not isinstance(cell, tuple):
        if letter + step == len(LETTERS) and diagonal is TIGHTENED_DIAGONAL:
            return len(LETTERS), 1, 2
        if not 0 <= letter + step < len(LETTERS):
            step = -step
        letter += step
        cell = _cell(diagonal, letter, aql)
    return letter, cell[0], cell[1]


def single_plan(
    lot_size: int, aql: Decimal, level: str = "II", severity: str = Severity.NORMAL
) -> SamplingPlan:
    """The single sampling plan of a lot: code letter, sample size n, Ac and Re. A sample as
    large as the lot means inspecting every item (100 %): Ac and Re stay those of the plan."""
    column = aql_index(aql)
    if column is None:
        raise ValueError(f"AQL {aql} is not a column of GB/T 2828.1 table 2")
    letter = LETTERS.index(code_letter(lot_size, level))
    if severity == Severity.TIGHTENED:
        row, ac, re = _master(TIGHTENED_DIAGONAL, letter, column)
        size = NORMAL_SIZES[row]
    elif severity == Severity.REDUCED:
        start = NORMAL_SIZES.index(REDUCED_SIZES[letter])
        row, ac, re = _master(NORMAL_DIAGONAL, start, column)
        size = NORMAL_SIZES[row]
    else:
        row, ac, re = _master(NORMAL_DIAGONAL, letter, column)
        size = NORMAL_SIZES[row]
    full = size >= lot_size
    return SamplingPlan(
        code_letter=LETTERS[letter],
        sample_size=min(size, lot_size),
        acceptance=ac,
        rejection=re,
        severity=severity,
        full=full,
    )


# --- switching rules (转移规则, GB/T 2828.1 9.3) ---------------------------------------------

TIGHTEN_WINDOW, TIGHTEN_REJECTS = 5, 2
RELAX_AFTER = 5  # tightened → normal after 5 consecutive accepted lots
REDUCE_AFTER = 10  # normal → reduced after 10 consecutive accepted lots (simplified)


def next_severity(severity: str, history: str) -> str:
    """The severity for the next lot, given the current one and the results since it began,
    oldest first ("A" accepted, "R" rejected).

    normal → tightened: 2 of the last 5 (or fewer) consecutive lots rejected;
    tightened → normal: 5 consecutive lots accepted;
    normal → reduced: 10 consecutive lots accepted — a simplification of the standard's
    switching score (转移得分), which also asks for steady production and the responsible
    authority's consent;
    reduced → normal: a lot rejected."""
    if severity == Severity.NORMAL:
        if history[-TIGHTEN_WINDOW:].count("R") >= TIGHTEN_REJECTS:
            return Severity.TIGHTENED
        if len(history) >= REDUCE_AFTER and "R" not in history[-REDUCE_AFTER:]:
            return Severity.REDUCED
        return severity
    if severity == Severity.TIGHTENED:
        if len(history) >= RELAX_AFTER and "R" not in history[-RELAX_AFTER:]:
            return Severity.NORMAL
        return severity
    return Severity.NORMAL if history.endswith("R") else severity

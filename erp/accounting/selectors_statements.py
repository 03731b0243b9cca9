"""Reads for the financial statements, the VAT summary and the opening tie-out.

Everything is computed from the period balances the posting gate keeps beside the ledger
(`AccountPeriodBalance`), so a statement costs a handful of aggregate queries whatever the
number of voucher lines. Only two reads touch voucher lines: the P&L carry-forward vouchers
(taken out of the income statement, else every month after 结转损益 would show zero) and the
lines of the one period an as-of date falls in.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from erp.accounting.builders.stock import NoPostingRule, inventory_account
from erp.accounting.models import (
    Account,
    AccountCategory,
    AccountPeriodBalance,
    AccountPurpose,
    Period,
    Voucher,
    VoucherLine,
)
from erp.accounting.selectors import posting_rule_table
from erp.accounting.selectors_stock import inventory_accounts
from erp.accounting.statements import (
    LAYOUTS,
    VAT_INPUT,
    VAT_INPUT_REVERSED,
    VAT_OUTPUT,
    VAT_PAYABLE,
    VAT_TRANSFER_OUT,
    VAT_UNPAID,
    C,
    Layout,
    Row,
)
from erp.accounting.states import VoucherState
from erp.core.money import round_amount

ZERO = Decimal("0")
SOURCE_PL = "accounting.pl_carry_forward"  # same as services.closing.SOURCE_PL
OPENING_SOURCE = "golive.openingbalance"
STOCK_OPENING_SOURCE = "golive.openingstock"


def _amt(value) -> Decimal:
    """SQLite sums decimals as floats: round every aggregate back to whole fen."""
    return round_amount(value or ZERO)


def chart_standard() -> str:
    """ "small" when 本年利润 sits at 3103 (小企业会计准则), else "enterprise"."""
    profit = Account.objects.filter(purpose=AccountPurpose.CURRENT_YEAR_PROFIT).first()
    return "small" if profit is not None and profit.code.startswith("3") else "enterprise"


def _net_by_code(balances: QuerySet) -> dict[str, Decimal]:
    """Debit minus credit per leaf account code over the given period balances."""
    rows = balances.values("account__code").annotate(d=Sum("debit"), c=Sum("credit"))
    return {r["account__code"]: _amt(r["d"]) - _amt(r["c"]) for r in rows}


def closing_by_code(period: Period) -> dict[str, Decimal]:
    return _net_by_code(AccountPeriodBalance.objects.filter(period__start__lte=period.start))


def year_opening_by_code(year: int) -> dict[str, Decimal]:
    """Balances at the end of the previous year (上年年末余额 / 年初余额)."""
    start = dt.date(year, 1, 1)
    return _net_by_code(AccountPeriodBalance.objects.filter(period__start__lt=start))


def pl_movement_by_code(periods: QuerySet) -> dict[str, Decimal]:
    """Movement (debit minus credit) of the P&L accounts over `periods`, without the 结转损益
    vouchers (and their reversals, which keep the source type)."""
    pl = Q(account__category=AccountCategory.PROFIT_LOSS)
    totals = _net_by_code(AccountPeriodBalance.objects.filter(pl, period__in=periods))
    carried = (
        VoucherLine.objects.filter(
            pl,
            voucher__period__in=periods,
            voucher__state=VoucherState.POSTED,
            voucher__source_type=SOURCE_PL,
        )
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for row in carried:
        code = row["account__code"]
        totals[code] = totals.get(code, ZERO) - (_amt(row["d"]) - _amt(row["c"]))
    return totals


# --- statements ------------------------------------------------------------------------------


@dataclass
class StatementLine:
    row: Row
    values: tuple[Decimal | None, Decimal | None]


@dataclass
class Statement:
    layout: Layout
    period: Period
    left: list[StatementLine]
    right: list[StatementLine]
    unmapped: list[tuple[str, str, Decimal]] = field(default_factory=list)

    def value(self, line: int, column: int = 0) -> Decimal:
        for entry in self.left + self.right:
            if entry.row.line == line:
                return entry.values[column] or ZERO
        raise KeyError(line)

    @property
    def balanced(self) -> bool:
        if self.layout.check is None:
            return True
        first, second = self.layout.check
        return all(self.value(first, c) == self.value(second, c) for c in (0, 1))

    @property
    def pairs(self) -> list[tuple[StatementLine | None, StatementLine | None]]:
        """Left and right rows side by side (the printed balance sheet)."""
        count = max(len(self.left), len(self.right))
        pad = [None] * count
        return list(zip((self.left + pad)[:count], (self.right + pad)[:count], strict=True))


def _matches(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def layout_values(layout: Layout, amounts: dict[str, Decimal]) -> dict[int, Decimal]:
    """Every row's figure from debit-positive amounts per account code (pure)."""
    values: dict[int, Decimal] = {}
    for row in layout.rows:
        if row.heading:
            continue
        if row.is_total:
            values[row.line] = sum((values[abs(n)] * (1 if n > 0 else -1) for n in row.total), ZERO)
            continue
        net = sum((a for code, a in amounts.items() if _matches(code, row.codes)), ZERO)
        values[row.line] = -net if row.side == C else net
    return values


def unmapped_codes(layout: Layout, amounts: dict[str, Decimal]) -> list[str]:
    """Codes with an amount that no counted row takes: the statement would not add up."""
    counted = tuple(p for r in layout.rows if not r.part and not r.is_total for p in r.codes)
    return sorted(code for code, a in amounts.items() if a and not _matches(code, counted))


def _statement(layout, period, columns: tuple[dict, dict], check_amounts: dict) -> Statement:
    first, second = (layout_values(layout, amounts) for amounts in columns)

    def lines(rows):
        return [
            StatementLine(r, (None, None) if r.heading else (first[r.line], second[r.line]))
            for r in rows
        ]

    names = dict(Account.objects.values_list("code", "name"))
    unmapped = [
        (code, names.get(code, ""), check_amounts[code])
        for code in unmapped_codes(layout, check_amounts)
    ]
    return Statement(layout, period, lines(layout.left), lines(layout.right), unmapped)


def year_start_balances(year: int) -> dict[str, Decimal]:
    """上年年末余额 / 年初余额 of `year`: the balances at the end of the previous year, or, when
    the books went live during `year` (mid-year go-live), the opening balances posted the day
    before go-live — the company's balances when its books here begin."""
    first_day = dt.date(year, 1, 1)
    live = [d for d in go_live_dates() if first_day < d <= dt.date(year, 12, 31)]
    if live:
        return balances_as_of(min(live) - dt.timedelta(days=1))
    return year_opening_by_code(year)


def balance_sheet(period: Period, *, standard: str | None = None) -> Statement:
    layout = LAYOUTS[(standard or chart_standard(), "balance_sheet")]
    closing = closing_by_code(period)
    return _statement(layout, period, (closing, year_start_balances(period.year)), closing)


def income_statement(period: Period, *, standard: str | None = None) -> Statement:
    """企业: 本期金额 = the month, 本年累计金额 = the year to the month's end. 小企业 (statutory
    column order): 本年累计金额, 本月金额."""
    standard = standard or chart_standard()
    layout = LAYOUTS[(standard, "income_statement")]
    to_date = Period.objects.filter(year=period.year, month__lte=period.month)
    year_to_date = pl_movement_by_code(to_date)
    month = pl_movement_by_code(Period.objects.filter(pk=period.pk))
    columns = (year_to_date, month) if standard == "small" else (month, year_to_date)
    return _statement(layout, period, columns, year_to_date)


# --- VAT summary -----------------------------------------------------------------------------


@dataclass
class VatMonth:
    period: Period
    output: Decimal  # 销项税额 (credit side)
    input: Decimal  # 进项税额 (debit side)
    transfer_out: Decimal  # 转出未交增值税 (debit side)
    input_reversed: Decimal  # 进项税额转出 (credit side): input VAT no longer deductible
    vat_closing: Decimal  # 应交增值税 closing, credit positive; negative = 留抵
    unpaid_closing: Decimal  # 未交增值税 closing, credit positive

    @property
    def payable(self) -> Decimal:
        """应纳税额 of the month: 销项 + 进项税额转出 − 进项."""
        return self.output + self.input_reversed - self.input

    @property
    def credit_carried(self) -> Decimal:
        """期末留抵税额: a debit balance of 应交增值税."""
        return -self.vat_closing if self.vat_closing < 0 else ZERO


def _prefix_sum(amounts: dict[str, Decimal], prefix: str) -> Decimal:
    return sum((a for code, a in amounts.items() if code.startswith(prefix)), ZERO)


def vat_summary(year: int) -> list[VatMonth]:
    """增值税 per month of `year` from the 2221 sub-accounts' period balances."""
    vat = Q(account__code__startswith="2221")
    periods = list(Period.objects.filter(year=year).order_by("month"))
    running = _net_by_code(
        AccountPeriodBalance.objects.filter(vat, period__start__lt=dt.date(year, 1, 1))
    )
    moves: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (
        AccountPeriodBalance.objects.filter(vat, period__in=periods)
        .values("period_id", "account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for row in rows:
        moves[row["period_id"]][row["account__code"]] = _amt(row["d"]) - _amt(row["c"])
    months = []
    for period in periods:
        month = moves.get(period.pk, {})
        for code, amount in month.items():
            running[code] = running.get(code, ZERO) + amount
        months.append(
            VatMonth(
                period=period,
                output=-_prefix_sum(month, VAT_OUTPUT),
                input=_prefix_sum(month, VAT_INPUT),
                transfer_out=_prefix_sum(month, VAT_TRANSFER_OUT),
                input_reversed=-_prefix_sum(month, VAT_INPUT_REVERSED),
                vat_closing=-_prefix_sum(running, VAT_PAYABLE),
                unpaid_closing=-_prefix_sum(running, VAT_UNPAID),
            )
        )
    return months


# --- opening balances tie-out ----------------------------------------------------------------


def balances_as_of(on_date: dt.date) -> dict[str, Decimal]:
    """Debit-positive balance per leaf account code at the end of `on_date`: whole earlier
    periods from the period balances, the rest from the posted lines of on_date's period."""
    period = Period.objects.filter(start__lte=on_date, end__gte=on_date).first()
    if period is None:
        return _net_by_code(AccountPeriodBalance.objects.filter(period__end__lt=on_date))
    amounts = _net_by_code(AccountPeriodBalance.objects.filter(period__start__lt=period.start))
    lines = (
        VoucherLine.objects.filter(
            voucher__period=period,
            voucher__state=VoucherState.POSTED,
            voucher__date__lte=on_date,
        )
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    for row in lines:
        code = row["account__code"]
        amounts[code] = amounts.get(code, ZERO) + _amt(row["d"]) - _amt(row["c"])
    return amounts


def opening_voucher(go_live: dt.date) -> Voucher | None:
    """The live opening-balance voucher imported for `go_live` (a reversed one does not count)."""
    return (
        Voucher.objects.filter(
            source_type=OPENING_SOURCE,
            source_id=go_live.isoformat(),
            state=VoucherState.POSTED,
            reversal_of__isnull=True,
            reversed_by__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def go_live_dates() -> list[dt.date]:
    """Go-live dates known from opening-balance vouchers and opening stock, newest first."""
    from erp.inventory.models import StockMove

    found = set(
        Voucher.objects.filter(source_type=OPENING_SOURCE).values_list("source_id", flat=True)
    )
    found |= set(
        StockMove.objects.filter(source_type=STOCK_OPENING_SOURCE)
        .values_list("source_id", flat=True)
        .distinct()
    )
    dates = []
    for text in found:
        try:
            dates.append(dt.date.fromisoformat(text))
        except ValueError:
            continue
    return sorted(dates, reverse=True)


@dataclass
class StockTie:
    code: str
    name: str
    stock_value: Decimal
    gl_value: Decimal

    @property
    def difference(self) -> Decimal:
        return self.gl_value - self.stock_value


@dataclass
class ArapTie:
    """One AR/AP control account at the opening date: its open items against its GL balance
    (lines naming a partner; payables credit-positive)."""

    code: str
    name: str
    subledger: Decimal
    gl_value: Decimal

    @property
    def difference(self) -> Decimal:
        return self.gl_value - self.subledger


@dataclass
class TieOut:
    go_live: dt.date
    opening_date: dt.date
    voucher: Voucher | None
    debit_total: Decimal  # Σ debit balances of leaf accounts
    credit_total: Decimal  # Σ credit balances
    stock: list[StockTie]
    unmapped_stock: Decimal  # stock value no posting rule maps to an account
    arap: list[ArapTie]

    @property
    def difference(self) -> Decimal:
        return self.debit_total - self.credit_total

    @property
    def balanced(self) -> bool:
        return self.debit_total == self.credit_total

    @property
    def stock_ok(self) -> bool:
        return not self.unmapped_stock and all(not s.difference for s in self.stock)

    @property
    def arap_ok(self) -> bool:
        return all(not a.difference for a in self.arap)


def stock_value_by_group(on_date: dt.date) -> dict[tuple[str, str], Decimal]:
    """Stock value per (material category code, warehouse code) at the end of `on_date`:
    values into a location minus values out of one (a transfer counts on both sides)."""
    from erp.inventory.models import StockMove

    moves = StockMove.objects.filter(posting_date__lte=on_date)
    groups: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for side, sign in (("to_location", 1), ("from_location", -1)):
        rows = (
            moves.filter(**{f"{side}__isnull": False})
            .values("material__category__code", f"{side}__warehouse__code")
            .annotate(v=Sum("value"))
        )
        for row in rows:
            key = (row["material__category__code"] or "", row[f"{side}__warehouse__code"] or "")
            groups[key] += sign * _amt(row["v"])
    return groups


def _stock_ties(on_date, amounts) -> tuple[list[StockTie], Decimal]:
    rules = posting_rule_table()
    by_account: dict[str, Decimal] = defaultdict(Decimal)
    unmapped = ZERO
    for (category, warehouse), value in stock_value_by_group(on_date).items():
        try:
            by_account[inventory_account(rules, category, warehouse)] += value
        except NoPostingRule:
            unmapped += value
    names = dict(Account.objects.values_list("code", "name"))
    codes = sorted(set(by_account) | inventory_accounts(rules))
    ties = [
        StockTie(code, names.get(code, ""), by_account.get(code, ZERO), amounts.get(code, ZERO))
        for code in codes
    ]
    return [t for t in ties if t.stock_value or t.gl_value], unmapped


def opening_tie_out(go_live: dt.date) -> TieOut:
    opening_date = go_live - dt.timedelta(days=1)
    amounts = balances_as_of(opening_date)
    stock, unmapped = _stock_ties(opening_date, amounts)
    return TieOut(
        go_live=go_live,
        opening_date=opening_date,
        voucher=opening_voucher(go_live),
        debit_total=sum((a for a in amounts.values() if a > 0), ZERO),
        credit_total=-sum((a for a in amounts.values() if a < 0), ZERO),
        stock=stock,
        unmapped_stock=unmapped,
        arap=_arap_ties(opening_date),
    )


def _arap_ties(on_date: dt.date) -> list[ArapTie]:
    from erp.accounting.selectors_arap import control_totals

    names = dict(Account.objects.values_list("code", "name"))
    return [
        ArapTie(code, names.get(code, ""), subledger, gl)
        for code, (subledger, gl) in control_totals(on_date).items()
    ]

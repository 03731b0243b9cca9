"""Reads: chart, periods, vouchers, trial balance (from period balances), ledgers."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from erp.accounting.models import (
    Account,
    AccountPeriodBalance,
    Period,
    PostingRule,
    Voucher,
    VoucherLine,
)
from erp.accounting.states import PeriodState, VoucherState
from erp.core.money import round_amount

ZERO = Decimal("0")


def _amt(value) -> Decimal:
    """SQLite sums decimals as floats: round every aggregate back to whole fen."""
    return round_amount(value or ZERO)


def voucher_count() -> int:
    return Voucher.objects.exclude(state=VoucherState.POSTED).count()


def vouchers_for_list() -> QuerySet:
    return Voucher.objects.select_related("period", "created_by")


def voucher_with_lines(voucher_id: int) -> Voucher | None:
    voucher = (
        Voucher.objects.select_related("period", "created_by", "reviewed_by", "posted_by")
        .filter(pk=voucher_id)
        .first()
    )
    if voucher is not None:
        voucher.line_list = list(
            voucher.lines.select_related(
                "account", "customer", "supplier", "department", "employee", "material"
            )
        )
    return voucher


def leaf_accounts() -> QuerySet:
    return Account.objects.filter(is_leaf=True, active=True).order_by("code")


def periods_all() -> QuerySet:
    return Period.objects.order_by("-year", "-month")


def period_current() -> Period | None:
    """The earliest open period: the month finance is working on."""
    return Period.objects.filter(state=PeriodState.OPEN).order_by("start").first()


def posting_rule_table() -> dict[tuple[str, str, str], tuple[str, str]]:
    """PostingRule rows as the plain table the pure builders take."""
    return {
        (r.event, r.category_code, r.warehouse_code): (r.debit_account.code, r.credit_account.code)
        for r in PostingRule.objects.select_related("debit_account", "credit_account")
    }


@dataclass
class BalanceRow:
    account: Account
    opening: Decimal = ZERO  # debit positive
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    children: list = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit

    @property
    def opening_debit(self) -> Decimal:
        return self.opening if self.opening > 0 else ZERO

    @property
    def opening_credit(self) -> Decimal:
        return -self.opening if self.opening < 0 else ZERO

    @property
    def closing_debit(self) -> Decimal:
        return self.closing if self.closing > 0 else ZERO

    @property
    def closing_credit(self) -> Decimal:
        return -self.closing if self.closing < 0 else ZERO

    @property
    def is_zero(self) -> bool:
        return not (self.opening or self.debit or self.credit)


@dataclass
class TrialBalance:
    period: Period
    rows: list[BalanceRow]  # every account with figures, parents before children
    totals: BalanceRow

    @property
    def balanced(self) -> bool:
        t = self.totals
        return (
            t.opening_debit == t.opening_credit
            and t.debit == t.credit
            and t.closing_debit == t.closing_credit
        )


def _leaf_sums(period: Period) -> tuple[dict[int, Decimal], dict[int, tuple[Decimal, Decimal]]]:
    opening = {
        row["account_id"]: _amt(row["d"]) - _amt(row["c"])
        for row in AccountPeriodBalance.objects.filter(period__start__lt=period.start)
        .values("account_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    movement = {
        account_id: (debit, credit)
        for account_id, debit, credit in AccountPeriodBalance.objects.filter(
            period=period
        ).values_list("account_id", "debit", "credit")
    }
    return opening, movement


def trial_balance(period: Period, *, level: int | None = None) -> TrialBalance:
    """科目余额表 from the period balances: opening, period debit/credit, closing, rolled up
    from leaf accounts to their parents. Totals are summed over top-level accounts."""
    opening, movement = _leaf_sums(period)
    accounts = {a.pk: a for a in Account.objects.all()}
    rows: dict[int, BalanceRow] = {}
    for account_id in set(opening) | set(movement):
        debit, credit = movement.get(account_id, (ZERO, ZERO))
        account = accounts[account_id]
        while account is not None:
            row = rows.setdefault(account.pk, BalanceRow(account))
            row.opening += opening.get(account_id, ZERO)
            row.debit += debit
            row.credit += credit
            account = accounts.get(account.parent_id) if account.parent_id else None
    totals = BalanceRow(Account(code="", name=""))
    for row in rows.values():
        if row.account.parent_id is None:
            totals.opening += row.opening
            totals.debit += row.debit
            totals.credit += row.credit
    # Totals of the two sides: each top-level balance goes to its own side.
    side = {"od": ZERO, "oc": ZERO, "cd": ZERO, "cc": ZERO}
    for row in rows.values():
        if row.account.parent_id is None:
            side["od"] += row.opening_debit
            side["oc"] += row.opening_credit
            side["cd"] += row.closing_debit
            side["cc"] += row.closing_credit
    totals_row = _SideTotals(totals.account, totals.opening, totals.debit, totals.credit)
    totals_row.sides = side
    shown = sorted(
        (r for r in rows.values() if not r.is_zero and (level is None or r.account.level <= level)),
        key=lambda r: r.account.code,
    )
    return TrialBalance(period=period, rows=shown, totals=totals_row)


@dataclass
class _SideTotals(BalanceRow):
    sides: dict = field(default_factory=dict)

    @property
    def opening_debit(self) -> Decimal:
        return self.sides.get("od", ZERO)

    @property
    def opening_credit(self) -> Decimal:
        return self.sides.get("oc", ZERO)

    @property
    def closing_debit(self) -> Decimal:
        return self.sides.get("cd", ZERO)

    @property
    def closing_credit(self) -> Decimal:
        return self.sides.get("cc", ZERO)


def account_closing_balances(period: Period, accounts: QuerySet) -> dict[int, Decimal]:
    """Closing balance (debit positive) of each given leaf account at the end of `period`."""
    return {
        row["account_id"]: _amt(row["d"]) - _amt(row["c"])
        for row in AccountPeriodBalance.objects.filter(
            period__start__lte=period.start, account__in=accounts
        )
        .values("account_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }


def _descendant_ids(account: Account) -> list[int]:
    return list(
        Account.objects.filter(Q(pk=account.pk) | Q(code__startswith=account.code)).values_list(
            "pk", flat=True
        )
    )


@dataclass
class LedgerMonth:
    period: Period
    opening: Decimal
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


def general_ledger(account: Account, year: int) -> list[LedgerMonth]:
    """总账: per month of `year`, the account's (with sub-accounts) opening, debit, credit,
    closing — from period balances."""
    ids = _descendant_ids(account)
    periods = list(Period.objects.filter(year=year).order_by("month"))
    if not periods:
        return []
    before = AccountPeriodBalance.objects.filter(
        account_id__in=ids, period__start__lt=periods[0].start
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    running = _amt(before["d"]) - _amt(before["c"])
    moves = {
        row["period_id"]: (_amt(row["d"]), _amt(row["c"]))
        for row in AccountPeriodBalance.objects.filter(account_id__in=ids, period__in=periods)
        .values("period_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    months = []
    for period in periods:
        debit, credit = moves.get(period.pk, (ZERO, ZERO))
        months.append(LedgerMonth(period, running, debit, credit))
        running = months[-1].closing
    return months


@dataclass
class LedgerLine:
    line: VoucherLine
    balance: Decimal


def detail_ledger(
    account: Account, date_from: dt.date, date_to: dt.date, *, aux: dict[str, int] | None = None
) -> tuple[Decimal, list[LedgerLine]]:
    """明细账: posted lines of the account (and sub-accounts) between two dates, optionally for
    one auxiliary value, with the running balance (debit positive)."""
    ids = _descendant_ids(account)
    lines = VoucherLine.objects.filter(
        account_id__in=ids, voucher__state=VoucherState.POSTED
    ).select_related("voucher", "account")
    aux_filter = {f"{k}_id": v for k, v in (aux or {}).items() if v}
    lines = lines.filter(**aux_filter)
    if aux_filter:
        earlier = lines.filter(voucher__date__lt=date_from).aggregate(
            d=Sum("debit"), c=Sum("credit")
        )
    else:
        earlier = _opening_before(ids, lines, date_from)
    running = _amt(earlier["d"]) - _amt(earlier["c"])
    opening = running
    rows = []
    for line in lines.filter(voucher__date__gte=date_from, voucher__date__lte=date_to).order_by(
        "voucher__date", "voucher__seq", "line_no"
    ):
        running += line.debit - line.credit
        rows.append(LedgerLine(line, running))
    return opening, rows


def _opening_before(ids, lines, date_from) -> dict:
    """Whole periods before from the balances, the rest of date_from's month from the lines."""
    period = Period.objects.filter(start__lte=date_from, end__gte=date_from).first()
    if period is None:
        return lines.filter(voucher__date__lt=date_from).aggregate(d=Sum("debit"), c=Sum("credit"))
    whole = AccountPeriodBalance.objects.filter(
        account_id__in=ids, period__start__lt=period.start
    ).aggregate(d=Sum("debit"), c=Sum("credit"))
    part = lines.filter(voucher__date__gte=period.start, voucher__date__lt=date_from).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return {
        "d": _amt(whole["d"]) + _amt(part["d"]),
        "c": _amt(whole["c"]) + _amt(part["c"]),
    }


# --- detail ledger pages (keyset, issue #22) ---------------------------------------------------

DETAIL_PAGE_SIZE = 100
_DETAIL_ORDER = ("voucher__date", "voucher__seq", "voucher_id", "line_no", "id")


@dataclass(frozen=True)
class DetailKey:
    """A posted line's place in the detail ledger: (date, voucher seq, voucher id, line, id)."""

    date: dt.date
    seq: int
    voucher_id: int
    line_no: int
    id: int

    def encode(self) -> str:
        return ".".join([self.date.isoformat(), *map(str, self._ints())])

    def _ints(self) -> tuple[int, int, int, int]:
        return (self.seq, self.voucher_id, self.line_no, self.id)

    @classmethod
    def decode(cls, text: str) -> "DetailKey":
        """ValueError for anything that is not a key `encode` wrote."""
        day, *ints = text.split(".")
        if len(ints) != 4:
            raise ValueError(text)
        return cls(dt.date.fromisoformat(day), *map(int, ints))

    @classmethod
    def of(cls, line: VoucherLine) -> "DetailKey":
        v = line.voucher
        return cls(v.date, v.seq or 0, line.voucher_id, line.line_no, line.pk)

    def before_q(self) -> Q:
        """Lines strictly before this key (voucher date <= the key's date first, so the date
        index bounds the scan)."""
        fields = ["voucher__seq", "voucher_id", "line_no", "id"]
        values = self._ints()
        tail = Q(**{f"{fields[-1]}__lt": values[-1]})
        for name, value in zip(reversed(fields[:-1]), reversed(values[:-1]), strict=True):
            tail = Q(**{f"{name}__lt": value}) | (Q(**{name: value}) & tail)
        return Q(voucher__date__lte=self.date) & (
            Q(voucher__date__lt=self.date) | (Q(voucher__date=self.date) & tail)
        )

    def after_q(self) -> Q:
        """Lines strictly after this key."""
        fields = ["voucher__seq", "voucher_id", "line_no", "id"]
        values = self._ints()
        tail = Q(**{f"{fields[-1]}__gt": values[-1]})
        for name, value in zip(reversed(fields[:-1]), reversed(values[:-1]), strict=True):
            tail = Q(**{f"{name}__gt": value}) | (Q(**{name: value}) & tail)
        return Q(voucher__date__gte=self.date) & (
            Q(voucher__date__gt=self.date) | (Q(voucher__date=self.date) & tail)
        )


@dataclass
class DetailPage:
    opening: Decimal
    lines: list[LedgerLine]
    has_prev: bool = False
    has_next: bool = False

    @property
    def closing(self) -> Decimal:
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def first_key(self) -> str:
        return DetailKey.of(self.lines[0].line).encode() if self.lines else ""

    @property
    def last_key(self) -> str:
        return DetailKey.of(self.lines[-1].line).encode() if self.lines else ""


def _posted_lines(account: Account, aux: dict[str, int] | None) -> tuple[list[int], QuerySet]:
    ids = _descendant_ids(account)
    lines = VoucherLine.objects.filter(account_id__in=ids, voucher__state=VoucherState.POSTED)
    return ids, lines.filter(**{f"{k}_id": v for k, v in (aux or {}).items() if v})


def detail_ledger_page(
    account: Account,
    date_from: dt.date,
    date_to: dt.date,
    *,
    aux: dict[str, int] | None = None,
    after: DetailKey | None = None,
    before: DetailKey | None = None,
    last: bool = False,
    page_size: int = DETAIL_PAGE_SIZE,
) -> DetailPage:
    """明细账, one keyset page of `page_size` lines (the first; `after` / `before` a key; the
    `last`), with the running balance (debit positive) carried in: the balance before the
    page's first line is the period balances of whole months before it + the lines of its
    month before it (without an auxiliary filter), so a page never sums the account's history.
    With an auxiliary filter (no balance table per auxiliary value) the lines before are
    summed."""
    ids, lines = _posted_lines(account, aux)
    shown = lines.filter(voucher__date__gte=date_from, voucher__date__lte=date_to)
    backwards = before is not None or last
    if before is not None:
        shown = shown.filter(before.before_q())
    elif after is not None:
        shown = shown.filter(after.after_q())
    order = [f"-{f}" for f in _DETAIL_ORDER] if backwards else list(_DETAIL_ORDER)
    rows = list(shown.select_related("voucher", "account").order_by(*order)[: page_size + 1])
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    page = DetailPage(ZERO, [])
    page.has_prev, page.has_next = (more, before is not None) if backwards else (bool(after), more)
    if not page.has_prev or not rows:
        opening = _opening_sum(ids, lines, date_from, aux)
    else:
        first = DetailKey.of(rows[0])
        if aux:
            opening = lines.filter(first.before_q()).aggregate(d=Sum("debit"), c=Sum("credit"))
        else:
            day = _opening_before(ids, lines, first.date)
            same_day = lines.filter(Q(voucher__date=first.date) & first.before_q()).aggregate(
                d=Sum("debit"), c=Sum("credit")
            )
            opening = {k: _amt(day[k]) + _amt(same_day[k]) for k in ("d", "c")}
    running = page.opening = _amt(opening["d"]) - _amt(opening["c"])
    for line in rows:
        running += line.debit - line.credit
        page.lines.append(LedgerLine(line, running))
    return page


def _opening_sum(ids, lines, date_from, aux) -> dict:
    if aux:
        return lines.filter(voucher__date__lt=date_from).aggregate(d=Sum("debit"), c=Sum("credit"))
    return _opening_before(ids, lines, date_from)


def detail_ledger_rows(
    account: Account, date_from: dt.date, date_to: dt.date, *, aux: dict[str, int] | None = None
):
    """(opening, an iterator of LedgerLine over the whole range) for the xlsx export: lines
    read with .iterator(), never all in memory."""
    ids, lines = _posted_lines(account, aux)
    earlier = _opening_sum(ids, lines, date_from, aux)
    opening = _amt(earlier["d"]) - _amt(earlier["c"])

    def walk():
        running = opening
        shown = lines.filter(voucher__date__gte=date_from, voucher__date__lte=date_to)
        for line in (
            shown.select_related("voucher", "account")
            .order_by(*_DETAIL_ORDER)
            .iterator(chunk_size=2000)
        ):
            running += line.debit - line.credit
            yield LedgerLine(line, running)

    return opening, walk()


# --- month-end close job ---------------------------------------------------------------------

MONTH_END_STALE_AFTER = dt.timedelta(minutes=30)  # a run this old without a finish died


def month_end_status(period: Period) -> dict:
    """The last close run of the period, as the status partial and the API show it. `state`:
    none (never run), running, succeeded, failed, stalled (no finish after 30 minutes: its
    worker died; a new run may start)."""
    from django.utils import timezone

    from erp.accounting.tasks import month_end_task
    from erp.core.jobs import job_last_run

    run = job_last_run(month_end_task(period.pk))
    if run is None:
        return {"run": None, "running": False, "state": "none"}
    running = run.finished_at is None and timezone.now() - run.started_at < MONTH_END_STALE_AFTER
    step, total, label = 0, 4, run.message
    head, _sep, rest = run.message.partition(" ")
    if running and "/" in head:
        done, _slash, count = head.partition("/")
        if done.isdigit() and count.isdigit():
            step, total, label = int(done), int(count), rest
    error = run.message.split(": ", 1)[-1] if run.ok is False else ""
    state = "running" if running else {True: "succeeded", False: "failed", None: "stalled"}[run.ok]
    return {
        "run": run,
        "running": running,
        "state": state,
        "step": step,
        "total": total,
        "percent": round(100 * step / total) if total else 0,
        "label": label,
        "error": error,
    }

"""Reads tying stock to the books: stock subledger value per inventory account against the GL
(stock_equals_gl), unposted stock documents of a period, the vouchers of a source document."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from erp.accounting.builders.stock import NoPostingRule, inventory_account
from erp.accounting.models import Account, AccountPeriodBalance, Period, Voucher
from erp.accounting.selectors import account_closing_balances, posting_rule_table
from erp.core.money import round_amount

ZERO = Decimal(0)
Group = tuple[str, str]  # material category code, warehouse code


@dataclass(frozen=True)
class StockGlRow:
    account_id: int | None
    code: str
    name: str
    stock_value: Decimal
    gl_value: Decimal

    @property
    def difference(self) -> Decimal:
        return self.gl_value - self.stock_value


@dataclass(frozen=True)
class StockGl:
    rows: list[StockGlRow]
    unmapped: dict[Group, Decimal]  # stock no posting rule maps to an account

    @property
    def differences(self) -> list[StockGlRow]:
        return [r for r in self.rows if r.difference]

    @property
    def ok(self) -> bool:
        return not self.differences and not any(self.unmapped.values())


def _amt(value) -> Decimal:
    return round_amount(value or ZERO)  # SQLite sums decimals as floats


def stock_value_now() -> dict[Group, Decimal]:
    """Stock value per valuation group now, from the ledger: the value the vouchers carried.
    Balance values are derived (on hand × average) and differ from it by rounding only; the
    material valuation (Σ boundary move values) is the figure the GL ties to."""
    return _ledger_groups(None)


def stock_value_at(period: Period) -> dict[Group, Decimal]:
    """Stock value per valuation group at the end of `period`, from the ledger."""
    return _ledger_groups(period.end)


def _ledger_groups(end) -> dict[Group, Decimal]:
    from erp.inventory.models import StockMove

    moves = (
        StockMove.objects.all() if end is None else StockMove.objects.filter(posting_date__lte=end)
    )
    groups: dict[Group, Decimal] = defaultdict(Decimal)
    for side, sign in (("to_location", 1), ("from_location", -1)):
        rows = (
            moves.filter(**{f"{side}__isnull": False})
            .values("material__category__code", f"{side}__warehouse__code")
            .annotate(v=Sum("value"))
            .values_list("material__category__code", f"{side}__warehouse__code", "v")
        )
        for category, warehouse, value in rows:
            groups[(category or "", warehouse or "")] += sign * _amt(value)
    return dict(groups)


def inventory_accounts(rules) -> set[str]:
    """Every account some valuation group holds its stock on."""
    return {debit for (event, _c, _w), (debit, _cr) in rules.items() if event == "stock_receipt"}


def stock_vs_gl(period: Period | None = None) -> StockGl:
    """Stock value mapped through the posting rules against the GL balance of each inventory
    account: at the end of `period`, or now (all posted vouchers) without one."""
    rules = posting_rule_table()
    by_code: dict[str, Decimal] = defaultdict(Decimal)
    unmapped: dict[Group, Decimal] = {}
    stock = stock_value_now() if period is None else stock_value_at(period)
    for (category, warehouse), value in stock.items():
        try:
            by_code[inventory_account(rules, category, warehouse)] += value
        except NoPostingRule:
            if value:
                unmapped[(category, warehouse)] = value
    accounts = {
        a.code: a for a in Account.objects.filter(code__in=set(by_code) | inventory_accounts(rules))
    }
    gl = _gl_balances(period, list(accounts.values()))
    rows = [
        StockGlRow(
            account_id=a.pk if a else None,
            code=code,
            name=a.name if a else "",
            stock_value=by_code.get(code, ZERO),
            gl_value=gl.get(a.pk, ZERO) if a else ZERO,
        )
        for code in sorted(set(by_code) | set(accounts))
        for a in [accounts.get(code)]
    ]
    return StockGl(rows=rows, unmapped=unmapped)


def _gl_balances(period: Period | None, accounts: list[Account]) -> dict[int, Decimal]:
    ids = [a.pk for a in accounts]
    if period is not None:
        return account_closing_balances(period, Account.objects.filter(pk__in=ids))
    return {
        row["account_id"]: _amt(row["d"]) - _amt(row["c"])
        for row in AccountPeriodBalance.objects.filter(account_id__in=ids)
        .values("account_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }


@dataclass(frozen=True)
class UnpostedStock:
    kind: str  # "otherreceipt", ..., "stockcount"
    label: str
    count: int
    url: str


def stock_documents_unposted(period: Period) -> list[UnpostedStock]:
    """Stock documents dated in the period still in draft (or counting): per kind."""
    from django.urls import reverse

    from erp.inventory import models as inv

    kinds = (
        ("otherreceipt", inv.OtherReceipt, ("draft",)),
        ("otherissue", inv.OtherIssue, ("draft",)),
        ("transfer", inv.Transfer, ("draft",)),
        ("scrap", inv.Scrap, ("draft",)),
        ("stockcount", inv.StockCount, ("draft", "counting")),
    )
    found = []
    for kind, model, states in kinds:
        n = model.objects.filter(
            date__gte=period.start, date__lte=period.end, state__in=states
        ).count()
        if n:
            url = reverse(f"inventory:{kind}_list") + "?state=" + ",".join(states)
            found.append(UnpostedStock(kind, str(model._meta.verbose_name_plural), n, url))
    return found


def vouchers_of_source(source_type: str, source_id) -> list[Voucher]:
    """单据联查: the vouchers a source document posted (and their reversals), oldest first."""
    return list(
        Voucher.objects.filter(source_type=source_type, source_id=str(source_id))
        .select_related("period")
        .order_by("date", "pk")
    )


def source_url(source_type: str, source_id) -> str:
    """The page of a voucher's source document (单据联查), "" when it has none."""
    from erp.core.references import document_ref

    if not source_type:
        return ""
    return document_ref(source_type, source_id).url

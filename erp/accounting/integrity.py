"""`erp check` facts for the books: every posted voucher balances, the period balances equal
the sums of the posted lines they summarise, and the stock subledger equals the GL inventory
accounts (stock_equals_gl)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from erp.accounting.models import AccountPeriodBalance, Voucher, VoucherLine
from erp.core.integrity import integrity_check
from erp.core.money import round_amount


@integrity_check("vouchers_balanced")
def vouchers_balanced() -> list[str]:
    # Compared in Python after rounding to the fen: SQLite sums decimals as floats.
    rows = (
        Voucher.objects.filter(state="posted")
        .annotate(d=Sum("lines__debit"), c=Sum("lines__credit"))
        .values_list("number", "d", "c")
        .iterator(chunk_size=5000)
    )
    return [
        f"voucher {n}: debit {d} ≠ credit {c}"
        for n, d, c in rows
        if d is None or round_amount(d) != round_amount(c)
    ][:50]


@integrity_check("period_balances")
def period_balances() -> list[str]:
    from_lines: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for period_id, account_id, d, c in (
        VoucherLine.objects.filter(voucher__state="posted")
        .values_list("voucher__period_id", "account_id")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    ):
        from_lines[(period_id, account_id)] = [d, c]
    stored = {
        (p, a): [d, c]
        for p, a, d, c in AccountPeriodBalance.objects.values_list(
            "period_id", "account_id", "debit", "credit"
        )
    }
    problems = []
    for key in sorted(set(from_lines) | set(stored)):
        expected = from_lines.get(key, [Decimal(0), Decimal(0)])
        actual = stored.get(key, [Decimal(0), Decimal(0)])
        if [round_amount(x) for x in expected] != [round_amount(x) for x in actual]:
            problems.append(
                f"period {key[0]} account {key[1]}: balance {actual} but ledger {expected}"
            )
    return problems[:50]


@integrity_check("stock_equals_gl")
def stock_equals_gl() -> list[str]:
    """Stock value (StockBalance, mapped to inventory accounts through the posting rules)
    equals each GL inventory account's balance. Silent before the books start."""
    from erp.accounting.selectors_stock import stock_vs_gl
    from erp.accounting.services.stock_posting import books_started

    if not books_started():
        return []
    result = stock_vs_gl()
    problems = [
        f"account {r.code} {r.name}: stock {r.stock_value} but GL {r.gl_value} "
        f"(difference {r.difference})"
        for r in result.differences
    ]
    problems += [
        f"stock of category {c or '-'} in warehouse {w or '-'} worth {v} has no posting rule"
        for (c, w), v in sorted(result.unmapped.items())
    ]
    return problems[:50]


@integrity_check("arap_equals_control")
def arap_equals_control() -> list[str]:
    """AR/AP subledger (open items) = the control accounts per partner, today; and every
    open item's allocated amount = the allocations of posted receipts/payments."""
    import datetime as dt

    from erp.accounting.models import OpenItem
    from erp.accounting.selectors_arap import allocated_as_of, control_tie_out

    problems = [
        f"account {r.account_code} {r.kind} partner {r.partner_id} {r.partner}: subledger "
        f"{r.subledger} but GL {r.gl} (difference {r.difference})"
        for r in control_tie_out(dt.date.max)
        if r.difference
    ]
    for kind in ("receivable", "payable"):
        lines = allocated_as_of(kind, dt.date.max)
        for pk, allocated in OpenItem.objects.filter(kind=kind).values_list("pk", "allocated"):
            if round_amount(allocated) != lines.get(pk, Decimal(0)):
                found = lines.get(pk, Decimal(0))
                problems.append(f"open item {pk}: allocated {allocated} but allocations {found}")
    return problems[:50]

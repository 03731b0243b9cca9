"""W3 (on-hand query, median ms of 20) after 1,000,000 stock moves: the issue's "no slower
as history grows" target.

    .venv/bin/python benchmarks/inventory/w3_volume.py [--moves 1000000] [--runs 1]

Set-up is W2/W3's (benchmarks/inventory/w2_w3.py), then a history generator posts through the
ledger's own code path (stock_receive / stock_issue → moves_post) in transactions of 2,000
moves, each cycle dated one day later (history ends today):
- a receipt of 1,000 lines: 100 new lots (10 per lot material L01..L10) and 900 plain lines;
- an issue of 1,000 lines: the 100 lots of the previous cycle issued to zero (named lots, so
  their balances stay behind at 0 as in real life) and 900 plain lines of the same sizes.
So the ledger reaches --moves moves with 1 new lot per 20 moves (50,000 lots, 50,000 dead
balances), live stock stays about constant. Then `stock_ledger_differences()` must be empty
and W3 (a)/(b) are timed exactly as in w2_w3.py and checked against the reference SQL.
Last, the stock ledger of the material with the most moves: first page, page 50, last page.
"""

import argparse
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from django.db import connection
from django.utils import timezone

from benchmarks.inventory.w2_w3 import WORKDIR, fresh_copy, setup_template, w3
from erp.inventory.integrity import stock_ledger_differences
from erp.inventory.models import StockBalance, StockMove
from erp.inventory.services import (
    IssueLine,
    ReceiptLine,
    StockSource,
    stock_issue,
    stock_receive,
)
from erp.masterdata.models import Location, Material

LINES, LOTS_PER_CYCLE = 1000, 100


def cycle_lines(c: int, lots, plain, storage, prev_lots) -> tuple[list, list]:
    receipt, issue = [], []
    for i in range(LINES):
        qty = Decimal(1 + i % 10)
        if i < LOTS_PER_CYCLE:
            m = lots[i % len(lots)]
            receipt.append(
                ReceiptLine(m.pk, storage.pk, qty + 10, Decimal("5.00"), lot_number=f"H{c}-{i}")
            )
        else:
            m = plain[i % len(plain)]
            receipt.append(ReceiptLine(m.pk, storage.pk, qty, Decimal("5.00")))
            issue.append(IssueLine(m.pk, storage.pk, qty))
    issue += [
        IssueLine(mv.material_id, storage.pk, mv.quantity, lot_id=mv.lot_id) for mv in prev_lots
    ]
    return receipt, issue


def generate(total: int, user) -> dict:
    storage = Location.objects.get(code="STOCK")
    lots = list(Material.objects.filter(code__startswith="L").order_by("code"))
    plain = list(Material.objects.filter(code__startswith="P").order_by("code"))
    cycles = max(1, (total - StockMove.objects.count()) // (2 * LINES))
    today = timezone.localdate()
    prev_lots: list = []
    start = time.perf_counter()
    for c in range(cycles):
        day = today - timedelta(days=cycles - 1 - c)
        receipt, issue = cycle_lines(c, lots, plain, storage, prev_lots)
        moves = stock_receive(
            actor=user, lines=receipt, posting_date=day, source=StockSource("bench.hist_in", c)
        )
        stock_issue(
            actor=user, lines=issue, posting_date=day, source=StockSource("bench.hist_out", c)
        )
        prev_lots = [mv for mv in moves if mv.lot_id]
        if c % 50 == 49:
            done = StockMove.objects.count()
            print(f"  cycle {c + 1}/{cycles}: {done:,} moves, {time.perf_counter() - start:.0f} s")
    elapsed = time.perf_counter() - start
    moves = StockMove.objects.count()
    return {"generate_s": elapsed, "generated_per_s": (moves - 5025) / elapsed}


def ledger_pages(runs: int = 5) -> dict:
    """The stock ledger (issue #22) of the material with the most moves: first page, page 50
    (reached by following "next" 49 times) and the last page, median ms of `runs`, each the
    selector plus the source references, which is what the page does per request."""
    from django.db.models import Count

    from erp.core.references import refs_attach
    from erp.inventory import selectors_reports as sel

    top = (
        StockMove.objects.values("material_id")
        .annotate(n=Count("id"))
        .order_by("-n", "material_id")
        .first()
    )
    kw = {"material_id": top["material_id"], "flt": sel.StockFilter(), "date_from": None}
    kw["date_to"] = None

    def page(**extra):
        ledger = sel.stock_ledger(**kw, **extra)
        refs_attach([line.move for line in ledger.lines])
        return ledger

    def timed(**extra) -> float:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            page(**extra)
            times.append((time.perf_counter() - t) * 1000)
        return sorted(times)[len(times) // 2]

    ledger, key = page(), None
    pages = 1
    while pages < 50 and ledger.has_next:
        key = sel.LedgerKey.decode(ledger.last_key)
        ledger = page(after=key)
        pages += 1
    return {
        "ledger_material_moves": top["n"],
        "ledger_first_ms": timed(),
        "ledger_page_n": pages,
        "ledger_page_n_ms": timed(after=key) if key else timed(),
        "ledger_last_ms": timed(last=True),
    }


def main() -> None:
    from erp.iam.models import User

    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)  # accepted for benchmarks/run_all.py
    parser.add_argument("--smoke", action="store_true", help="2,000 moves instead")
    args = parser.parse_args()
    if args.smoke:
        args.moves = 2_000
    template = Path(connection.settings_dict["NAME"])
    setup_template()
    fresh_copy(template, 1)
    from benchmarks.inventory.w2_w3 import w2

    w2()  # the W2 database W3 is defined on, then history on top of it
    before = w3()
    gen = generate(args.moves, User.objects.get(username="bench"))
    t = time.perf_counter()
    problems = stock_ledger_differences()
    check_s = time.perf_counter() - t
    assert problems == [], problems[:5]
    after = w3()
    balances = StockBalance.objects.count()
    print(f"\nW3 after a large ledger (SQLite file, {WORKDIR})")
    print(f"{'moves':>10} | {'balances':>8} | {'W3a P01 ms':>10} | {'W3b all ms':>10}")
    print(
        f"{before['moves']:>10,} | {'':>8} | {before['one_ms']:>10.3f} | {before['all_ms']:>10.3f}"
    )
    one, every = after["one_ms"], after["all_ms"]
    print(f"{after['moves']:>10,} | {balances:>8,} | {one:>10.3f} | {every:>10.3f}")
    print(
        f"generated {after['moves'] - before['moves']:,} moves in {gen['generate_s']:.0f} s "
        f"({gen['generated_per_s']:.0f} moves/s); check stock clean in {check_s:.1f} s"
    )
    print("targets: W3a <= 1.2 ms; W3b <= 4 ms, and no slower than before")
    ledger = ledger_pages()
    print(
        f"ledger of the material with the most moves ({ledger['ledger_material_moves']:,}), "
        f"{sel_page_size()} rows a page: first page {ledger['ledger_first_ms']:.1f} ms, "
        f"page {ledger['ledger_page_n']} {ledger['ledger_page_n_ms']:.1f} ms, "
        f"last page {ledger['ledger_last_ms']:.1f} ms (target: opens in <= 300 ms)"
    )
    import json

    result = {"workload": "W3-1M", **gen, **after, "check_s": check_s, **ledger}
    print("RESULT " + json.dumps(result))


def sel_page_size() -> int:
    from erp.inventory.selectors_reports import LEDGER_PAGE_SIZE

    return LEDGER_PAGE_SIZE


if __name__ == "__main__":
    main()

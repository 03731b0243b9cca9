"""Posting-gate, trial-balance and month-end benchmark (`make bench`; the suite runs --smoke):

    ERP_DATA_DIR=/tmp/bench-acc .venv/bin/python benchmarks/accounting/bench_posting.py \
        [--vouchers 10000] [--single 2000] [--tb-lines 2000000] [--close-docs 100000]

Creates a fresh SQLite database in ERP_DATA_DIR (or uses DATABASE_URL), seeds the chart and
2026, then prints:
- single: vouchers of 4 lines posted one by one through `voucher_post`, each in its own
  transaction (a user posting);
- batch: the same drafts posted with `vouchers_post_batch`, 1,000 per transaction (workloads,
  imports). Target ≥ 500 vouchers/s for 10,000 vouchers.
- trial balance of a month after `--tb-lines` voucher lines (posted through the batch gate:
  no bulk shortcut, so every line passed the gate's checks) ≤ 2 s; `erp check` then verifies
  vouchers balanced and period balances = lines.
- month-end close of a period holding `--close-docs` vouchers (checklist, P&L carry-forward,
  close) ≤ 60 s.
"""

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# Never the developer's own database: a fresh temporary directory unless one is given.
os.environ.setdefault("ERP_DATA_DIR", tempfile.mkdtemp(prefix="erp-bench-accounting-"))

# Cash and bank against revenue and capital; no inventory account, so stock = GL holds.
CODES = ["1001", "1002", "", "", "6403", "6401", "6001", "4001"]
BATCH = 1000


def _drafts(count: int, *, month: int | None = None, start: int = 0) -> list:
    from erp.accounting.builders.drafts import DraftLine, VoucherDraft

    drafts = []
    for i in range(start, start + count):
        a = Decimal(100 + i % 997) + Decimal(i % 100) / 100
        b = Decimal(7 + i % 13)
        drafts.append(
            VoucherDraft(
                date=dt.date(2026, month or 1 + i % 12, 1 + i % 28),
                lines=(
                    DraftLine("bench", CODES[i % 2], debit=a),
                    DraftLine("bench", CODES[4 + i % 2], debit=b),
                    DraftLine("bench", CODES[6], credit=a),
                    DraftLine("bench", CODES[7], credit=b),
                ),
            )
        )
    return drafts


def _post_batches(actor, drafts) -> float:
    from erp.accounting.services.gate import vouchers_post_batch

    start = time.perf_counter()
    for i in range(0, len(drafts), BATCH):
        vouchers_post_batch(actor=actor, drafts=drafts[i : i + BATCH])
    return time.perf_counter() - start


def _setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    from erp.accounting.models import Account
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.periods import periods_create_year
    from erp.iam.models import User

    actor, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    if not Account.objects.exists():
        chart_seed(actor=actor)
    periods_create_year(actor=actor, year=2026)
    return actor


def bench_posting(actor, single: int, count: int) -> None:
    from erp.accounting.services.gate import voucher_post

    drafts = _drafts(single)
    start = time.perf_counter()
    for draft in drafts:
        voucher_post(actor=actor, draft=draft)
    elapsed = time.perf_counter() - start
    print(
        f"single: {single} vouchers × 4 lines, one transaction each: {elapsed:.2f} s, "
        f"{single / elapsed:.0f} vouchers/s"
    )
    elapsed = _post_batches(actor, _drafts(count, start=single))
    print(
        f"batch:  {count} vouchers × 4 lines, {BATCH} per transaction: {elapsed:.2f} s, "
        f"{count / elapsed:.0f} vouchers/s (target ≥ 500)"
    )


def bench_trial_balance(actor, lines: int) -> None:
    from erp.accounting.models import Period, VoucherLine
    from erp.accounting.selectors import trial_balance
    from erp.core.integrity import integrity_checks

    missing = max(0, lines - VoucherLine.objects.count())
    chunk = 50_000
    made = 0
    start = time.perf_counter()
    while made < missing // 4:
        n = min(chunk, missing // 4 - made)
        _post_batches(actor, _drafts(n, start=10**6 + made))
        made += n
    print(
        f"volume: {made} vouchers ({made * 4} lines) through the batch gate in "
        f"{time.perf_counter() - start:.0f} s; total lines {VoucherLine.objects.count()}"
    )
    period = Period.objects.get(year=2026, month=12)
    start = time.perf_counter()
    tb = trial_balance(period)
    print(
        f"trial balance 2026-12 over {VoucherLine.objects.count()} lines: "
        f"{time.perf_counter() - start:.3f} s, {len(tb.rows)} rows, balanced={tb.balanced} "
        "(target ≤ 2 s)"
    )
    checks = integrity_checks()
    for name in ("vouchers_balanced", "period_balances"):
        start = time.perf_counter()
        problems = checks[name]()
        print(f"erp check {name}: {len(problems)} problems, {time.perf_counter() - start:.1f} s")


def bench_close(actor, docs: int) -> None:
    from erp.accounting.models import Period, Voucher
    from erp.accounting.services.closing import period_checklist, pl_carry_forward
    from erp.accounting.services.periods import period_close

    period = Period.objects.get(year=2026, month=1)
    have = Voucher.objects.filter(period=period).count()
    if have < docs:
        _post_batches(actor, _drafts(docs - have, month=1, start=5 * 10**6))
    n = Voucher.objects.filter(period=period).count()
    start = time.perf_counter()
    checks = period_checklist(period)
    t_check = time.perf_counter() - start
    pl_carry_forward(actor=actor, period_id=period.pk)
    period_close(actor=actor, period_id=period.pk)
    total = time.perf_counter() - start
    print(
        f"month-end close of 2026-01 with {n} vouchers: checklist {t_check:.2f} s "
        f"({sum(c.ok for c in checks)}/{len(checks)} green before carry-forward), "
        f"carry-forward + close {total - t_check:.2f} s, total {total:.2f} s (target ≤ 60 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vouchers", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=2_000)
    parser.add_argument("--tb-lines", type=int, default=0)
    parser.add_argument("--close-docs", type=int, default=0)
    parser.add_argument("--runs", type=int, default=1, help="accepted for run_all.py; one run")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes")
    args = parser.parse_args()
    if args.smoke:
        args.vouchers, args.single = 50, 20
    data = os.environ.get("ERP_DATA_DIR")
    if data and not os.environ.get("DATABASE_URL"):
        shutil.rmtree(data, ignore_errors=True)
        Path(data).mkdir(parents=True)
    actor = _setup()
    bench_posting(actor, args.single, args.vouchers)
    if args.close_docs:
        bench_close(actor, args.close_docs)
    if args.tb_lines:
        bench_trial_balance(actor, args.tb_lines)


if __name__ == "__main__":
    main()

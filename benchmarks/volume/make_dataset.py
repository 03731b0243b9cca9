"""The volume dataset (issue #22): the demo company plus a long stock history, built once
through the services and cached, so page benchmarks (page_budget.py) and people who want to
try the product at scale start from the same database.

    .venv/bin/python benchmarks/volume/make_dataset.py [--moves 300000] [--smoke]

The history is posted through the ledger's own path (stock_receive / stock_issue → moves_post,
the accounting listener booking a voucher for every posting), so `erp check` holds on it:
cycles of a 1,000-line receipt (100 new lots) and the matching issue, dated day by day in the
demo's open months (the demo closed January–October; a closed month takes no posting). Then
`erp check` stock, stock = GL, balanced vouchers and snapshots must be clean. The file is cached at
var/bench/volume-<moves>.sqlite3 and rebuilt only when missing (`--rebuild` forces it).

What it does not have yet (the issue's full dataset): 3 years of history (the demo company
went live in 2026), 20,000 materials, 2,000 customers, and the documents of the modules that
have not landed; each is added here as its module lands.
"""

import argparse
import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "var" / "bench"
LINES, LOTS_PER_CYCLE = 1000, 100


def _schema_key() -> str:
    """Names of every migration: a dataset cached before an app added a table is rebuilt
    rather than read by code that expects the table."""
    names = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("erp/*/migrations/0*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:10]


def cache_path(moves: int) -> Path:
    return CACHE / f"volume-{moves}-{_schema_key()}.sqlite3"


def _django_on(data_dir: Path) -> None:
    """Django on the SQLite file `data_dir`/erp.sqlite3 (the settings' own path and options)."""
    os.environ["ERP_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _history_materials():
    from erp.masterdata.models import Location, Material

    materials = list(
        Material.objects.filter(active=True, qc_required=False)
        .exclude(base_unit__isnull=True)
        .order_by("code")
    )
    lots = [m for m in materials if m.batch_managed][:10]
    plain = [m for m in materials if not m.batch_managed][:20] or lots[10:30]
    storage = Location.objects.filter(type="storage", warehouse__active=True).order_by("pk")[0]
    return lots, plain, storage


def _cycle(c: int, lots, plain, storage, prev_lots):
    from erp.inventory.services import IssueLine, ReceiptLine

    receipt, issue = [], []
    for i in range(LINES):
        qty = Decimal(1 + i % 10)
        if i < LOTS_PER_CYCLE or not plain:
            m = lots[i % len(lots)]
            receipt.append(
                ReceiptLine(m.pk, storage.pk, qty + 10, Decimal("5.00"), lot_number=f"V{c}-{i}")
            )
        else:
            m = plain[i % len(plain)]
            receipt.append(ReceiptLine(m.pk, storage.pk, qty, Decimal("5.00")))
            issue.append(IssueLine(m.pk, storage.pk, qty))
    issue += [
        IssueLine(mv.material_id, storage.pk, mv.quantity, lot_id=mv.lot_id) for mv in prev_lots
    ]
    return receipt, issue


def _open_days(cycles: int) -> list[date]:
    """`cycles` posting dates spread over the open periods up to today (oldest first)."""
    from django.utils import timezone

    from erp.accounting.models import Period

    today = timezone.localdate()
    first = (
        Period.objects.filter(state="open", end__gte=date(today.year, 1, 1))
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    ) or today
    span = max(1, (today - first).days + 1)
    return [first + timedelta(days=c * span // cycles) for c in range(cycles)]


def history_post(moves: int) -> dict:
    from erp.iam.models import User
    from erp.inventory.models import StockMove
    from erp.inventory.services import StockSource, stock_issue, stock_receive

    keeper = User.objects.get(username="warehouse")
    lots, plain, storage = _history_materials()
    cycles = max(1, (moves - StockMove.objects.count()) // (2 * LINES))
    prev_lots: list = []
    start = time.perf_counter()
    for c, day in enumerate(_open_days(cycles)):
        receipt, issue = _cycle(c, lots, plain, storage, prev_lots)
        received = stock_receive(
            actor=keeper, lines=receipt, posting_date=day, source=StockSource("bench.hist_in", c)
        )
        stock_issue(
            actor=keeper, lines=issue, posting_date=day, source=StockSource("bench.hist_out", c)
        )
        prev_lots = [mv for mv in received if mv.lot_id]
        if c % 50 == 49:
            print(f"  cycle {c + 1}/{cycles}: {time.perf_counter() - start:.0f} s", flush=True)
    return {"history_s": time.perf_counter() - start, "moves": StockMove.objects.count()}


def build(moves: int) -> dict:
    """Build the dataset in a scratch folder (Django set up on it) and copy it to the cache."""
    from django.core.management import call_command

    from erp.core.demo import demo_load
    from erp.core.integrity import integrity_run

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo_load()
    demo_s = time.perf_counter() - t
    figures = {"demo_s": demo_s, **history_post(moves)}
    t = time.perf_counter()
    checks = ["stock", "stock_equals_gl", "vouchers_balanced", "stock_snapshots"]
    problems = {r.name: r.problems[:5] for r in integrity_run(checks) if not r.ok}
    figures["check_s"] = time.perf_counter() - t
    assert not problems, problems
    return figures


def _copy_out(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    partial.replace(target)


def dataset_ready(moves: int) -> Path:
    """The cached dataset of `moves` moves (built in a subprocess when missing)."""
    path = cache_path(moves)
    if not path.exists():
        import subprocess

        subprocess.run([sys.executable, __file__, "--moves", str(moves)], check=True, cwd=ROOT)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moves", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=1)  # accepted for benchmarks/run_all.py
    parser.add_argument("--smoke", action="store_true", help="2,000 moves")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    moves = 2_000 if args.smoke else args.moves
    target = cache_path(moves)
    if target.exists() and not args.rebuild:
        print(f"cached: {target}")
        return
    scratch = Path(tempfile.mkdtemp(prefix="erp-volume-"))
    try:
        _django_on(scratch)
        figures = build(moves)
        _copy_out(scratch / "erp.sqlite3", target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"volume dataset {target}: demo {figures['demo_s']:.0f} s, "
        f"{figures['moves']:,} stock moves (history {figures['history_s']:.0f} s), "
        f"erp check stock clean in {figures['check_s']:.1f} s"
    )


if __name__ == "__main__":
    main()

"""W2 (stock posting, moves/s) and W3 (on-hand query, median ms) of
../shared/benchmarks/WORKLOADS.md, through the inventory services on a fresh SQLite file.

    .venv/bin/python benchmarks/inventory/w2_w3.py [--runs 2]

Set-up (untimed) builds one template database; every run starts from a copy of it
(sqlite3 backup API). W3 runs on the database W2 left (W1 belongs to sales and is not part of
this run: the database holds the 25 opening moves + 5,000 W2 moves). Prints a table; a run
whose checks fail raises instead of printing a figure.
"""

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="erp-bench-inventory-"))
os.environ.setdefault("ERP_DATA_DIR", str(WORKDIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from erp.inventory.models import Lot, StockMove  # noqa: E402
from erp.inventory.selectors import on_hand_by_material  # noqa: E402
from erp.inventory.services import ReceiptLine, StockSource, stock_receive  # noqa: E402
from erp.inventory.states import MoveType  # noqa: E402
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse  # noqa: E402

N_W2, BATCH_W2, REPS_W3 = 5000, 100, 20
if "--smoke" in sys.argv:  # benchmarks/run_all.py --smoke: tiny sizes, proves the script runs
    N_W2, BATCH_W2, REPS_W3 = 200, 100, 2


def setup_template() -> None:
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import User
    from erp.iam.services.roles import roles_sync

    call_command("migrate", verbosity=0)
    roles = {r.code: r for r in roles_sync()}
    numbering_rules_ensure_defaults()
    user = User.objects.create_user(username="bench", password="x")
    user.groups.set([roles["warehouse"].group])
    unit = Unit.objects.create(code="pcs", name="个", kind=Unit.Kind.COUNT)
    cat = MaterialCategory.objects.create(code="GOODS", name="商品")
    wh = Warehouse.objects.create(code="WH", name="仓库")
    for code, type_ in [
        ("IN", "receiving"),
        ("OUT", "shipping"),
        ("STOCK", "storage"),
        ("PROD", "production"),
    ]:
        Location.objects.create(warehouse=wh, code=code, name=code, type=type_)

    def material(code, cost, batch):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type="finished",
            procurement="buy",
            base_unit=unit,
            batch_managed=batch,
            standard_cost=cost,
        )

    plain = [material(f"P{i:02d}", 5 + i, False) for i in range(1, 21)]
    [material(f"L{i:02d}", 5 + i, True) for i in range(1, 11)]
    comps = [material(f"C{i}", 1, False) for i in range(1, 6)]
    storage = Location.objects.get(code="STOCK")
    stock_receive(
        actor=user,
        lines=[
            ReceiptLine(m.pk, storage.pk, Decimal(1_000_000), m.standard_cost)
            for m in plain + comps
        ],
        posting_date=timezone.localdate(),
        source=StockSource("bench.opening", 1),
        move_type=MoveType.OPENING,
    )


def fresh_copy(template: Path, run: int) -> Path:
    connection.close()
    target = WORKDIR / f"run{run}.sqlite3"
    with sqlite3.connect(template) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    connection.settings_dict["NAME"] = target
    return target


def w2() -> dict:
    from erp.iam.models import User

    user = User.objects.get(username="bench")
    storage = Location.objects.get(code="STOCK")
    lots = {m.code: m for m in Material.objects.filter(code__startswith="L")}
    plain = {m.code: m for m in Material.objects.filter(code__startswith="P")}
    before = on_hand_by_material(location=storage)
    expected: dict[int, Decimal] = {}
    batches = []
    for b in range(N_W2 // BATCH_W2):
        lines = []
        for i in range(b * BATCH_W2, (b + 1) * BATCH_W2):
            qty = Decimal(1 + i % 10)
            if i % 2 == 0:
                m = lots[f"L{(i // 2) % 10 + 1:02d}"]
                line = ReceiptLine(m.pk, storage.pk, qty, Decimal("5.00"), lot_number=f"W2-{i}")
            else:
                m = plain[f"P{(i // 2) % 20 + 1:02d}"]
                line = ReceiptLine(m.pk, storage.pk, qty, Decimal("5.00"))
            expected[m.pk] = expected.get(m.pk, Decimal(0)) + qty
            lines.append(line)
        batches.append(lines)
    today = timezone.localdate()
    start = time.perf_counter()
    for b, lines in enumerate(batches):
        stock_receive(
            actor=user, lines=lines, posting_date=today, source=StockSource("bench.w2", b)
        )
    elapsed = time.perf_counter() - start
    # checks
    moves = StockMove.objects.filter(source_type="bench.w2")
    assert moves.count() == N_W2, moves.count()
    assert moves.filter(lot__isnull=False).count() == N_W2 // 2
    assert Lot.objects.filter(number__startswith="W2-").count() == N_W2 // 2
    after = on_hand_by_material(location=storage)
    for pk, qty in expected.items():
        assert after.get(pk, 0) - before.get(pk, 0) == qty, (pk, qty)
    from erp.inventory.integrity import stock_ledger_differences

    assert stock_ledger_differences() == []
    return {"seconds": elapsed, "moves_per_s": N_W2 / elapsed, "ms_per_move": elapsed * 1000 / N_W2}


def reference_on_hand(location_id: int) -> dict[int, Decimal]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT material_id, SUM(CASE WHEN to_location_id = %s THEN quantity ELSE 0 END)"
            " - SUM(CASE WHEN from_location_id = %s THEN quantity ELSE 0 END)"
            " FROM inventory_stockmove WHERE (to_location_id = %s OR from_location_id = %s)"
            " AND posting_date <= %s GROUP BY material_id",
            [location_id] * 4 + [timezone.localdate()],
        )
        return {m: Decimal(str(q)) for m, q in cur.fetchall() if q}


def w3() -> dict:
    storage = Location.objects.get(code="STOCK")
    p01 = Material.objects.get(code="P01")
    ref = reference_on_hand(storage.pk)
    one, every = [], []
    with transaction.atomic():
        for _ in range(REPS_W3):
            t = time.perf_counter()
            a = on_hand_by_material(location=storage, material=p01)
            one.append((time.perf_counter() - t) * 1000)
        for _ in range(REPS_W3):
            t = time.perf_counter()
            b = on_hand_by_material(location=storage)
            every.append((time.perf_counter() - t) * 1000)
    assert a == {p01.pk: ref[p01.pk]}, (a, ref[p01.pk])
    assert b == ref, "all-products on-hand differs from the reference SQL"
    return {
        "one_ms": statistics.median(one),
        "all_ms": statistics.median(every),
        "moves": StockMove.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (read at import)")
    args = parser.parse_args()
    template = Path(connection.settings_dict["NAME"])
    setup_template()
    rows = []
    for run in range(1, args.runs + 1):
        fresh_copy(template, run)
        r2 = w2()
        r3 = w3()
        rows.append((run, r2, r3))
    print(f"\nInventory benchmarks (SQLite file, {WORKDIR})")
    print(
        f"{'run':>3} | {'W2 moves/s':>10} | {'W2 ms/move':>10} | {'W3a P01 ms':>10} | "
        f"{'W3b all ms':>10} | moves in DB"
    )
    for run, r2, r3 in rows:
        print(
            f"{run:>3} | {r2['moves_per_s']:>10.0f} | {r2['ms_per_move']:>10.3f} | "
            f"{r3['one_ms']:>10.3f} | {r3['all_ms']:>10.3f} | {r3['moves']}"
        )
    print("targets: W2 >= 1600 moves/s; W3a <= 1.2 ms; W3b <= 4 ms")
    import json

    for run, r2, r3 in rows:
        # One machine-readable line per run for benchmarks/run_all.py.
        print("RESULT " + json.dumps({"workload": "W2+W3", "run": run, **r2, **r3}))


if __name__ == "__main__":
    main()

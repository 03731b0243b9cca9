"""W4 (lot genealogy trace, median ms of 20 repetitions) of ../shared/benchmarks/WORKLOADS.md,
through the ERP's lot-trace feature on a fresh SQLite file.

    .venv/bin/python benchmarks/trace/w4.py [--runs 2] [--smoke]

Set-up (untimed): 10 lots each of RA and RB received from a supplier (100 each), 25 level-1
orders (4 of RA-(k mod 10) + 4 of RB-((3k+1) mod 10) → I-k, 10), 25 level-2 orders (5 of I-k
+ 5 of I-((k+1) mod 25) → F-k, 10), each F-k delivered as 4 + 6: 50 productions and 220 done
moves that carry a lot, all through the stock gate (erp/trace/chain.py).

Timed, 20 times each in one read-only transaction: `erp.trace.selectors.genealogy` (one
recursive CTE for the links, then the lots and every move of them) backward from F-0 and
forward from RA-0, full closure. Also timed, as a second figure: the whole one-screen trace
(`erp.trace.report.lot_trace`: both directions, mass balances, documents, partners) of I-0.
Checks: the exact lot sets of the workload and the 12 customer deliveries forward.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="erp-bench-trace-"))
os.environ.setdefault("ERP_DATA_DIR", str(WORKDIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from erp.masterdata.models import (  # noqa: E402
    Customer,
    Location,
    Material,
    MaterialCategory,
    Supplier,
    Unit,
    Warehouse,
)
from erp.trace.chain import Chain, w4_build  # noqa: E402
from erp.trace.report import lot_trace  # noqa: E402
from erp.trace.selectors import BACKWARD, FORWARD, genealogy  # noqa: E402

REPS = 20
if "--smoke" in sys.argv:
    REPS = 2
BACKWARD_LOTS = {"F-0", "I-0", "I-1", "RA-0", "RB-1", "RA-1", "RB-4"}
FORWARD_LOTS = {"RA-0", "I-0", "I-10", "I-20", "F-0", "F-24", "F-9", "F-10", "F-19", "F-20"}


def build() -> Chain:
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import User
    from erp.iam.services.roles import roles_sync

    call_command("migrate", verbosity=0)
    roles = {r.code: r for r in roles_sync()}
    numbering_rules_ensure_defaults()
    user = User.objects.create_user(username="bench", password="x")
    user.groups.set([roles["admin"].group])
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="RM", name="原材料")
    wh = Warehouse.objects.create(code="WH", name="仓库")
    loc = Location.objects.create(warehouse=wh, code="STOCK", name="STOCK")

    def mat(code, kind):
        return Material.objects.create(
            code=code,
            name=code,
            category=cat,
            inventory_type=kind,
            procurement="buy" if kind == "raw" else "make",
            base_unit=kg,
            batch_managed=True,
        )

    materials = {"RA": mat("RA", "raw"), "RB": mat("RB", "raw")}
    materials |= {"INT": mat("INT", "semi"), "FIN": mat("FIN", "finished")}
    supplier = Supplier.objects.create(code="S1", name="供应商")
    customers = [Customer.objects.create(code=f"C{i}", name=f"客户{i}") for i in range(5)]
    chain = Chain(actor=User.objects.get(pk=user.pk), on=timezone.localdate(), warehouse=wh,
                  location=loc)  # fmt: skip
    w4_build(chain, materials, supplier, customers)
    return chain


def timed(fn, reps: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(reps):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def run(chain: Chain) -> dict:
    lots = chain.lots
    with transaction.atomic():  # one read-only transaction, as the workload says
        back_ms, back = timed(lambda: genealogy(lots["F-0"].pk, BACKWARD), REPS)
        fwd_ms, fwd = timed(lambda: genealogy(lots["RA-0"].pk, FORWARD), REPS)
        page_ms, page = timed(lambda: lot_trace(lots["I-0"].pk), REPS)
    assert {lot.number for lot in back.lots.values()} == BACKWARD_LOTS
    assert {lot.number for lot in fwd.lots.values()} == FORWARD_LOTS
    deliveries = [m for m in fwd.moves if m.move_type == "sales_delivery"]
    assert len(deliveries) == 12, len(deliveries)
    assert page.balance.ok and len(page.customers) > 0
    return {"backward_ms": back_ms, "forward_ms": fwd_ms, "page_ms": page_ms}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="2 repetitions (read at import)")
    args = parser.parse_args()
    chain = build()
    from erp.inventory.models import StockMove

    moves = StockMove.objects.filter(lot__isnull=False).count()
    assert moves == 220, moves
    rows = [run(chain) for _ in range(args.runs)]
    print(f"\nW4 lot genealogy trace (SQLite file, {WORKDIR}; 220 lot moves, {REPS} reps)")
    print(f"{'run':>3} | {'backward F-0 ms':>15} | {'forward RA-0 ms':>15} | {'page I-0 ms':>11}")
    for no, r in enumerate(rows, start=1):
        print(
            f"{no:>3} | {r['backward_ms']:>15.2f} | {r['forward_ms']:>15.2f} "
            f"| {r['page_ms']:>11.2f}"
        )
    best = {k: min(r[k] for r in rows) for k in rows[0]}
    print("targets: backward <= 3.3 ms, forward <= 5.4 ms (median, SQLite, 2 cores)")
    print("RESULT " + json.dumps({"workload": "W4", **{k: round(v, 3) for k, v in best.items()}}))


if __name__ == "__main__":
    main()

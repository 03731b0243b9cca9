"""MRP over a generated plant (issue #19, Speed): 10,000 materials with 3-level formulas,
20,000 open sales order lines, 50,000 lots in every quality status; a full run, then a re-run
after one changed order. Target: full run ≤ 60 s, re-run ≤ 10 s (SQLite, 2 cores).

    .venv/bin/python benchmarks/mrp/mrp_run.py [--runs 2] [--smoke]

Set-up (untimed) writes the facts MRP reads with bulk inserts, in a fresh SQLite file:
- 2,000 finished products (make; vessel multiple 500, minimum 1,000), each 30 % of two
  semi-finished + 20 % of two raw materials; 2,000 semi-finished (make), each 40/30/30 % of
  three raw materials; 6,000 raw materials (buy, lead time 7–20 days, pack multiple 25);
- 5,000 approved sales orders of 4 lines each on the finished products, due in 1–90 days,
  one line in ten asking 180 days of remaining shelf life;
- 50,000 lots on all materials: 70 % released, 10 % quarantine, 5 % rejected, 5 % blocked,
  10 % released but expiring within 30 days.
Timed: `mrp_run_start` + `mrp_run_execute` (reads, plans, writes every planned order, peg,
entry and exception) as the job runs it: a full run; a net-change re-run on unchanged facts;
then one sales order line changes quantity and it is re-run as net change (what the workbench
does by default) and, for comparison, in full. Prints seconds (and per step, from the job's
progress reports), planned orders, pegs, materials recomputed, and whether the runs on the
same facts gave the same fingerprint. Exits non-zero when they differ.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
WORKDIR = Path(tempfile.mkdtemp(prefix="erp-bench-mrp-"))
os.environ.setdefault("ERP_DATA_DIR", str(WORKDIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

D = Decimal
BATCH = 5000


def setup(sizes: dict):
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import User
    from erp.iam.services.roles import roles_sync

    call_command("migrate", verbosity=0)
    roles = {r.code: r for r in roles_sync()}
    numbering_rules_ensure_defaults()
    user = User.objects.create_user(username="bench-planner", password="x")
    user.groups.set([roles["planner"].group])
    user = User.objects.get(pk=user.pk)
    _plant(sizes, user)
    return user


def _plant(sizes: dict, user) -> None:
    from erp.inventory.models import Lot, StockBalance
    from erp.masterdata.models import (
        Customer,
        Location,
        Material,
        MaterialCategory,
        Unit,
        Warehouse,
    )
    from erp.mrp.models import PlanningParameter
    from erp.production.models import Formula, FormulaLine
    from erp.sales.models import SalesOrder, SalesOrderLine

    today = timezone.localdate()
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    cat = MaterialCategory.objects.create(code="B", name="基准")
    wh = Warehouse.objects.create(code="WH", name="仓库")
    loc = Location.objects.create(warehouse=wh, code="S", name="S")
    n_fg, n_semi, n_raw = sizes["fg"], sizes["semi"], sizes["raw"]

    def materials(prefix, n, kind, procurement, lead):
        Material.objects.bulk_create(
            [
                Material(
                    code=f"{prefix}{i:05d}", name=f"{prefix}{i}", category=cat,
                    inventory_type=kind, procurement=procurement, base_unit=kg,
                    lead_time_days=lead(i), default_warehouse=wh, default_location=loc,
                )
                for i in range(n)
            ],
            batch_size=BATCH,
        )  # fmt: skip
        return list(Material.objects.filter(code__startswith=prefix).order_by("code"))

    fg = materials("F", n_fg, "finished", "make", lambda i: 2 + i % 3)
    semi = materials("S", n_semi, "semi", "make", lambda i: 1 + i % 2)
    raw = materials("R", n_raw, "raw", "buy", lambda i: 7 + i % 14)
    PlanningParameter.objects.bulk_create(
        [PlanningParameter(material=m, min_lot=D(1000), lot_multiple=D(500)) for m in fg]
        + [PlanningParameter(material=m, lot_multiple=D(25), qc_release_days=1) for m in raw],
        batch_size=BATCH,
    )
    start = today - timedelta(days=30)
    Formula.objects.bulk_create(
        [
            Formula(product=m, number=f"PF{m.code}", state="released", date=start,
                    batch_size=D(1000), created_by=user)
            for m in fg + semi
        ],
        batch_size=BATCH,
    )  # fmt: skip
    formulas = dict(Formula.objects.values_list("product_id", "pk"))
    lines = []
    for i, m in enumerate(fg):
        parts = [
            (semi[(2 * i) % n_semi], 30), (semi[(2 * i + 1) % n_semi], 30),
            (raw[(3 * i) % n_raw], 20), (raw[(3 * i + 1) % n_raw], 20),
        ]  # fmt: skip
        lines += [
            FormulaLine(document_id=formulas[m.pk], line_no=n, material=c, percentage=D(p))
            for n, (c, p) in enumerate(parts, 1)
        ]
    for i, m in enumerate(semi):
        parts = [(raw[(3 * i + k) % n_raw], p) for k, p in enumerate((40, 30, 30))]
        lines += [
            FormulaLine(document_id=formulas[m.pk], line_no=n, material=c, percentage=D(p))
            for n, (c, p) in enumerate(parts, 1)
        ]
    FormulaLine.objects.bulk_create(lines, batch_size=BATCH)
    customer = Customer.objects.create(code="C1", name="客户")
    n_orders = sizes["demand"] // 4
    SalesOrder.objects.bulk_create(
        [
            SalesOrder(number=f"SO{i:06d}", state="approved", date=today, customer=customer,
                       created_by=user)
            for i in range(n_orders)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    orders = list(SalesOrder.objects.order_by("pk").values_list("pk", flat=True))
    SalesOrderLine.objects.bulk_create(
        [
            SalesOrderLine(
                document_id=orders[j // 4], line_no=j % 4 + 1, material=fg[(j * 7) % n_fg],
                quantity=D(50 + (j * 37) % 900), unit_price=D(10), vat_rate="13",
                requested_date=today + timedelta(days=1 + (j * 13) % 90),
                min_remaining_days=180 if j % 10 == 0 else None,
            )
            for j in range(n_orders * 4)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    everything = fg + semi + raw
    statuses = ["released"] * 7 + ["quarantine", "rejected", "blocked"]
    lots = []
    for k in range(sizes["lots"]):
        status = statuses[k % 10]
        days = 15 if (k % 20 == 3) else 200 + k % 400  # one in 20 expires within a month
        lots.append(
            Lot(material=everything[(k * 11) % len(everything)], number=f"L{k:06d}",
                status=status, expiry_date=today + timedelta(days=days))
        )  # fmt: skip
    Lot.objects.bulk_create(lots, batch_size=BATCH)
    StockBalance.objects.bulk_create(
        [
            StockBalance(material_id=m, location=loc, lot_id=pk, on_hand=D(20 + pk % 300))
            for pk, m in Lot.objects.values_list("pk", "material_id")
        ],
        batch_size=BATCH,
    )


def timed_run(user, mode: str) -> tuple[float, object]:
    from erp.mrp.services.runs import mrp_run_execute, mrp_run_start

    steps: list[tuple[float, str]] = []
    start = time.perf_counter()
    run = mrp_run_execute(
        run_id=mrp_run_start(actor=user, mode=mode, enqueue=False).pk,
        progress=lambda _pct, step: steps.append((time.perf_counter(), step)),
    )
    end = time.perf_counter()
    marks = [start] + [t for t, _ in steps] + [end]
    names = ["start"] + [name[:40] for _, name in steps]
    spans = zip(names, marks, marks[1:], strict=False)  # names is one shorter than marks
    print(f"  {mode}: " + "; ".join(f"{n} {b - a:.1f}s" for n, a, b in spans))
    return end - start, run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    sizes = (
        {"fg": 20, "semi": 20, "raw": 60, "demand": 200, "lots": 500}
        if args.smoke
        else {"fg": 2000, "semi": 2000, "raw": 6000, "demand": 20000, "lots": 50000}
    )
    t0 = time.perf_counter()
    user = setup(sizes)
    print(f"MRP benchmark (SQLite, {WORKDIR}); set-up {time.perf_counter() - t0:.1f} s; {sizes}")
    from erp.mrp.models import Pegging
    from erp.sales.models import SalesOrderLine

    ok = True
    for n in range(1, args.runs + 1):
        full, run = timed_run(user, "full")
        again_s, again = timed_run(user, "net_change")
        same = again.digest == run.digest
        line = SalesOrderLine.objects.order_by("pk")[n]
        SalesOrderLine.objects.filter(pk=line.pk).update(quantity=line.quantity + 100)
        changed_s, changed = timed_run(user, "net_change")
        changed_full_s, changed_full = timed_run(user, "full")
        net_equals_full = changed.digest == changed_full.digest
        ok &= same and net_equals_full and run.state == "done" and changed.mode == "net_change"
        pegs = Pegging.objects.filter(planned_order__run=run).count()
        print(
            f"{n}: full {full:.1f} s; unchanged net-change re-run {again_s:.1f} s "
            f"({again.recomputed_count} recomputed); after one changed order: net change "
            f"{changed_s:.1f} s ({changed.recomputed_count} materials recomputed), full "
            f"{changed_full_s:.1f} s; planned {run.planned_count}, pegs {pegs}; same {same}, "
            f"net = full {net_equals_full}"
        )
        result = {
            "run": n, "full_s": round(full, 2), "unchanged_rerun_s": round(again_s, 2),
            "changed_rerun_net_s": round(changed_s, 2),
            "changed_rerun_full_s": round(changed_full_s, 2),
            "recomputed": changed.recomputed_count, "planned": run.planned_count,
            "pegs": pegs, "exceptions": run.exception_count, "identical": same,
            "net_equals_full": net_equals_full,
            "changed_digest_differs": changed.digest != run.digest, **sizes,
        }  # fmt: skip
        print("RESULT " + json.dumps(result))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

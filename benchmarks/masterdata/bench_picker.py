"""Picker search with 50,000 materials: median and p95 of a typed search (target < 100 ms).

Run: .venv/bin/python benchmarks/masterdata/bench_picker.py
(uses a throw-away SQLite file under /tmp; set DATABASE_URL for PostgreSQL)."""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("ERP_DATA_DIR", tempfile.mkdtemp(prefix="bench-picker-"))

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402

from erp.masterdata.models import Material, MaterialCategory, Unit  # noqa: E402
from erp.masterdata.selectors_pickers import picker_search  # noqa: E402

N = 500 if "--smoke" in sys.argv else 50_000  # --smoke: tiny, proves the script runs
WORDS = ["环氧树脂", "醇酸树脂", "钛白粉", "二甲苯", "消泡剂", "铁桶", "色浆", "面漆", "底漆"]
QUERIES = ["RM-0", "RM-012", "RM-04999", "环氧", "钛白", "面漆", "200kg", "E-51", "不存在的物料"]


def seed() -> None:
    call_command("migrate", verbosity=0)
    if Material.objects.count() >= N:
        return
    kg = Unit.objects.get_or_create(code="kg", defaults={"name": "千克", "kind": "mass"})[0]
    category = MaterialCategory.objects.get_or_create(code="RM", defaults={"name": "原材料"})[0]
    Material.objects.bulk_create(
        (
            Material(
                code=f"RM-{i:05}",
                name=f"{WORDS[i % len(WORDS)]} {i}",
                specification=f"E-{i % 97}，{(i % 9 + 1) * 25}kg/桶",
                category=category,
                base_unit=kg,
                inventory_type="raw",
                procurement="buy",
                standard_cost=Decimal("1"),
                active=i % 10 != 0,
            )
            for i in range(N)
        ),
        batch_size=2000,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1, help="accepted for run_all.py; one run")
    parser.add_argument("--smoke", action="store_true", help="500 materials instead")
    parser.parse_args()
    seed()
    timings: dict[str, list[float]] = {}
    for _round in range(20):
        for query in QUERIES:
            start = time.perf_counter()
            picker_search("material", query)
            timings.setdefault(query, []).append((time.perf_counter() - start) * 1000)
    every = sorted(t for ts in timings.values() for t in ts)
    print(f"picker search over {Material.objects.count():,} materials")
    for query, ts in timings.items():
        print(f"  {query!r:>16}: median {statistics.median(ts):6.2f} ms")
    p95 = every[int(len(every) * 0.95) - 1]
    median = statistics.median(every)
    print(f"all searches: median {median:.2f} ms, p95 {p95:.2f} ms (target < 100 ms)")
    sys.exit(0 if p95 < 100 else 1)


if __name__ == "__main__":
    main()

"""Oversized import files are refused fast and in little memory (issue 13.7): a sheet of
1,048,576 rows without a <dimension> record, and a sheet of millions of empty cells, each
refused within 2 s and under 100 MB of extra memory (before: 34 s and 669 MB; no answer
within 75 s and 551 MB).

    .venv/bin/python benchmarks/golive/bench_import_limits.py [--runs 2] [--smoke]

Both files are built once, streamed (untimed), in the layout of the unit import template;
each run times `parse` (what the upload does before touching the database) without tracing,
then measures its peak memory with tracemalloc in a second, untimed pass (tracing slows
Python several times over). `--smoke` uses a tenth of the sizes and the same limits scaled.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ERP_DATA_DIR", tempfile.mkdtemp(prefix="erp-bench-limits-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from erp.golive.errors import ImportFileRejected  # noqa: E402
from erp.golive.importing import reading  # noqa: E402
from erp.golive.importing.engine import parse  # noqa: E402
from erp.golive.tests.workbooks import (  # noqa: E402
    empty_cell_rows,
    numbered_rows,
    streamed_sheet,
)
from erp.masterdata.imports import UNITS  # noqa: E402

TARGET_SECONDS = 2.0
TARGET_MB = 100.0


def cases(smoke: bool) -> dict[str, bytes]:
    scale = 10 if smoke else 1
    return {
        # 1,048,576 rows (the most a sheet has) without a dimension record
        "million_rows": streamed_sheet(UNITS, numbered_rows(1_048_575 // scale)),
        # 2,000 rows × 1,000 columns: 2 million empty cells, 30 MB unpacked
        "empty_cells_wide": streamed_sheet(UNITS, empty_cell_rows(2_000 // scale, 1_000)),
        # 3 million empty cells in 150,000 rows of 20 after the header
        "empty_cells_tall": streamed_sheet(UNITS, empty_cell_rows(150_000 // scale, 20)),
    }


def refused(content: bytes) -> tuple[str, reading.SheetScan]:
    scan = reading.SheetScan()
    try:
        parse(UNITS, content, scan)
    except ImportFileRejected as exc:
        return str(exc.message), scan
    return "", scan


def measure(name: str, content: bytes) -> dict:
    start = time.perf_counter()
    message, scan = refused(content)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    refused(content)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return {
        "case": name,
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_mb, 1),
        "rows_read": scan.rows_read,
        "refused": bool(message),
        "message": message[:80],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="a tenth of the sizes")
    args = parser.parse_args()
    if args.smoke:  # the same shape at a tenth: the limits scale with it
        reading.MAX_ROWS //= 10
        reading.MAX_EMPTY_CELLS //= 10
    files = cases(args.smoke)
    results = []
    for run in range(1, args.runs + 1):
        for name, content in files.items():
            results.append({"run": run, **measure(name, content)})
    print(f"{'case':<18} {'run':>3} {'seconds':>8} {'peak MB':>8} {'rows read':>10}  refused")
    for r in results:
        print(
            f"{r['case']:<18} {r['run']:>3} {r['seconds']:>8.3f} {r['peak_mb']:>8.1f} "
            f"{r['rows_read']:>10,}  {r['message']}"
        )
    ok = all(
        r["refused"] and r["seconds"] <= TARGET_SECONDS and r["peak_mb"] <= TARGET_MB
        for r in results
    )
    for r in results:
        print("RESULT " + json.dumps({"bench": "golive.import_limits", **r}, ensure_ascii=False))
    print(
        f"target: refused within {TARGET_SECONDS} s and {TARGET_MB} MB — {'OK' if ok else 'MISSED'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

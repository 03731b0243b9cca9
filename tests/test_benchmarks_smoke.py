"""`make bench` must keep running: every benchmark script runs in its tiny --smoke mode (the
same scripts, options and checks, sizes of a few hundred) and exits 0. The figures of a smoke
run mean nothing; the real runs are `make bench`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.sqlite_only
def test_every_benchmark_runs_in_smoke_mode():
    proc = subprocess.run(
        [sys.executable, "benchmarks/run_all.py", "--smoke", "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,  # ~8–11 min beside the rest of the suite on 2 cores (2026-12-06)
        check=False,
        # The benchmarks run on the development settings and their own data directories, never
        # on pytest's test settings (test-only apps whose tables their migrate does not make).
        env={
            k: v
            for k, v in __import__("os").environ.items()
            if k not in ("DATABASE_URL", "ERP_DATA_DIR", "DJANGO_SETTINGS_MODULE")
        },
    )
    report = json.loads((ROOT / "benchmarks/results/smoke.json").read_text())
    failed = {name: r["output"][-1500:] for name, r in report.items() if r["returncode"]}
    assert not failed, failed
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert len(report) >= 6

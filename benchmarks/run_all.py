"""Run every benchmark script under benchmarks/<area>/ and collect their figures.

    .venv/bin/python benchmarks/run_all.py [--runs 2] [--smoke]

Every script accepts `--runs N` and `--smoke` (tiny sizes: proves it still runs; the test suite
runs `run_all.py --smoke --runs 1` so `make bench` cannot silently break).

Each script runs in its own process (fresh Django, fresh SQLite files) and prints a table; a
script that exposes `results_json` lines (one `RESULT {json}` per line) gets them collected.
Writes benchmarks/results/latest.json: {script: {"returncode", "seconds", "output", "results"}}.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SCRIPTS = sorted(p for p in ROOT.glob("*/*.py") if not p.name.startswith("_"))


def run(script: Path, runs: int, smoke: bool = False) -> dict:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(script), "--runs", str(runs), *(["--smoke"] if smoke else [])],
        capture_output=True,
        text=True,
        cwd=ROOT.parent,
        check=False,
    )
    results = [
        json.loads(line[len("RESULT ") :])
        for line in proc.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    return {
        "returncode": proc.returncode,
        "seconds": round(time.perf_counter() - start, 1),
        "output": proc.stdout[-4000:] + (proc.stderr[-2000:] if proc.returncode else ""),
        "results": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    report = {}
    for script in SCRIPTS:
        name = str(script.relative_to(ROOT))
        print(f"== {name}", flush=True)
        report[name] = run(script, args.runs, args.smoke)
        print(report[name]["output"])
    out = ROOT / "results" / ("smoke.json" if args.smoke else "latest.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"written {out}")
    sys.exit(max((r["returncode"] for r in report.values()), default=0))


if __name__ == "__main__":
    main()

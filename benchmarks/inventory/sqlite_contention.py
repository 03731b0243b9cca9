"""SQLite contention, 30-second run (adversarial-tests.md, Stock): two OS processes post
receipts and issues of the same material at the same location into one SQLite file.

    .venv/bin/python benchmarks/inventory/sqlite_contention.py [--seconds 30] [--compare]

Set-up (untimed) migrates a fresh file once. Prints per process: attempts, successes, lock
errors that reached the caller, stock_posting_conflict refusals, the slowest call (max wait);
then whether balances = ledger. `--compare` repeats the run without IMMEDIATE and without WAL
(settings modules in tests/robustness/). The short version runs in the default suite:
tests/robustness/test_sqlite_contention.py. Exits non-zero when the shipped settings let an
error through or the ledger disagrees.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.robustness.contention import database_copy, scenario_run  # noqa: E402

MODES = {
    "shipped (WAL + IMMEDIATE)": "config.settings.test",
    "without IMMEDIATE": "tests.robustness.settings_deferred",
    "without WAL": "tests.robustness.settings_rollback_journal",
}


def _template(workdir: Path) -> Path:
    env = {**os.environ, "ERP_DATA_DIR": str(workdir / "template")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    return workdir / "template" / "erp.sqlite3"


def _report(mode: str, results: list[dict]) -> bool:
    print(f"\n{mode}")
    print(f"{'process':>8} {'attempts':>9} {'ok':>6} {'locked':>7} {'conflict':>9} {'max wait':>9}")
    for r in results:
        if "crashed" in r:
            print(f"{r['worker']:>8} crashed: {r['stderr'][-600:]}")
            continue
        ok, conflicts = r["receipts"] + r["issues"], r["refusals"].get("stock_posting_conflict", 0)
        print(
            f"{r['worker']:>8} {r['attempts']:>9} {ok:>6} {len(r['lock_errors']):>7} "
            f"{conflicts:>9} {r['max_wait']:>8.2f}s"
        )
    verify = results[0].get("verify", {})
    agrees = not verify.get("differences", ["?"])
    print(f"balances = ledger: {agrees}  (on hand {verify.get('on_hand')})")
    clean = all("crashed" not in r and not r["lock_errors"] and not r["refusals"] for r in results)
    summary = {
        "mode": mode,
        "attempts": sum(r.get("attempts", 0) for r in results),
        "successes": sum(r.get("receipts", 0) + r.get("issues", 0) for r in results),
        "errors": sum(
            len(r.get("lock_errors", [])) + sum(r.get("refusals", {}).values()) for r in results
        ),
        "max_wait_s": round(max(r.get("max_wait", 0) for r in results), 3),
        "ledger_ok": not verify.get("differences", ["?"]),
    }
    print("RESULT " + json.dumps(summary))
    return clean and summary["ledger_ok"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=1, help="accepted for run_all.py; one run")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="2 s instead")
    args = parser.parse_args()
    if args.smoke:
        args.seconds = 2.0
    workdir = Path(tempfile.mkdtemp(prefix="erp-bench-contention-"))
    template = _template(workdir)
    ok = True
    for mode, module in MODES.items():
        directory = workdir / module.rsplit(".", 1)[-1]
        database_copy(template, directory)
        results = scenario_run(directory, settings_module=module, seconds=args.seconds)
        passed = _report(mode, results)
        ok = ok and (passed or module != "config.settings.test")
        if not args.compare:
            break
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

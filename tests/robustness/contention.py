"""One OS process of the SQLite contention scenario (adversarial-tests.md, Stock).

    python -m tests.robustness.contention --dir DIR --worker K --workers N --seconds S

Run from the project root with DJANGO_SETTINGS_MODULE (config.settings.test, or one of the
settings modules next to this file that drop a guard) and ERP_DATA_DIR=DIR, so every worker
opens the same file DIR/erp.sqlite3, which must already hold the migrated schema.

Worker 0 seeds one material at one location with opening stock; then all workers start
together (a barrier of files in DIR) and alternate receipts of 2 and issues of 1 of that same
material at that same location through the inventory services for S seconds, so every posting
fights for the same balance row. After all have stopped, worker 0 re-reads the ledger. Each
worker prints one JSON line: attempts, successes, the errors that reached it, the slowest call.
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BARRIER_TIMEOUT = 120.0
OPENING = Decimal(1000)
RECEIPT_QTY = Decimal(2)
ISSUE_QTY = Decimal(1)


def _barrier(directory: Path, name: str, worker: int, workers: int) -> None:
    """Wait until every worker has reached `name` (processes share nothing but the folder)."""
    (directory / f"{name}.{worker}").touch()
    deadline = time.monotonic() + BARRIER_TIMEOUT
    while len(list(directory.glob(f"{name}.*"))) < workers:
        if any(directory.glob("failed.*")):
            raise SystemExit(f"worker {worker}: another worker failed; stopping at {name!r}")
        if time.monotonic() > deadline:
            raise SystemExit(f"worker {worker}: gave up waiting for the others at {name!r}")
        time.sleep(0.01)


def _seed() -> dict:
    """The smallest plant a posting needs, written with the ORM as the app tests do."""
    from erp.core.services.numbering import numbering_rules_ensure_defaults
    from erp.iam.models import User
    from erp.iam.services.roles import roles_sync
    from erp.inventory.services import ReceiptLine, StockSource, stock_receive
    from erp.inventory.states import MoveType
    from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

    roles = {r.code: r for r in roles_sync()}
    numbering_rules_ensure_defaults()
    keeper = User.objects.create_user(username="contention-keeper", password="pw-Secret-123")
    keeper.groups.set([roles["warehouse"].group])
    keeper = User.objects.get(pk=keeper.pk)
    unit = Unit.objects.create(code="kg-c", name="千克", kind=Unit.Kind.MASS)
    category = MaterialCategory.objects.create(code="RM-C", name="原材料")
    warehouse = Warehouse.objects.create(code="WH-C", name="原料仓")
    location = Location.objects.create(warehouse=warehouse, code="C-01", name="C-01")
    material = Material.objects.create(
        code="RM-CONTENTION",
        name="争用物料",
        category=category,
        inventory_type="raw",
        procurement="buy",
        base_unit=unit,
        batch_managed=False,
    )
    stock_receive(
        actor=keeper,
        lines=[_receipt_line(ReceiptLine, material.pk, location.pk, OPENING)],
        posting_date=_today(),
        source=StockSource("robustness.opening", 0),
        move_type=MoveType.OPENING,
    )
    return {"user": keeper.pk, "material": material.pk, "location": location.pk}


def _receipt_line(cls, material_id: int, location_id: int, qty: Decimal):
    return cls(
        material_id=material_id, location_id=location_id, quantity=qty, unit_cost=Decimal("10")
    )


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _hammer(seed: dict, worker: int, seconds: float) -> dict:
    from django.db import OperationalError

    from erp.core.errors import DomainError
    from erp.iam.models import User
    from erp.inventory.services import (
        IssueLine,
        ReceiptLine,
        StockSource,
        stock_issue,
        stock_receive,
    )

    actor = User.objects.get(pk=seed["user"])
    material, location = seed["material"], seed["location"]
    stats = {"attempts": 0, "receipts": 0, "issues": 0, "max_wait": 0.0}
    stats |= {"lock_errors": [], "refusals": {}}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        receipt = stats["attempts"] % 2 == 0
        stats["attempts"] += 1
        source = StockSource("robustness.contention", f"{worker}-{stats['attempts']}")
        started = time.monotonic()
        try:
            if receipt:
                line = _receipt_line(ReceiptLine, material, location, RECEIPT_QTY)
                stock_receive(actor=actor, lines=[line], posting_date=_today(), source=source)
            else:
                line = IssueLine(material_id=material, location_id=location, quantity=ISSUE_QTY)
                stock_issue(actor=actor, lines=[line], posting_date=_today(), source=source)
            stats["receipts" if receipt else "issues"] += 1
        except OperationalError as exc:
            stats["lock_errors"].append(str(exc))
        except DomainError as exc:
            stats["refusals"][exc.code] = stats["refusals"].get(exc.code, 0) + 1
        finally:
            stats["max_wait"] = max(stats["max_wait"], time.monotonic() - started)
    return stats


def _connection_facts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    return {
        "database": str(connection.settings_dict["NAME"]),
        "journal_mode": journal_mode,
        "transaction_mode": connection.settings_dict["OPTIONS"].get("transaction_mode"),
    }


def _verify(seed: dict) -> dict:
    from django.db import connection

    from erp.inventory.integrity import stock_ledger_differences
    from erp.inventory.models import StockBalance, StockMove

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA quick_check")
        quick_check = cursor.fetchone()[0]
    balance = StockBalance.objects.get(
        material_id=seed["material"], location_id=seed["location"], lot=None
    )
    return {
        "differences": stock_ledger_differences(),
        "on_hand": str(balance.on_hand),
        "moves": StockMove.objects.filter(material_id=seed["material"]).count(),
        "quick_check": quick_check,
    }


def database_copy(source: Path, directory: Path) -> Path:
    """A consistent copy of a migrated database as DIR/erp.sqlite3 (online backup API: a file
    copy could tear a WAL database)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "erp.sqlite3"
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def scenario_start(
    directory: Path, *, settings_module: str, seconds: float, workers: int = 2
) -> list[subprocess.Popen]:
    """Start the workers as separate OS processes on DIR/erp.sqlite3."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "ERP_DATA_DIR": str(directory),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    return [
        subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.robustness.contention", "--dir", str(directory)),
                *("--worker", str(k), "--workers", str(workers), "--seconds", str(seconds)),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(workers)
    ]


def scenario_results(procs: list[subprocess.Popen], seconds: float) -> list[dict]:
    """Each worker's JSON line; a worker that crashed gives its exit code and stderr."""
    results = []
    for k, proc in enumerate(procs):
        try:
            out, err = proc.communicate(timeout=seconds + BARRIER_TIMEOUT + 60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        if proc.returncode != 0:
            results.append({"worker": k, "crashed": proc.returncode, "stderr": err[-3000:]})
            continue
        results.append({"worker": k, **json.loads(out.strip().splitlines()[-1])})
    return results


def scenario_run(
    directory: Path, *, settings_module: str, seconds: float, workers: int = 2
) -> list[dict]:
    procs = scenario_start(
        directory, settings_module=settings_module, seconds=seconds, workers=workers
    )
    return scenario_results(procs, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--worker", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    try:
        return _work(args)
    except BaseException:
        (args.dir / f"failed.{args.worker}").touch()  # releases the others from the barrier
        raise


def _work(args: argparse.Namespace) -> int:
    import django

    django.setup()
    seed_file = args.dir / "seed.json"
    if args.worker == 0:
        staged = args.dir / "seed.json.tmp"
        staged.write_text(json.dumps(_seed()))
        staged.rename(seed_file)  # the others read it only once it is whole
    result = _connection_facts()
    _barrier(args.dir, "start", args.worker, args.workers)
    seed = json.loads(seed_file.read_text())
    result |= _hammer(seed, args.worker, args.seconds)
    _barrier(args.dir, "done", args.worker, args.workers)
    if args.worker == 0:
        result["verify"] = _verify(seed)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""SQLite contention (adversarial-tests.md, Stock): two OS processes post receipts and issues
of the same material at the same location into ONE SQLite file for a bounded time.

With the settings as shipped (WAL, transaction_mode IMMEDIATE, busy timeout) no lock error
reaches a caller and balances = ledger afterwards. The same scenario with IMMEDIATE dropped
(tests/robustness/settings_deferred.py) is run beside it and must fail: deferred transactions
read first and then meet "database is locked" when they try to write, which the busy timeout
cannot wait out; the posting retry gives up and the caller gets stock_posting_conflict. So the
test proves the guard instead of passing whatever the settings say.

Removing WAL does not make postings fail (with IMMEDIATE they only queue, about 3× slower), so
the WAL guard is asserted on each worker's own connection (`PRAGMA journal_mode`).
The 30-second run with figures is benchmarks/inventory/sqlite_contention.py.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from tests.robustness.contention import (
    ISSUE_QTY,
    OPENING,
    RECEIPT_QTY,
    database_copy,
    scenario_results,
    scenario_start,
)

GUARDED_SECONDS = 2.0
UNGUARDED_SECONDS = 1.0


@pytest.fixture
def migrated_copies(db, settings, tmp_path):
    """Two copies of this session's already-migrated test database (migrating a fresh file
    takes longer than the whole scenario): one per scenario, each shared by its workers.
    `db` makes pytest-django create the test database; the copy is read through its own
    connection, so it holds what is committed: the schema, none of this test's rows."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite contention only concerns the SQLite database")
    source = Path(connection.settings_dict["NAME"])
    assert source != Path(settings.DATA_DIR) / "erp.sqlite3", "never the instance's database"
    if not source.is_file():
        pytest.skip(f"the test database is not a file ({source}): nothing to share")
    return (
        database_copy(source, tmp_path / "guarded").parent,
        database_copy(source, tmp_path / "deferred").parent,
    )


def _expected_on_hand(results: list[dict]) -> Decimal:
    receipts = sum(r["receipts"] for r in results)
    issues = sum(r["issues"] for r in results)
    return OPENING + RECEIPT_QTY * receipts - ISSUE_QTY * issues


def _no_crash(results: list[dict]) -> None:
    crashed = [r for r in results if "crashed" in r]
    assert not crashed, crashed


def test_two_processes_posting_the_same_stock(migrated_copies):
    guarded_dir, deferred_dir = migrated_copies
    # Both scenarios at once (separate files) to keep the default suite short.
    guarded = scenario_start(
        guarded_dir, settings_module="config.settings.test", seconds=GUARDED_SECONDS
    )
    deferred = scenario_start(
        deferred_dir,
        settings_module="tests.robustness.settings_deferred",
        seconds=UNGUARDED_SECONDS,
    )
    _check_guarded(scenario_results(guarded, GUARDED_SECONDS), guarded_dir)
    _check_deferred(scenario_results(deferred, UNGUARDED_SECONDS))


def _check_guarded(results: list[dict], directory: Path) -> None:
    _no_crash(results)
    for r in results:
        assert r["database"] == str(directory / "erp.sqlite3")  # one shared file
        assert r["journal_mode"] == "wal"
        assert r["transaction_mode"] == "IMMEDIATE"
        assert r["lock_errors"] == []
        assert r["refusals"] == {}  # no stock_posting_conflict, nothing refused
        # Each process posted; SQLite's busy handler is not fair, so one may get only a few.
        assert r["receipts"] > 0
        assert r["receipts"] + r["issues"] == r["attempts"]
    verify = results[0]["verify"]
    assert verify["differences"] == []
    assert verify["quick_check"] == "ok"
    assert Decimal(verify["on_hand"]) == _expected_on_hand(results)
    assert verify["moves"] == 1 + sum(r["attempts"] for r in results)


def _check_deferred(results: list[dict]) -> None:
    """Without IMMEDIATE the same load makes callers fail; the ledger still agrees, because
    each failed posting rolled back whole."""
    _no_crash(results)
    assert all(r["transaction_mode"] is None for r in results)
    failures = sum(
        len(r["lock_errors"]) + r["refusals"].get("stock_posting_conflict", 0) for r in results
    )
    assert failures > 0, results
    assert set().union(*(r["refusals"] for r in results)) <= {"stock_posting_conflict"}
    verify = results[0]["verify"]
    assert verify["differences"] == []
    assert Decimal(verify["on_hand"]) == _expected_on_hand(results)

"""Posting-gate and trial-balance benchmark (run by hand, not in the test suite):

    ERP_DATA_DIR=/tmp/bench-acc .venv/bin/python benchmarks/accounting/bench_posting.py [N]

Creates a fresh database in ERP_DATA_DIR (or uses DATABASE_URL), seeds the chart and 2026,
posts N vouchers of 4 lines through `voucher_post` (each in its own transaction, like real
use) and times the trial balance. Targets: ≥ 500 vouchers/s; trial balance ≤ 2 s."""

import datetime as dt
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    from erp.accounting.builders.drafts import DraftLine, VoucherDraft
    from erp.accounting.models import Account, Period
    from erp.accounting.selectors import trial_balance
    from erp.accounting.services.chart import chart_seed
    from erp.accounting.services.gate import voucher_post
    from erp.accounting.services.periods import periods_create_year
    from erp.iam.models import User

    actor, _ = User.objects.get_or_create(username="bench", defaults={"is_superuser": True})
    if not Account.objects.exists():
        chart_seed(actor=actor)
    periods_create_year(actor=actor, year=2026)
    codes = ["1001", "1002", "1403", "1405", "6403", "6401", "6001", "4001"]
    drafts = []
    for i in range(count):
        a = Decimal(100 + i % 997) + Decimal(i % 100) / 100
        b = Decimal(7 + i % 13)
        drafts.append(
            VoucherDraft(
                date=dt.date(2026, 1 + i % 12, 1 + i % 28),
                lines=(
                    DraftLine("bench", codes[i % 4], debit=a),
                    DraftLine("bench", codes[4 + i % 2], debit=b),
                    DraftLine("bench", codes[6], credit=a),
                    DraftLine("bench", codes[7], credit=b),
                ),
            )
        )
    start = time.perf_counter()
    for draft in drafts:
        voucher_post(actor=actor, draft=draft)
    elapsed = time.perf_counter() - start
    print(f"posted {count} vouchers × 4 lines in {elapsed:.2f} s: {count / elapsed:.0f} vouchers/s")
    period = Period.objects.get(year=2026, month=12)
    start = time.perf_counter()
    tb = trial_balance(period)
    print(
        f"trial balance 2026-12 over {count * 4} lines: {time.perf_counter() - start:.3f} s, "
        f"{len(tb.rows)} rows, balanced={tb.balanced}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

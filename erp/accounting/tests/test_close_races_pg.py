"""Closing races (#10.7) on PostgreSQL, where row locks are real: two carry-forwards, two
year-end closes or two reversals started at the same moment. Each service locks the period
(or the voucher) FOR UPDATE and re-checks its precondition under the lock, so exactly one
posts and the other finds nothing to do (carry-forward: None) or gets a clear refusal —
never a second voucher and never a 500 (IntegrityError)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import Period, Voucher
from erp.accounting.services.closing import pl_carry_forward, year_end_close
from erp.accounting.services.gate import voucher_post, voucher_reverse
from erp.core.errors import DomainError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post(actor, on, debit, credit, amount):
    return voucher_post(
        actor=actor,
        draft=VoucherDraft(
            date=on,
            lines=(
                DraftLine("业务", debit, debit=Decimal(amount)),
                DraftLine("业务", credit, credit=Decimal(amount)),
            ),
        ),
    )


def _twice(call) -> list[object]:
    """Run `call` in two threads released together; each result or DomainError."""
    barrier = threading.Barrier(2)
    results: list[object] = []
    lock = threading.Lock()

    def run():
        barrier.wait()
        try:
            outcome = call()
        except DomainError as exc:
            outcome = exc
        except Exception as exc:  # a 500 would show up here
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_double_carry_forward_posts_once(books):
    jan = Period.objects.get(year=2026, month=1)
    _post(books, dt.date(2026, 1, 10), "1002", "6001", "1000.00")
    results = _twice(lambda: pl_carry_forward(actor=books, period_id=jan.pk))
    vouchers = [r for r in results if isinstance(r, Voucher)]
    assert len(vouchers) == 1 and None in results, results
    assert Voucher.objects.filter(source_type="accounting.pl_carry_forward").count() == 1


def test_double_year_end_close_posts_once(books):
    dec = Period.objects.get(year=2026, month=12)
    _post(books, dt.date(2026, 12, 10), "1002", "6001", "1000.00")
    pl_carry_forward(actor=books, period_id=dec.pk)
    results = _twice(lambda: year_end_close(actor=books, year=2026))
    vouchers = [r for r in results if isinstance(r, Voucher)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(vouchers) == 1 and len(refused) == 1, results
    assert refused[0].code == "year_end_done"
    assert Voucher.objects.filter(source_type="accounting.year_end").count() == 1


def test_double_reversal_reverses_once_and_answers_409(books):
    original = _post(books, dt.date(2026, 1, 10), "1002", "4001", "500.00")
    results = _twice(
        lambda: voucher_reverse(actor=books, voucher_id=original.pk, on_date=dt.date(2026, 1, 11))
    )
    vouchers = [r for r in results if isinstance(r, Voucher)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(vouchers) == 1 and len(refused) == 1, results
    assert refused[0].status == 409 and refused[0].code == "reverse_twice"
    assert Voucher.objects.filter(reversal_of=original).count() == 1

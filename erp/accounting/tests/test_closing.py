import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.errors import PeriodClosed
from erp.accounting.models import Period, Voucher
from erp.accounting.selectors import trial_balance
from erp.accounting.services.closing import period_checklist, pl_carry_forward, year_end_close
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.periods import period_close, period_reopen, period_require_open
from erp.core.errors import BusinessRuleError, PermissionDenied
from erp.core.models import AuditEvent

from .conftest import draft


def _sale(books, on, amount="1000.00", cost="600.00"):
    voucher_post(actor=books, draft=draft(amount, on=on, debit="1002", credit="6001"))
    voucher_post(actor=books, draft=draft(cost, on=on, debit="6401", credit="1405"))


@pytest.mark.django_db
def test_month_end_close_and_reopen(books, accountant):
    jan = Period.objects.get(year=2026, month=1)
    _sale(books, dt.date(2026, 1, 10))
    checks = {c.code: c.ok for c in period_checklist(jan)}
    assert checks == {
        "vouchers_posted": True,
        "trial_balance": True,
        "stock_documents_posted": True,
        "stock_equals_gl": True,
        "arap_equals_control": True,
        "system_vouchers_reviewed": True,
        "overhead_allocated": True,
        "vat_transferred": True,
        "pl_carried_forward": False,
    }
    with pytest.raises(BusinessRuleError) as exc:
        period_close(actor=books, period_id=jan.pk)
    assert exc.value.code == "period_checks_failed"
    carry = pl_carry_forward(actor=books, period_id=jan.pk)
    assert carry.word == "转" and carry.date == dt.date(2026, 1, 31)
    assert pl_carry_forward(actor=books, period_id=jan.pk) is None  # nothing left: idempotent
    profit = next(r for r in trial_balance(jan).rows if r.account.code == "4103")
    assert profit.closing == Decimal("-400.00")  # credit balance: profit of 400
    with pytest.raises(PermissionDenied):
        period_close(actor=accountant, period_id=jan.pk)
    period_close(actor=books, period_id=jan.pk)
    with pytest.raises(PeriodClosed):
        period_require_open(dt.date(2026, 1, 31))
    with pytest.raises(PermissionDenied):
        period_reopen(actor=accountant, period_id=jan.pk, reason="fix")
    period_reopen(actor=books, period_id=jan.pk, reason="补录发票")
    assert AuditEvent.objects.filter(note="reopen: 补录发票").exists()


@pytest.mark.django_db
def test_year_end_rolls_profit_once(books):
    _sale(books, dt.date(2026, 12, 10))
    dec = Period.objects.get(year=2026, month=12)
    with pytest.raises(BusinessRuleError):
        year_end_close(actor=books, year=2026)  # P&L not carried forward yet
    pl_carry_forward(actor=books, period_id=dec.pk)
    voucher = year_end_close(actor=books, year=2026)
    assert {line.account.code: line.credit for line in voucher.lines.all()}["410415"] == Decimal(
        "400.00"
    )
    with pytest.raises(BusinessRuleError) as exc:
        year_end_close(actor=books, year=2026)
    assert exc.value.code == "year_end_done"
    rows = {r.account.code: r for r in trial_balance(dec).rows}
    assert rows["4103"].closing == 0 and rows["410415"].closing == Decimal("-400.00")


@pytest.mark.django_db
def test_draft_vouchers_block_close(books, accountant):
    from erp.accounting.models import Account
    from erp.accounting.services.vouchers import voucher_save

    cash, bank = Account.objects.get(code="1001"), Account.objects.get(code="1002")
    voucher_save(
        actor=accountant,
        date=dt.date(2026, 1, 9),
        lines=[
            {"summary": "a", "account_id": cash.pk, "debit": "5"},
            {"summary": "a", "account_id": bank.pk, "credit": "5"},
        ],
    )
    jan = Period.objects.get(year=2026, month=1)
    assert not {c.code: c.ok for c in period_checklist(jan)}["vouchers_posted"]
    with pytest.raises(BusinessRuleError):
        period_close(actor=books, period_id=jan.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_close_racing_post_ends_in_one_order(books):
    """Both lock the period row: either the voucher posts and then the close sees it (and, the
    checks passing, closes), or the close wins and the posting is refused. Never a posted
    voucher in a period that was closed without it."""
    jan = Period.objects.get(year=2026, month=1)
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def post():
        barrier.wait()
        try:
            outcome["post"] = voucher_post(
                actor=books,
                draft=VoucherDraft(
                    date=dt.date(2026, 1, 20),
                    lines=(
                        DraftLine("x", "1002", debit=Decimal("1")),
                        DraftLine("x", "4001", credit=Decimal("1")),
                    ),
                ),
            )
        except PeriodClosed as exc:
            outcome["post"] = exc
        finally:
            connection.close()

    def close():
        barrier.wait()
        try:
            outcome["close"] = period_close(actor=books, period_id=jan.pk)
        except BusinessRuleError as exc:
            outcome["close"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=post), threading.Thread(target=close)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    jan.refresh_from_db()
    posted = Voucher.objects.filter(period=jan, state="posted").count()
    if isinstance(outcome["post"], PeriodClosed):
        assert jan.state == "closed" and posted == 0
    else:
        assert posted == 1
        closed_at = jan.closed_at
        assert jan.state == "open" or closed_at >= outcome["post"].posted_at

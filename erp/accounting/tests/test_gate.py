import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.errors import PeriodClosed, PeriodMissing, VoucherInvalid
from erp.accounting.models import Account, AccountPeriodBalance, Period, Voucher, VoucherLine
from erp.accounting.selectors import trial_balance
from erp.accounting.services.gate import voucher_post, voucher_reverse
from erp.accounting.services.vouchers import voucher_review, voucher_save
from erp.core.errors import InvalidTransition, PermissionDenied
from erp.core.models import AuditEvent

from .conftest import books_years, draft

pytestmark = pytest.mark.django_db


def test_draft_posts_numbers_and_balances(books):
    v1 = voucher_post(actor=books, draft=draft("100.00"))
    v2 = voucher_post(actor=books, draft=draft("50.25"))
    v3 = voucher_post(actor=books, draft=draft("1.00", word="收"))
    assert (v1.state, v1.seq, v1.number) == ("posted", 1, "2026-01 记-0001")
    assert (v2.seq, v3.seq, v3.number) == (2, 1, "2026-01 收-0001")
    bank = AccountPeriodBalance.objects.get(account__code="1002", period=v1.period)
    assert bank.debit == Decimal("151.25") and bank.credit == 0
    tb = trial_balance(v1.period)
    assert tb.balanced and tb.totals.debit == Decimal("151.25")
    assert AuditEvent.objects.filter(object_type="accounting.voucher", note="post").count() == 3


def test_unbalanced_draft_refused_and_nothing_written(books):
    bad = VoucherDraft(
        date=dt.date(2026, 1, 5),
        lines=(
            DraftLine("x", "1002", debit=Decimal("100.00")),
            DraftLine("x", "4001", credit=Decimal("99.99")),
        ),
    )
    with pytest.raises(VoucherInvalid) as exc:
        voucher_post(actor=books, draft=bad)
    assert exc.value.code == "voucher_unbalanced"
    assert not Voucher.objects.exists() and not AccountPeriodBalance.objects.exists()


@pytest.mark.parametrize(
    ("code", "amount", "expected"),
    [
        ("2221", "10.00", "has sub-accounts"),  # parent account
        ("1122", "10.00", "needs the customer"),  # auxiliary value missing
        ("1002", "10.001", "at most 2 decimal places"),
    ],
)
def test_gate_line_rules(books, code, amount, expected):
    bad = VoucherDraft(
        date=dt.date(2026, 1, 5),
        lines=(
            DraftLine("x", code, debit=Decimal(amount)),
            DraftLine("x", "4001", credit=Decimal(amount)),
        ),
    )
    with pytest.raises(VoucherInvalid) as exc:
        voucher_post(actor=books, draft=bad)
    assert expected in str(exc.value.message) + str(exc.value.details)


def test_inactive_account_refused(books):
    Account.objects.filter(code="4001").update(active=False)
    with pytest.raises(VoucherInvalid) as exc:
        voucher_post(actor=books, draft=draft())
    assert "inactive" in str(exc.value.details)


def test_float_amount_refused(books):
    bad = VoucherDraft(
        date=dt.date(2026, 1, 5),
        lines=(DraftLine("x", "1002", debit=0.1), DraftLine("x", "4001", credit=0.1)),
    )
    with pytest.raises(VoucherInvalid):
        voucher_post(actor=books, draft=bad)


def test_closed_and_missing_period_refused(books):
    Period.objects.filter(year=2026, month=1).update(state="closed")
    with pytest.raises(PeriodClosed):
        voucher_post(actor=books, draft=draft())
    with pytest.raises(PeriodMissing):
        voucher_post(actor=books, draft=draft(on=dt.date(books_years()[-1] + 1, 1, 1)))


def test_manual_voucher_needs_other_reviewer(books, accountant, reviewer):
    bank, cash = Account.objects.get(code="1002"), Account.objects.get(code="1001")
    lines = [
        {"summary": "提现", "account_id": cash.pk, "debit": "500"},
        {"summary": "提现", "account_id": bank.pk, "credit": "500.00"},
    ]
    v = voucher_save(actor=accountant, date=dt.date(2026, 1, 8), lines=lines)
    assert v.state == "draft" and v.number == ""
    with pytest.raises(InvalidTransition):
        voucher_post(actor=accountant, voucher_id=v.pk)
    with pytest.raises(Exception, match="another user"):
        voucher_review(actor=accountant, voucher_id=v.pk)
    voucher_review(actor=reviewer, voucher_id=v.pk)
    posted = voucher_post(actor=accountant, voucher_id=v.pk)
    assert posted.state == "posted" and posted.total == Decimal("500.00")
    with pytest.raises(InvalidTransition):
        voucher_post(actor=accountant, voucher_id=v.pk)


def test_unbalanced_manual_voucher_never_stored(books, accountant):
    bank, cash = Account.objects.get(code="1002"), Account.objects.get(code="1001")
    lines = [
        {"summary": "提现", "account_id": cash.pk, "debit": "500"},
        {"summary": "提现", "account_id": bank.pk, "credit": "400"},
    ]
    with pytest.raises(VoucherInvalid):
        voucher_save(actor=accountant, date=dt.date(2026, 1, 8), lines=lines)
    assert not Voucher.objects.exists()


def test_post_needs_permission(books, make_user):
    clerk = make_user("clerk", "sales")
    with pytest.raises(PermissionDenied):
        voucher_post(actor=clerk, draft=draft())


def test_posted_voucher_frozen_in_database(books):
    v = voucher_post(actor=books, draft=draft())
    line = v.lines.first()
    attempts = [
        lambda: Voucher.objects.filter(pk=v.pk).update(note="changed"),
        lambda: Voucher.objects.filter(pk=v.pk).update(state="draft"),
        lambda: Voucher.objects.filter(pk=v.pk).delete(),
        lambda: VoucherLine.objects.filter(pk=line.pk).update(debit=Decimal("1")),
        lambda: VoucherLine.objects.filter(pk=line.pk).delete(),
        lambda: VoucherLine.objects.create(
            voucher=v, line_no=9, summary="x", account=line.account, debit=1
        ),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE accounting_voucherline SET credit = 0 WHERE id = %s", [line.pk])
    v.refresh_from_db()
    assert v.state == "posted" and v.lines.count() == 2


def test_database_refuses_posting_unbalanced_lines(books, accountant):
    bank, cash = Account.objects.get(code="1002"), Account.objects.get(code="1001")
    v = voucher_save(
        actor=accountant,
        date=dt.date(2026, 1, 8),
        lines=[
            {"summary": "a", "account_id": cash.pk, "debit": "5"},
            {"summary": "a", "account_id": bank.pk, "credit": "5"},
        ],
    )
    VoucherLine.objects.filter(voucher=v, line_no=1).update(debit=Decimal("6"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=v.pk).update(state="posted")


def test_red_reversal(books):
    v = voucher_post(actor=books, draft=draft("80.00"))
    red = voucher_reverse(actor=books, voucher_id=v.pk, on_date=dt.date(2026, 2, 3))
    assert red.reversal_of_id == v.pk and red.period.month == 2
    assert [line.debit for line in red.lines.all()] == [Decimal("-80.00"), Decimal("0.00")]
    with pytest.raises(InvalidTransition):
        voucher_reverse(actor=books, voucher_id=v.pk, on_date=dt.date(2026, 2, 3))
    feb = trial_balance(Period.objects.get(year=2026, month=2))
    bank = next(r for r in feb.rows if r.account.code == "1002")
    assert (bank.opening, bank.debit, bank.closing) == (Decimal("80"), Decimal("-80"), 0)


def test_reversal_refused_in_closed_period(books):
    v = voucher_post(actor=books, draft=draft())
    Period.objects.filter(year=2026, month=1).update(state="closed")
    with pytest.raises(PeriodClosed):
        voucher_reverse(actor=books, voucher_id=v.pk, on_date=dt.date(2026, 1, 31))

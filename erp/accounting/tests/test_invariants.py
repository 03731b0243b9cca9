"""Hypothesis: any sequence of postings and reversals keeps every voucher balanced, the period
balances equal to the ledger and the trial balance at zero."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.errors import VoucherInvalid
from erp.accounting.integrity import period_balances, vouchers_balanced
from erp.accounting.models import Period
from erp.accounting.selectors import trial_balance
from erp.accounting.services.gate import voucher_post, voucher_reverse

ACCOUNTS = ["1001", "1002", "1403", "1405", "220201", "4001", "6001", "6401", "6602"]
amounts = st.decimals(min_value=Decimal("-999999.99"), max_value=Decimal("999999.99"), places=2)
line = st.tuples(st.sampled_from(ACCOUNTS), amounts, st.booleans())
vouchers = st.lists(
    st.tuples(st.lists(line, min_size=1, max_size=5), st.integers(1, 3), st.booleans()),
    min_size=1,
    max_size=5,
)


def _draft(lines, month, balance_it):
    draft_lines = [
        DraftLine(
            "h",
            code,
            debit=amount if is_debit else Decimal(0),
            credit=Decimal(0) if is_debit else amount,
        )
        for code, amount, is_debit in lines
    ]
    if balance_it:
        net = sum((d.debit - d.credit for d in draft_lines), Decimal(0))
        draft_lines.append(DraftLine("h", "1002", credit=net))
    return VoucherDraft(date=dt.date(2026, month, 10), lines=tuple(draft_lines))


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(vouchers)
def test_postings_keep_books_balanced(books, batch):
    from django.db import transaction

    with transaction.atomic():
        posted = []
        for lines, month, balance_it in batch:
            try:
                posted.append(voucher_post(actor=books, draft=_draft(lines, month, balance_it)))
            except VoucherInvalid:
                pass
        if posted:
            voucher_reverse(actor=books, voucher_id=posted[0].pk, on_date=dt.date(2026, 3, 1))
        assert vouchers_balanced() == []
        assert period_balances() == []
        for period in Period.objects.filter(year=2026, month__lte=3):
            tb = trial_balance(period)
            assert tb.balanced
            assert sum((r.closing for r in tb.rows if r.account.parent_id is None), Decimal(0)) == 0
        transaction.set_rollback(True)

"""明细账 pages (issue #22): keyset pages on (date, voucher seq, voucher, line) with the balance
carried in from the period balances; forward and back they equal the full running sum; a page
costs the same queries with more history; the xlsx export still has every line."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from erp.accounting import selectors
from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import Account
from erp.accounting.services.gate import vouchers_post_batch

pytestmark = pytest.mark.django_db

JAN1, MAR31 = dt.date(2026, 1, 1), dt.date(2026, 3, 31)


def _post(books, count: int, start: int = 0):
    """Voucher i on day i % 80 of 2026 (January to March): bank 1002 receives i + 1 yuan from
    capital 4001, and every third voucher pays i / 2 yuan back out of the bank to 1001 cash."""
    drafts = []
    for i in range(start, start + count):
        day = JAN1 + dt.timedelta(days=i % 80)
        amount = Decimal(i + 1)
        lines = [
            DraftLine("收到投资", "1002", debit=amount),
            DraftLine("收到投资", "4001", credit=amount),
        ]
        if i % 3 == 0:
            half = Decimal(i) / 2 + Decimal("0.50")
            lines += [DraftLine("提现", "1001", debit=half), DraftLine("提现", "1002", credit=half)]
        drafts.append(VoucherDraft(date=day, lines=tuple(lines)))
    vouchers_post_batch(actor=books, drafts=drafts)


def _walk(account, date_from, date_to, size=20):
    forward, page = [], selectors.detail_ledger_page(account, date_from, date_to, page_size=size)
    while True:
        forward += [(x.line.pk, x.balance) for x in page.lines]
        if not page.has_next:
            break
        key = selectors.DetailKey.decode(page.last_key)
        page = selectors.detail_ledger_page(account, date_from, date_to, after=key, page_size=size)
    backward = []
    page = selectors.detail_ledger_page(account, date_from, date_to, last=True, page_size=size)
    while True:
        backward = [(x.line.pk, x.balance) for x in page.lines] + backward
        if not page.has_prev:
            break
        key = selectors.DetailKey.decode(page.first_key)
        page = selectors.detail_ledger_page(account, date_from, date_to, before=key, page_size=size)
    return forward, backward


def test_pages_carry_the_running_balance(books):
    """The first three lines of 1002, all on 1 January: voucher 0 receives 1.00 and pays
    0.50 (balance 1.00, 0.50); voucher 80 (day 80 % 80 = 0) receives 81.00 → 81.50."""
    _post(books, 200)
    bank = Account.objects.get(code="1002")
    first = selectors.detail_ledger_page(bank, JAN1, MAR31, page_size=3)
    assert [x.balance for x in first.lines] == [Decimal("1.00"), Decimal("0.50"), Decimal("81.50")]
    for date_from in (JAN1, dt.date(2026, 2, 10)):
        opening, full = selectors.detail_ledger(bank, date_from, MAR31)
        expected = [(x.line.pk, x.balance) for x in full]
        assert len(expected) > 100  # five pages and more
        forward, backward = _walk(bank, date_from, MAR31)
        assert forward == expected
        assert backward == expected
        assert selectors.detail_ledger_page(bank, date_from, MAR31).opening == opening


@pytest.mark.parametrize("count", [60, 240])
def test_page_queries_do_not_grow_with_history(books, count, django_assert_num_queries):
    _post(books, count)
    bank = Account.objects.get(code="1002")
    middle = selectors.detail_ledger_page(bank, JAN1, MAR31, page_size=20)
    key = selectors.DetailKey.decode(middle.last_key)
    # descendants + rows + (current period + whole periods + rest of the month) + same day
    with django_assert_num_queries(6):
        page = selectors.detail_ledger_page(bank, JAN1, MAR31, after=key, page_size=20)
    assert page.opening == middle.closing


def test_page_links_and_export(client, books, make_user):
    _post(books, 150)
    client.force_login(make_user("acc", "accountant"))
    url = "/accounting/detail-ledger/?account=1002&from=2026-01-01&to=2026-03-31"
    first = client.get(url)
    assert first.status_code == 200 and first.context["page"].has_next
    second = client.get("/accounting/detail-ledger/" + first.context["pager"]["next"])
    assert second.context["page"].opening == first.context["page"].closing
    back = client.get("/accounting/detail-ledger/" + second.context["pager"]["prev"])
    assert [x.line.pk for x in back.context["lines"]] == [x.line.pk for x in first.context["lines"]]
    assert client.get(url + "&after=2026-01-01.x").status_code == 400
    xlsx = client.get(url + "&export=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    _opening, full = selectors.detail_ledger(Account.objects.get(code="1002"), JAN1, MAR31)
    assert len(rows) == 2 + len(full)
    assert Decimal(str(rows[-1][6])) == full[-1].balance

"""结转损益 keeps the auxiliary dimensions of the balances it closes (one line per account ×
dimension values), so a company with 销售费用/管理费用 (部门 required) closes its month; a
refused month-end voucher names its lines in the close job; the close is resumable."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.errors import VoucherInvalid
from erp.accounting.models import Account, Period, Voucher
from erp.accounting.selectors import trial_balance
from erp.accounting.services.closing import pl_carry_forward
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.month_end import month_end_close
from erp.accounting.tasks import month_end_task
from erp.core.models import JobRun

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 1, 12)


def _post(actor, *lines):
    drafts = tuple(
        DraftLine("业务", code, debit=Decimal(d), credit=Decimal(c), **aux)
        for code, d, c, aux in lines
    )
    return voucher_post(actor=actor, draft=VoucherDraft(date=ON, lines=drafts))


@pytest.fixture
def depts():
    from erp.iam.models import Department

    return (
        Department.objects.create(code="XS", name="销售部"),
        Department.objects.create(code="GL", name="行政部"),
    )


def _closing(period, code) -> Decimal:
    return next(r.closing for r in trial_balance(period).rows if r.account.code == code)


def test_carry_forward_keeps_departments_and_month_closes(books, depts):
    """Sales 10,000; 销售费用 1,200 (销售部); 管理费用 800 (销售部) + 500 (行政部).
    Profit = 10,000 − 1,200 − 800 − 500 = 7,500, credited to 本年利润 4103."""
    sales, admin = depts
    jan = Period.objects.get(year=2026, month=1)
    _post(books, ("1002", "10000", "0", {}), ("6001", "0", "10000", {}))
    _post(
        books,
        ("6601", "1200", "0", {"department_id": sales.pk}),
        ("6602", "800", "0", {"department_id": sales.pk}),
        ("6602", "500", "0", {"department_id": admin.pk}),
        ("1002", "0", "2500", {}),
    )
    period = month_end_close(actor=books, period_id=jan.pk)
    assert period.state == "closed"
    carry = Voucher.objects.get(source_type="accounting.pl_carry_forward")
    lines = sorted(
        (x.account.code, x.department_id, x.debit, x.credit)
        for x in carry.lines.select_related("account")
    )
    assert lines == sorted(
        [
            ("6001", None, Decimal("10000.00"), Decimal("0")),
            ("6601", sales.pk, Decimal("0"), Decimal("1200.00")),
            ("6602", sales.pk, Decimal("0"), Decimal("800.00")),
            ("6602", admin.pk, Decimal("0"), Decimal("500.00")),
            ("4103", None, Decimal("0"), Decimal("7500.00")),
        ]
    )
    assert _closing(jan, "4103") == Decimal("-7500.00")
    assert _closing(jan, "6602") == 0 and _closing(jan, "6601") == 0


def test_departments_netting_to_zero_are_still_cleared(books, depts):
    """6602: +300 on 销售部 and −300 on 行政部 (a reclassification) nets to 0 on the account but
    each department keeps a balance: both are cleared, 本年利润 gets nothing from them."""
    sales, admin = depts
    jan = Period.objects.get(year=2026, month=1)
    _post(
        books,
        ("6602", "300", "0", {"department_id": sales.pk}),
        ("6602", "-300", "0", {"department_id": admin.pk}),
        ("6001", "0", "100", {}),
        ("1002", "100", "0", {}),
    )
    carry = pl_carry_forward(actor=books, period_id=jan.pk)
    dept_lines = {
        x.department_id: x.credit - x.debit for x in carry.lines.filter(account__code="6602")
    }
    assert dept_lines == {sales.pk: Decimal("300.00"), admin.pk: Decimal("-300.00")}
    assert pl_carry_forward(actor=books, period_id=jan.pk) is None


def test_refused_month_end_voucher_lists_its_lines_in_the_job(client, books, depts):
    """财务费用 6603 got 部门 required after a posting without one: the carry-forward line
    cannot carry a department it never had, the gate refuses it, and the job message names
    the step, the line, the account and the amount — not only "cannot be posted". The close is
    resumable: the VAT transfer posted before the failure stays (it is correct) and the re-run
    after the fix does not post it twice."""
    jan = Period.objects.get(year=2026, month=1)
    _post(books, ("1002", "11300", "0", {}), ("6001", "0", "10000", {}),
          ("22210102", "0", "1300", {}))  # fmt: skip
    _post(books, ("660303", "40", "0", {}), ("1002", "0", "40", {}))
    Account.objects.filter(code="660303").update(aux_department=True)
    client.force_login(books)
    client.post(f"/accounting/periods/{jan.pk}/month-end/run/")
    run = JobRun.objects.get(task=month_end_task(jan.pk))
    assert run.ok is False
    # The job runs in the user's language (zh-Hans here).
    assert run.message.startswith("VoucherInvalid: 正在结转损益")
    assert "660303" in run.message and "40.00" in run.message and "部门" in run.message
    page = client.get(f"/accounting/periods/{jan.pk}/").content.decode()
    assert "660303" in page
    assert Voucher.objects.filter(source_type="accounting.vat_transfer").count() == 1
    jan.refresh_from_db()
    assert jan.state == "open"
    # Fix: the account no longer requires the department; the re-run continues.
    Account.objects.filter(code="660303").update(aux_department=False)
    assert month_end_close(actor=books, period_id=jan.pk).state == "closed"
    assert Voucher.objects.filter(source_type="accounting.vat_transfer").count() == 1
    assert Voucher.objects.filter(source_type="accounting.pl_carry_forward").count() == 1


def test_refused_step_raises_voucher_invalid_with_line_details(books):
    jan = Period.objects.get(year=2026, month=1)
    _post(books, ("660303", "40", "0", {}), ("1002", "0", "40", {}))
    Account.objects.filter(code="660303").update(active=False)
    with pytest.raises(VoucherInvalid) as exc:
        pl_carry_forward(actor=books, period_id=jan.pk)
    assert "660303" in str(exc.value.message) and "inactive" in str(exc.value.message)
    assert exc.value.details["lines"]

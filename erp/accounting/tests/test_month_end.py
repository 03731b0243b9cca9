"""Month-end postings (转出未交增值税, 制造费用 → 生产成本), the AR/AP checklist item and the
close as a background job with a status endpoint."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.models import Account, Period, Voucher
from erp.accounting.selectors import trial_balance
from erp.accounting.services.closing import period_checklist
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.month_end import overhead_allocate, vat_transfer
from erp.accounting.services.vouchers import voucher_save
from erp.accounting.tasks import month_end_task
from erp.core.models import JobRun

pytestmark = pytest.mark.django_db
JAN_END = dt.date(2026, 1, 31)


def _post(books, *lines, on=dt.date(2026, 1, 10)):
    drafts = tuple(DraftLine("业务", code, debit=Decimal(d), credit=Decimal(c), **aux)
                   for code, d, c, aux in lines)  # fmt: skip
    return voucher_post(actor=books, draft=VoucherDraft(date=on, lines=drafts))


def _checks(period) -> dict[str, bool]:
    return {c.code: c.ok for c in period_checklist(period)}


def _closing(period, code) -> Decimal:
    return next(r.closing for r in trial_balance(period).rows if r.account.code == code)


def test_vat_payable_is_transferred_once(books):
    jan = Period.objects.get(year=2026, month=1)
    _post(
        books, ("1002", "11300", "0", {}), ("6001", "0", "10000", {}), ("22210102", "0", "1300", {})
    )
    _post(books, ("1402", "5000", "0", {}), ("22210101", "650", "0", {}), ("1002", "0", "5650", {}))
    assert _checks(jan)["vat_transferred"] is False
    voucher = vat_transfer(actor=books, period_id=jan.pk)
    assert voucher.date == JAN_END and voucher.word == "转" and voucher.total == Decimal("650.00")
    lines = {line.account.code: (line.debit, line.credit) for line in voucher.lines.all()}
    assert lines == {"22210103": (Decimal("650.00"), 0), "222102": (0, Decimal("650.00"))}
    assert vat_transfer(actor=books, period_id=jan.pk) is None  # idempotent
    assert _closing(jan, "222101") == 0 and _closing(jan, "222102") == Decimal("-650.00")
    assert _checks(jan)["vat_transferred"] is True


def test_input_above_output_is_carried_not_transferred(books):
    jan, feb = Period.objects.filter(year=2026, month__in=(1, 2)).order_by("month")
    _post(books, ("1402", "5000", "0", {}), ("22210101", "650", "0", {}), ("1002", "0", "5650", {}))
    assert _checks(jan)["vat_transferred"] is True
    assert vat_transfer(actor=books, period_id=jan.pk) is None
    # February's output 1,300 less the 650 留抵 carried in: 650 is payable.
    on = dt.date(2026, 2, 5)
    _post(
        books,
        ("1002", "11300", "0", {}),
        ("6001", "0", "10000", {}),
        ("22210102", "0", "1300", {}),
        on=on,
    )
    assert vat_transfer(actor=books, period_id=feb.pk).total == Decimal("650.00")


def test_overhead_is_allocated_per_department(books):
    from erp.iam.models import Department

    jan = Period.objects.get(year=2026, month=1)
    one = Department.objects.create(code="W1", name="一车间")
    two = Department.objects.create(code="W2", name="二车间")
    _post(books, ("5101", "300", "0", {"department_id": one.pk}),
          ("5101", "200", "0", {"department_id": two.pk}), ("1002", "0", "500", {}))  # fmt: skip
    checks = {c.code: c for c in period_checklist(jan)}
    assert checks["overhead_allocated"].ok is False and "500" in checks["overhead_allocated"].detail
    assert "account=5101" in checks["overhead_allocated"].url
    voucher = overhead_allocate(actor=books, period_id=jan.pk)
    credits = sorted(
        (x.department_id, x.credit) for x in voucher.lines.filter(account__code="5101")
    )
    assert credits == sorted([(one.pk, Decimal("300.00")), (two.pk, Decimal("200.00"))])
    assert voucher.lines.get(account__code="500103").debit == Decimal("500.00")
    assert _closing(jan, "5101") == 0 and _closing(jan, "500103") == Decimal("500.00")
    assert overhead_allocate(actor=books, period_id=jan.pk) is None
    assert _checks(jan)["overhead_allocated"] is True


def test_arap_check_links_the_tie_out(books):
    from erp.masterdata.models import Customer

    jan = Period.objects.get(year=2026, month=1)
    customer = Customer.objects.create(code="C-9", name="华东化工")
    _post(books, ("1122", "800", "0", {"customer_id": customer.pk}), ("6001", "0", "800", {}))
    item = next(c for c in period_checklist(jan) if c.code == "arap_equals_control")
    assert item.ok is False and "华东化工" in item.detail
    assert item.url == "/accounting/arap/tie-out/?as_of=2026-01-31"


def test_month_end_job_closes_and_reports(client, books):
    jan = Period.objects.get(year=2026, month=1)
    _post(
        books, ("1002", "11300", "0", {}), ("6001", "0", "10000", {}), ("22210102", "0", "1300", {})
    )
    client.force_login(books)
    response = client.post(f"/accounting/periods/{jan.pk}/month-end/run/")
    assert response.status_code == 302  # the huey task ran immediately (test settings)
    jan.refresh_from_db()
    assert jan.state == "closed"
    assert Voucher.objects.filter(source_type="accounting.vat_transfer").count() == 1
    assert Voucher.objects.filter(source_type="accounting.pl_carry_forward").count() == 1
    run = JobRun.objects.get(task=month_end_task(jan.pk))
    assert run.ok is True and run.finished_at is not None
    status = client.get(f"/accounting/periods/{jan.pk}/month-end/status/", HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and status["HX-Refresh"] == "true"
    assert "hx-trigger" not in status.content.decode()


def test_month_end_job_failure_is_shown(client, books, accountant):
    jan = Period.objects.get(year=2026, month=1)
    ids = dict(Account.objects.filter(code__in=("1001", "1002")).values_list("code", "pk"))
    lines = [
        {"summary": "提现", "account_id": ids["1001"], "debit": "10.00"},
        {"summary": "提现", "account_id": ids["1002"], "credit": "10.00"},
    ]
    voucher_save(actor=accountant, date=dt.date(2026, 1, 20), lines=lines)
    client.force_login(books)
    client.post(f"/accounting/periods/{jan.pk}/month-end/run/")
    jan.refresh_from_db()
    assert jan.state == "open"
    run = JobRun.objects.get(task=month_end_task(jan.pk))
    assert run.ok is False and run.message.startswith("BusinessRuleError: ")
    assert not Voucher.objects.filter(source_type="accounting.pl_carry_forward").exists()
    page = client.get(f"/accounting/periods/{jan.pk}/").content.decode()
    assert "erp-month-end-status" in page and "alert-danger" in page


def test_running_job_polls(client, books):
    from django.utils import timezone

    jan = Period.objects.get(year=2026, month=1)
    JobRun.objects.create(task=month_end_task(jan.pk), started_at=timezone.now(),
                          message="2/4 Transferring unpaid VAT")  # fmt: skip
    client.force_login(books)
    body = client.get(f"/accounting/periods/{jan.pk}/month-end/status/").content.decode()
    assert 'hx-trigger="every 1s"' in body and "50%" in body and "Transferring unpaid VAT" in body
    client.post(f"/accounting/periods/{jan.pk}/month-end/run/")  # not queued a second time
    assert JobRun.objects.filter(task=month_end_task(jan.pk)).count() == 1

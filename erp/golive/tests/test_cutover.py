"""Go-live date and cut-over lock: opening imports only by finance, only before the lock, only
for the go-live date; the lock needs a green tie-out; lock and unlock are audited, and
unlocking takes two people."""

import datetime as dt
from decimal import Decimal

import pytest

from erp.accounting.builders.drafts import DraftLine, VoucherDraft
from erp.accounting.imports import OPENING_BALANCES
from erp.accounting.models import Voucher
from erp.accounting.services.chart import chart_seed
from erp.accounting.services.gate import voucher_post
from erp.accounting.services.periods import periods_create_year
from erp.core.errors import BusinessRuleError, Conflict, PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent
from erp.golive.models import CutOver, ImportLog
from erp.golive.services.cutover import (
    CutOverLocked,
    cutover_lock,
    cutover_unlock_approve,
    cutover_unlock_request,
    go_live_date_set,
    opening_import_check,
)
from erp.golive.services.imports import import_apply, import_dry_run
from erp.golive.tests.workbooks import filled
from erp.inventory.imports import OPENING_STOCK, opening_stock_upsert

pytestmark = pytest.mark.django_db
GO_LIVE = dt.date(2026, 10, 1)
OPENING_DAY = dt.date(2026, 9, 30)


@pytest.fixture
def finance(make_user):
    return make_user("caiwu", "finance_manager", full_name="马超")


@pytest.fixture
def boss(make_user):
    return make_user("zongjingli", "general_manager", full_name="李华东")


@pytest.fixture
def books(admin_user, finance):
    chart_seed(actor=admin_user, standard="enterprise")
    periods_create_year(actor=admin_user, year=2026)
    return go_live_date_set(actor=finance, go_live=GO_LIVE)


def _row(go_live, account, debit=None, credit=None):
    values = {"go_live_date": go_live, "account": account, "debit": debit, "credit": credit}
    return [values.get(c.field) for c in OPENING_BALANCES.columns]


def _gl_file(go_live="2026-10-01"):
    """Dr 1002 银行存款 50,000.00 / Cr 4001 实收资本 50,000.00."""
    return filled(
        OPENING_BALANCES, [_row(go_live, "1002", debit=50000), _row(go_live, "4001", credit=50000)]
    )


def _dry(actor, content, spec=OPENING_BALANCES):
    return import_dry_run(actor=actor, spec_key=spec.key, file_name="期初.xlsx", content=content)


def test_gl_opening_before_the_lock_posts_dated_the_day_before(books, finance):
    log = _dry(finance, _gl_file())
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report
    assert import_apply(actor=finance, log_id=log.pk).result == ImportLog.Result.APPLIED
    voucher = Voucher.objects.get(source_type="golive.openingbalance")
    assert voucher.date == OPENING_DAY


def test_opening_import_with_another_date_is_refused_and_writes_nothing(books, finance):
    log = _dry(finance, _gl_file("2026-11-01"))
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    assert "2026-10-01" in str(log.report) and "2026-09-30" in str(log.report)
    assert not Voucher.objects.exists()


def test_opening_import_after_the_lock_is_refused_and_writes_nothing(books, finance):
    """Checked before the lock, applied after it: the apply re-checks and writes nothing."""
    log = _dry(finance, _gl_file())
    assert log.result == ImportLog.Result.DRY_RUN_OK
    cutover_lock(actor=finance)  # empty books: the tie-out is green (0 = 0)
    applied = import_apply(actor=finance, log_id=log.pk)
    assert applied.result == ImportLog.Result.FAILED
    assert "锁定" in applied.message or "锁定" in str(applied.report)
    assert not Voucher.objects.exists()
    again = _dry(finance, _gl_file())
    assert again.result == ImportLog.Result.DRY_RUN_FAILED
    with pytest.raises(CutOverLocked):
        with __import__("django.db").db.transaction.atomic():
            opening_import_check(actor=finance, kind="stock", go_live=GO_LIVE)


def test_warehouse_user_cannot_import_opening_stock(books, make_user):
    from erp.inventory.models import StockMove

    keeper = make_user("cangku", "warehouse")
    content = filled(OPENING_STOCK, [["2026-10-01", "WH1", "A-01", "RM-1", "", "", "", "", 1, 1]])
    with pytest.raises(PermissionDenied):
        _dry(keeper, content, OPENING_STOCK)
    with pytest.raises(PermissionDenied):  # nor by calling the import's service directly
        with __import__("django.db").db.transaction.atomic():
            opening_stock_upsert(actor=keeper, data={"go_live_date": GO_LIVE}, lines=[])
    assert not StockMove.objects.exists()


def test_no_go_live_date_refuses_opening_imports(admin_user, finance):
    chart_seed(actor=admin_user, standard="enterprise")
    periods_create_year(actor=admin_user, year=2026)
    log = _dry(finance, _gl_file())
    assert log.result == ImportLog.Result.DRY_RUN_FAILED
    assert "上线驾驶舱" in str(log.report)


def test_go_live_date_is_the_first_of_a_month_and_finance_sets_it(books, finance, make_user):
    with pytest.raises(ValidationFailed):
        go_live_date_set(actor=finance, go_live=dt.date(2026, 10, 15))
    with pytest.raises(PermissionDenied):
        go_live_date_set(actor=make_user("kuaiji", "accountant"), go_live=dt.date(2026, 11, 1))
    assert CutOver.objects.get().go_live_date == GO_LIVE


def test_red_tie_out_blocks_the_lock(books, finance):
    """Dr 1403 原材料 1,000.00 / Cr 4001 1,000.00 on 09-30 with no stock behind it: stock 0
    against GL 1,000.00 → red; the cut-over stays open."""
    voucher_post(
        actor=finance,
        draft=VoucherDraft(
            date=OPENING_DAY,
            word="转",
            lines=(
                DraftLine("原材料", "1403", debit=Decimal("1000.00")),
                DraftLine("原材料", "4001", credit=Decimal("1000.00")),
            ),
        ),
    )
    with pytest.raises(BusinessRuleError) as caught:
        cutover_lock(actor=finance)
    assert caught.value.code == "golive_tie_out_red"
    assert "stock" in caught.value.details["checks"]
    assert not CutOver.objects.get().locked


def test_only_finance_locks_and_lock_unlock_are_audited(books, finance, boss, make_user):
    with pytest.raises(PermissionDenied):
        cutover_lock(actor=make_user("kuaiji", "accountant"))
    cutover_lock(actor=finance)
    state = CutOver.objects.get()
    assert state.locked and state.locked_by == finance
    locked = AuditEvent.objects.filter(object_type="golive.cutover", action="transition")
    assert locked.count() == 1 and locked.get().actor == finance

    # Unlock: the finance manager asks with a reason, the general manager approves.
    with pytest.raises(Conflict):
        cutover_unlock_approve(actor=boss)  # nobody asked
    cutover_unlock_request(actor=finance, reason="期初库存漏了一个仓库")
    with pytest.raises(PermissionDenied):
        cutover_unlock_approve(actor=finance)
    cutover_unlock_approve(actor=boss)
    assert not CutOver.objects.get().locked
    events = AuditEvent.objects.filter(object_type="golive.cutover", action="transition")
    assert events.count() == 2
    assert "期初库存漏了一个仓库" in events.order_by("pk").last().note


def test_the_requester_cannot_approve_their_own_unlock(books, admin_user):
    """The administrator holds every permission, but unlocking still takes two people."""
    cutover_lock(actor=admin_user)
    cutover_unlock_request(actor=admin_user, reason="test")
    with pytest.raises(BusinessRuleError) as caught:
        cutover_unlock_approve(actor=admin_user)
    assert caught.value.code == "golive_unlock_same_person"
    assert CutOver.objects.get().locked


def test_cockpit_page_lists_the_phases_and_locks(client, books, finance):
    client.force_login(finance)
    page = client.get("/golive/cockpit/").content.decode()
    assert "上线驾驶舱" in page and "锁定" in page
    response = client.post("/golive/cockpit/lock/")
    assert response.status_code == 302 and CutOver.objects.get().locked

"""After the cut-over lock the opening stock cannot be reversed through the stock gate (the
warehouse holds inventory.reverse_stockmove); the lock needs every opening voucher reviewed by
a second user. Go-live is the first of the current month, so the opening day lies in an open
period in the past and stock may be posted on it."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from erp.accounting.models import Voucher
from erp.accounting.services.chart import chart_seed
from erp.accounting.services.periods import periods_create_year
from erp.accounting.services.vouchers import voucher_review
from erp.core.errors import BusinessRuleError
from erp.golive.models import CutOver, ImportLog
from erp.golive.services.cutover import CutOverLocked, cutover_lock, go_live_date_set
from erp.golive.services.imports import import_apply, import_dry_run
from erp.golive.tests.workbooks import filled
from erp.inventory.imports import OPENING_SOURCE, OPENING_STOCK
from erp.inventory.models import StockMove
from erp.inventory.services import StockSource, stock_reverse
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse

pytestmark = pytest.mark.django_db
GO_LIVE = timezone.localdate().replace(day=1)


@pytest.fixture
def finance(make_user):
    return make_user("caiwu", "finance_manager", full_name="马超")


@pytest.fixture
def accountant(make_user):
    return make_user("kuaiji", "accountant", full_name="赵敏")


@pytest.fixture
def keeper(make_user):
    return make_user("cangku", "warehouse", full_name="王芳")


@pytest.fixture
def books(admin_user, finance):
    from erp.core.services.numbering import numbering_rules_ensure_defaults

    numbering_rules_ensure_defaults()  # erp setup does this on a real site
    chart_seed(actor=admin_user, standard="enterprise")
    opening_day = GO_LIVE - dt.timedelta(days=1)
    for year in sorted({opening_day.year, GO_LIVE.year}):
        periods_create_year(actor=admin_user, year=year)
    kg = Unit.objects.create(code="kg", name="千克", kind=Unit.Kind.MASS)
    category = MaterialCategory.objects.create(code="RM", name="原材料")
    warehouse = Warehouse.objects.create(code="WH1", name="原料仓")
    Location.objects.create(warehouse=warehouse, code="A-01", name="A-01")
    Material.objects.create(
        code="RM-1",
        name="树脂",
        category=category,
        inventory_type="raw",
        procurement="buy",
        base_unit=kg,
    )
    return go_live_date_set(actor=finance, go_live=GO_LIVE)


def _import_opening_stock(actor):
    """10 kg RM-1 at ¥5.00 = ¥50.00: Dr 1403 原材料 50.00 / Cr 410415 未分配利润 50.00."""
    row = [GO_LIVE.isoformat(), "WH1", "A-01", "RM-1", "", "", "", "", 10, 5]
    log = import_dry_run(
        actor=actor,
        spec_key=OPENING_STOCK.key,
        file_name="期初库存.xlsx",
        content=filled(OPENING_STOCK, [row]),
    )
    assert log.result == ImportLog.Result.DRY_RUN_OK, log.report
    assert import_apply(actor=actor, log_id=log.pk).result == ImportLog.Result.APPLIED
    return Voucher.objects.get(source_type=OPENING_SOURCE)


def _reverse(actor):
    return stock_reverse(
        actor=actor,
        source=StockSource(OPENING_SOURCE, GO_LIVE.isoformat(), GO_LIVE.isoformat()),
        reason="期初数量录错",
    )


def test_opening_stock_reversal_after_the_lock_is_refused_and_writes_nothing(
    books, finance, accountant, keeper, admin_user
):
    voucher = _import_opening_stock(finance)
    lines = {(ln.account.code, ln.debit, ln.credit) for ln in voucher.lines.all()}
    assert lines == {("1403", 50, 0), ("410415", 0, 50)}
    voucher_review(actor=accountant, voucher_id=voucher.pk)
    cutover_lock(actor=finance)
    moves, vouchers = StockMove.objects.count(), Voucher.objects.count()

    for actor in (keeper, admin_user):  # both hold inventory.reverse_stockmove
        with pytest.raises(CutOverLocked) as caught:
            _reverse(actor)
        assert "锁定" in str(caught.value.message)
    assert StockMove.objects.count() == moves == 1
    assert Voucher.objects.count() == vouchers == 1
    assert CutOver.objects.get().locked


def test_opening_stock_may_be_reversed_before_the_lock(books, finance, keeper):
    """Before the lock the opening import is corrected by reversing it and importing again."""
    _import_opening_stock(finance)
    reversal = _reverse(keeper)
    assert len(reversal) == 1 and reversal[0].reverses_id is not None
    assert StockMove.objects.filter(source_type=OPENING_SOURCE).count() == 2


def test_lock_needs_opening_vouchers_reviewed_by_a_second_user(books, finance, accountant):
    """The opening stock voucher (¥50.00) ties out, but nobody reviewed it: the lock is refused
    and names the voucher; its importer cannot review it; after the accountant's review the
    lock goes through."""
    voucher = _import_opening_stock(finance)
    with pytest.raises(BusinessRuleError) as caught:
        cutover_lock(actor=finance)
    assert caught.value.code == "golive_tie_out_red"
    assert caught.value.details["checks"] == ["reviewed"]
    assert voucher.number in str(caught.value.message)
    assert not CutOver.objects.get().locked

    with pytest.raises(BusinessRuleError) as self_review:
        voucher_review(actor=finance, voucher_id=voucher.pk)
    assert self_review.value.code == "voucher_self_review"

    voucher_review(actor=accountant, voucher_id=voucher.pk)
    assert cutover_lock(actor=finance).locked


def test_opening_import_after_the_lock_is_refused_by_the_stock_gate_too(books, finance):
    """Even a caller that skipped opening_import_check meets the gate's guard."""
    from erp.inventory.services import ReceiptLine, stock_receive
    from erp.inventory.states import MoveType

    cutover_lock(actor=finance)
    material, location = Material.objects.get(), Location.objects.get()
    with pytest.raises(CutOverLocked), transaction.atomic():
        stock_receive(
            actor=finance,
            lines=[ReceiptLine(material.pk, location.pk, quantity=1, unit_cost=1)],
            posting_date=GO_LIVE - dt.timedelta(days=1),
            source=StockSource(OPENING_SOURCE, GO_LIVE.isoformat(), GO_LIVE.isoformat()),
            reason="期初",
            move_type=MoveType.OPENING,
        )
    assert not StockMove.objects.exists()

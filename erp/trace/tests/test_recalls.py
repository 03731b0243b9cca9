"""Recall case: hold all / release / close, the held lots refused by every outflow path, and
who may do it (the warehouse may not)."""

from decimal import Decimal as D

import pytest

from erp.core.errors import BusinessRuleError, DomainError, PermissionDenied, ValidationFailed
from erp.inventory.models import Lot, StockBalance
from erp.inventory.services import (
    CountLine,
    IssueLine,
    ReserveLine,
    StockSource,
    TransferLine,
    stock_count_adjust,
    stock_issue,
    stock_reserve,
    stock_scrap,
    stock_transfer,
)
from erp.trace.models import RecallCase
from erp.trace.services import recalls as svc


def _status(chain, *numbers) -> dict:
    ids = [chain.lots[n].pk for n in numbers]
    return {lot.number: lot.status for lot in Lot.objects.filter(pk__in=ids)}


def test_open_lists_every_affected_lot_with_quantities(w4, qm):
    case = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="客户投诉 KS-1", level=1)
    assert case.number.startswith("RC")
    lines = {ln.lot.number: ln for ln in case.lines.select_related("lot")}
    assert set(lines) == {
        "RA-0", "I-0", "I-10", "I-20", "F-0", "F-24", "F-9", "F-10", "F-19", "F-20"
    }  # fmt: skip
    # RA-0: 100 received, 3 orders × 4 consumed → 88 on hand; F-k: 10 made, 10 shipped.
    assert lines["RA-0"].on_hand == D("88") and lines["F-0"].shipped == D("10")
    assert case.lines.first().lot.number == "RA-0"  # the start lot first


def test_related_scope_covers_lots_sharing_an_origin(w4, qm):
    case = svc.recall_open(
        actor=qm, lot_id=w4.lots["F-0"].pk, reason="投诉", scope="related", kind="drill"
    )
    numbers = {ln.lot.number for ln in case.lines.select_related("lot")}
    # F-0's roots are RA-0, RB-1, RA-1, RB-4; everything made from them is in.
    assert {"RA-0", "RA-1", "RB-1", "RB-4", "F-0", "I-1", "I-11"} <= numbers
    assert "RA-2" not in numbers


def test_hold_all_blocks_stock_and_every_outflow_then_release_restores(w4, qm, make_user):
    admin = make_user("boss", "admin")
    case = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="投诉")
    w4.lots["I-10"].status = "quarantine"  # quality was inspecting it already
    Lot.objects.filter(pk=w4.lots["I-10"].pk).update(status="quarantine")
    svc.recall_hold(actor=qm, doc_id=case.pk)
    # In stock: RA-0 (88), I-0/I-10/I-20 (0 left: 10 made, 10 consumed); F-* all shipped.
    assert _status(w4, "RA-0", "I-10", "F-0") == {
        "RA-0": "blocked",
        "I-10": "quarantine",
        "F-0": "released",
    }
    held = {ln.lot.number for ln in case.lines.filter(held=True).select_related("lot")}
    assert held == {"RA-0"}
    source = StockSource("test.issue", 1)
    loc = w4.location.pk
    ra0 = w4.lots["RA-0"]
    # Every outflow path that exists: production issue, delivery, other issue, purchase
    # return (quality decides the lot 不合格 first), scrap, transfer, a count shortage, and
    # reserving the lot for an order.
    for move_type in ("production_issue", "sales_delivery", "issue", "purchase_return"):
        with pytest.raises(DomainError):
            stock_issue(
                actor=admin,
                lines=[IssueLine(ra0.material_id, loc, D("1"), lot_id=ra0.pk)],
                posting_date=w4.on,
                source=source,
                move_type=move_type,
            )
    with pytest.raises(DomainError):
        stock_scrap(
            actor=admin,
            lines=[IssueLine(ra0.material_id, loc, D("1"), lot_id=ra0.pk)],
            posting_date=w4.on,
            source=source,
            reason="召回",
        )
    with pytest.raises(DomainError):
        stock_reserve(
            actor=admin, source=source, lines=[ReserveLine(ra0.material_id, loc, D("1"), ra0.pk)]
        )
    with pytest.raises(DomainError):
        stock_transfer(
            actor=admin,
            lines=[TransferLine(ra0.material_id, loc, loc, D("1"), lot_id=ra0.pk)],
            posting_date=w4.on,
            source=source,
        )
    with pytest.raises(DomainError):
        stock_count_adjust(
            actor=admin,
            lines=[CountLine(ra0.material_id, loc, D("80"), ra0.pk)],
            posting_date=w4.on,
            source=source,
        )
    assert StockBalance.objects.get(lot=ra0).on_hand == D("88")  # nothing moved
    svc.recall_release(actor=qm, doc_id=case.pk)
    assert _status(w4, "RA-0", "I-10") == {"RA-0": "released", "I-10": "quarantine"}
    case.refresh_from_db()
    assert case.state == "released" and case.held_at is not None


def test_close_releases_a_hold_and_needs_a_conclusion(w4, qm):
    case = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="投诉")
    svc.recall_hold(actor=qm, doc_id=case.pk)
    with pytest.raises(ValidationFailed):
        svc.recall_close(actor=qm, doc_id=case.pk)
    assert _status(w4, "RA-0") == {"RA-0": "blocked"}  # the refused close changed nothing
    svc.recall_close(actor=qm, doc_id=case.pk, conclusion="供应商批次含杂质，已退货")
    case.refresh_from_db()
    assert case.state == "closed" and case.closed_at
    assert _status(w4, "RA-0") == {"RA-0": "released"}


def test_warehouse_may_not_open_hold_or_release(w4, qm, keeper):
    with pytest.raises(PermissionDenied):
        svc.recall_open(actor=keeper, lot_id=w4.lots["RA-0"].pk, reason="x")
    case = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="投诉")
    with pytest.raises(PermissionDenied):
        svc.recall_hold(actor=keeper, doc_id=case.pk)
    assert _status(w4, "RA-0") == {"RA-0": "released"}
    svc.recall_hold(actor=qm, doc_id=case.pk)
    with pytest.raises(PermissionDenied):
        svc.recall_release(actor=keeper, doc_id=case.pk)
    assert _status(w4, "RA-0") == {"RA-0": "blocked"}


def test_drill_never_holds_and_is_timed_until_closed(w4, qm):
    drill = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="演练", kind="drill")
    assert drill.identified_at is None
    with pytest.raises(BusinessRuleError):
        svc.recall_hold(actor=qm, doc_id=drill.pk)
    assert _status(w4, "RA-0") == {"RA-0": "released"}
    svc.recall_close(actor=qm, doc_id=drill.pk)
    drill = RecallCase.objects.get(pk=drill.pk)
    assert drill.state == "closed" and drill.identified_at >= drill.started_at


def test_bad_input_changes_nothing(w4, qm):
    for kw in ({"lot_id": 0}, {"level": 7}, {"scope": "all"}, {"reason": " "}):
        args = {"lot_id": w4.lots["RA-0"].pk, "reason": "投诉", **kw}
        with pytest.raises(ValidationFailed):
            svc.recall_open(actor=qm, **args)
    assert not RecallCase.objects.exists()


def test_notice_log_for_customers_reached_only(w4, qm, keeper):
    case = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="投诉")
    reached = w4.customers[0]
    notice = svc.recall_notice_record(
        actor=qm, doc_id=case.pk, customer_id=reached.pk, channel="phone", contact="王经理"
    )
    assert case.notices.get() == notice
    with pytest.raises(PermissionDenied):
        svc.recall_notice_record(
            actor=keeper, doc_id=case.pk, customer_id=reached.pk, channel="phone"
        )
    with pytest.raises(ValidationFailed):
        svc.recall_notice_record(actor=qm, doc_id=case.pk, customer_id=0, channel="phone")
    with pytest.raises(ValidationFailed):
        svc.recall_notice_record(actor=qm, doc_id=case.pk, customer_id=reached.pk, channel="fax")
    drill = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="演练", kind="drill")
    with pytest.raises(BusinessRuleError):
        svc.recall_notice_record(actor=qm, doc_id=drill.pk, customer_id=reached.pk, channel="phone")
    assert case.notices.count() == 1


def test_open_from_material_and_window_of_dates(w4, qm):
    """Every RA lot was received today: the case covers them and all made from them (every
    I-k takes an RA lot, every F-k two I lots): 10 + 25 + 25 lots."""
    import datetime as dt

    ra = w4.lots["RA-0"].material_id
    case = svc.recall_open(
        actor=qm, material_id=ra, window_from=w4.on, window_to=w4.on, reason="原料召回"
    )
    numbers = {ln.lot.number for ln in case.lines.select_related("lot")}
    assert len(numbers) == 60 and "RB-0" not in numbers
    assert case.lot is None and case.material_id == ra
    yesterday = w4.on - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed):
        svc.recall_open(
            actor=qm, material_id=ra, window_from=yesterday, window_to=yesterday, reason="x"
        )
    with pytest.raises(ValidationFailed):
        svc.recall_open(actor=qm, material_id=ra, reason="x")  # no window
    with pytest.raises(ValidationFailed) as reversed_window:
        svc.recall_open(
            actor=qm, material_id=ra, window_from=w4.on, window_to=yesterday, reason="x"
        )
    assert reversed_window.value.code == "invalid_window"
    assert RecallCase.objects.count() == 1  # only the first, valid case


def test_integrity_check_finds_a_hold_lifted_behind_the_case(w4, qm):
    from erp.trace.integrity import recall_holds_in_place

    case = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="投诉")
    svc.recall_hold(actor=qm, doc_id=case.pk)
    assert recall_holds_in_place() == []
    Lot.objects.filter(pk=w4.lots["RA-0"].pk).update(status="released")  # behind its back
    assert recall_holds_in_place() == [f"{case.number}: lot RA-0 should be on hold, is released"]


def test_level_timers_and_drill_time_against_the_target(w4, qm):
    """一级: 24 h to start (hold), 10 days to finish; the drill's time runs from opening to
    'all identified' (close) and is judged against the 4-hour target."""
    import datetime as dt

    from django.utils import timezone

    from erp.trace.kit import timers

    case = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="投诉", level=1)
    opened = timezone.now() - dt.timedelta(hours=25)
    RecallCase.objects.filter(pk=case.pk).update(started_at=opened)
    case.refresh_from_db()
    late = timers(case)
    assert late["start_due"] == opened + dt.timedelta(hours=24)
    assert late["finish_due"] == opened + dt.timedelta(days=10)
    assert late["start_overdue"] and not late["finish_overdue"]
    svc.recall_hold(actor=qm, doc_id=case.pk)
    case.refresh_from_db()
    assert not timers(case)["start_overdue"] and not timers(case)["started_in_time"]
    drill = svc.recall_open(actor=qm, lot_id=w4.lots["RA-0"].pk, reason="演练", kind="drill")
    RecallCase.objects.filter(pk=drill.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=85)
    )
    svc.recall_close(actor=qm, doc_id=drill.pk)
    drill.refresh_from_db()
    done = timers(drill)
    assert done["elapsed"] == "1:25" and done["within_target"] and not done["running"]


def test_customer_returns_count_toward_effectiveness(w4, qm, make_user):
    """A customer returns 3 of F-0 into quarantine (销售退货): the case counts them as returned,
    and 召回有效率 = returned ÷ shipped."""
    from erp.inventory.services import ReceiptLine, stock_receive
    from erp.sales.models import SalesReturn
    from erp.trace.kit import _context

    note = w4.deliveries[0]  # 4 of F-0 to customers[0]
    back = SalesReturn.objects.create(
        date=w4.on,
        state="posted",
        customer=note.customer,
        delivery=note,
        location=w4.location,
        created_by=qm,
        number="SR-T0001",
    )
    f0 = w4.lots["F-0"]
    stock_receive(
        actor=make_user("boss", "admin"),
        lines=[ReceiptLine(f0.material_id, w4.location.pk, D("3"), D("10"), lot_id=f0.pk)],
        posting_date=w4.on,
        source=StockSource("sales.salesreturn", back.pk, back.number),
        move_type="sales_return",
    )
    case = svc.recall_open(actor=qm, lot_id=f0.pk, reason="投诉")
    context = _context(case, list(case.lines.all()))
    assert (context["shipped_total"], context["returned_total"]) == (D("10"), D("3"))
    assert context["effectiveness"] == D("30.0")  # 3 returned ÷ 10 shipped

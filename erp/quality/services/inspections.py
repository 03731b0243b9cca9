"""Inspection lots (检验单): created by the stock posting that brings goods into a quarantine
lot, results entered by the inspector, the usage decision (使用决策) by someone else.

The decision is the one place where quality changes the inventory lot's status (through
`lot_status_change`, which checks `inventory.change_lot_status`) and writes the measured
values the plan maps to lot attributes (含量 % that production's potency reads)."""

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.approvals.services.requests import approval_submit
from erp.approvals.states import RequestState
from erp.core.access import require_perm
from erp.core.errors import PermissionDenied, ValidationFailed
from erp.core.models import NumberingRule
from erp.core.services.audit import audit_record
from erp.core.services.numbering import number_next, numbering_rules_ensure_defaults
from erp.core.services.transitions import document_transition
from erp.inventory.models import Lot, StockBalance
from erp.inventory.services.lot_split import lot_split
from erp.inventory.services.lots import lot_attributes_from_inspection, lot_status_change
from erp.inventory.services.posting import StockSource
from erp.inventory.states import LotStatus
from erp.quality.models import (
    CharacteristicKind,
    InspectionLot,
    InspectionLotState,
    InspectionResult,
    InspectionType,
)
from erp.quality.services._common import decimal_or_none, locked, refuse_unless, version_check
from erp.quality.services.plans import plan_for
from erp.quality.services.retest_dates import retest_after_decision
from erp.quality.services.switching import (
    SAMPLING_FIELDS,
    sampling_apply,
    supplier_of,
    switching_record,
)
from erp.quality.states import INSPECTION_MACHINE

DOC_TYPE = "quality.inspectionlot"
S = InspectionLotState
PENDING = (S.OPEN, S.SUBMITTED, S.CONCESSION)
# Stock that comes out of the company's own production is checked as a finished product.
FINAL_MOVE_TYPES = frozenset({"production_output", "production_return"})
# Opening stock is what was on hand at go-live, counted in with the status it had then;
# quality inspects such a lot on request, not because the go-live import posted it. A lot
# split gives its child lot the status it decided (部分放行: 不合格): no arrival either.
NO_INSPECTION_MOVE_TYPES = frozenset({"opening", "lot_split"})
PASS, FAIL = "pass", "fail"
LOT_STATUS_OF = {
    "release": LotStatus.RELEASED,
    "conditional": LotStatus.RELEASED,
    "reject": LotStatus.REJECTED,
}


# --- creation by the stock gate ----------------------------------------------------------------


class InspectionTrigger:
    """Stock posting listener: every inflow into a lot in quarantine (待检) gets an inspection
    lot in the same transaction, so no quarantine stock arrives without one."""

    def check(self, *, posting_date, source) -> None:
        return None

    def posted(self, posting) -> None:
        inspection_lots_for_posting(posting)


def inspection_lots_for_posting(posting) -> list[InspectionLot]:
    """One inspection lot per quarantine lot the posting brings stock into from outside; a lot
    that already waits for its inspection gets the quantity added instead."""
    lots, quantities, move_types = {}, defaultdict(Decimal), {}
    for move in posting.moves:
        lot = move.lot
        if move.from_location is not None or move.to_location is None or lot is None:
            continue
        if lot.status != LotStatus.QUARANTINE or move.move_type in NO_INSPECTION_MOVE_TYPES:
            continue
        lots[lot.pk] = lot
        quantities[lot.pk] += move.quantity
        move_types[lot.pk] = move.move_type
    # A posting without a user (a system job) has nobody to file the inspection under.
    if not lots or posting.actor is None:
        return []
    pending = {
        i.lot_id: i
        for i in InspectionLot.objects.select_for_update().filter(
            lot_id__in=list(lots), state__in=PENDING
        )
    }
    created = []
    for lot_id, lot in lots.items():
        if lot_id in pending:
            _quantity_add(pending[lot_id], quantities[lot_id], posting)
            continue
        kind = (
            InspectionType.FINAL
            if move_types[lot_id] in FINAL_MOVE_TYPES
            else InspectionType.INCOMING
        )
        created.append(
            inspection_lot_create(
                actor=posting.actor,
                lot=lot,
                inspection_type=kind,
                quantity=quantities[lot_id],
                on_date=posting.posting_date,
                source=posting.source,
            )
        )
    return created


def _quantity_add(inspection: InspectionLot, quantity: Decimal, posting) -> None:
    before = inspection.sample_size
    inspection.quantity += quantity
    # A larger lot may need a larger sample (another code letter).
    sampling_apply(inspection)
    inspection.save(update_fields=["quantity", *SAMPLING_FIELDS, "updated_at"])
    changes = {"quantity": [str(inspection.quantity - quantity), str(inspection.quantity)]}
    if before != inspection.sample_size:
        changes["sample_size"] = [before, inspection.sample_size]
    audit_record(
        actor=posting.actor,
        action="update",
        obj=inspection,
        changes=changes,
        note=posting.source.number or str(posting.source.id),
    )


def inspection_lot_create(
    *, actor, lot, inspection_type: str, quantity: Decimal, on_date, source=None
) -> InspectionLot:
    """An inspection lot with the characteristics of the material's plan (none without a plan:
    the page says so). Called by the stock gate's listener inside the posting transaction, so
    it checks no quality permission: whoever receives the stock triggers the inspection."""
    if not NumberingRule.objects.filter(doc_type=DOC_TYPE).exists():
        numbering_rules_ensure_defaults()
    material = lot.material
    plan = plan_for(material=material, inspection_type=inspection_type, on_date=on_date)
    inspection = InspectionLot(
        number=number_next(doc_type=DOC_TYPE, on_date=on_date),
        state=S.OPEN,
        date=on_date,
        inspection_type=inspection_type,
        lot=lot,
        material=material,
        plan=plan,
        quantity=quantity,
        source_type=getattr(source, "type", ""),
        source_id=str(getattr(source, "id", "")),
        source_number=getattr(source, "number", ""),
        supplier_id=supplier_of(source),
        created_by=actor,
    )
    sampling_apply(inspection)
    inspection.save(force_insert=True)
    if plan is not None:
        _results_from_plan(inspection, plan)
    audit_record(
        actor=actor,
        action="create",
        obj=inspection,
        changes={
            "lot": lot.number,
            "plan": plan.number if plan else None,
            "sample_size": inspection.sample_size,
        },
        note=inspection.source_number,
    )
    return inspection


def inspection_lot_plan_apply(*, actor, doc_id, expected_version=None) -> InspectionLot:
    """An inspection opened before its plan existed takes the plan in force now (the goods
    arrived first, quality wrote the plan after): only while nothing has been recorded."""
    require_perm(actor, "quality.change_inspectionlot")
    with transaction.atomic():
        inspection = locked(InspectionLot, doc_id)
        refuse_unless(inspection, (S.OPEN,), INSPECTION_MACHINE)
        version_check(inspection, expected_version)
        if inspection.plan_id is not None or inspection.lines.exists():
            raise ValidationFailed(
                _("This inspection already follows plan %(plan)s.")
                % {"plan": inspection.plan.number if inspection.plan else "-"},
                code="plan_present",
            )
        plan = plan_for(material=inspection.material, inspection_type=inspection.inspection_type)
        if plan is None:
            raise ValidationFailed(
                _("No active inspection plan covers this material and inspection type yet."),
                code="no_plan",
            )
        inspection.plan = plan
        inspection.version += 1
        sampling_apply(inspection)
        inspection.save(update_fields=["plan", *SAMPLING_FIELDS, "version", "updated_at"])
        _results_from_plan(inspection, plan)
        audit_record(
            actor=actor, action="update", obj=inspection, changes={"plan": [None, plan.number]}
        )
    return inspection


def _results_from_plan(inspection: InspectionLot, plan) -> None:
    InspectionResult.objects.bulk_create(
        [
            InspectionResult(
                document=inspection,
                line_no=c.line_no,
                name=c.name,
                kind=c.kind,
                unit=c.unit,
                method=c.method,
                lower_limit=c.lower_limit,
                upper_limit=c.upper_limit,
                lot_attribute=c.lot_attribute,
            )
            for c in plan.lines.order_by("line_no")
        ]
    )


def inspection_lot_retest(*, actor, lot_id: int, reason: str, block: bool = True) -> InspectionLot:
    """复检: quality opens a new inspection of a stored lot (retest date reached, customer
    complaint, long storage). A released lot goes back to quarantine until the decision, so
    nothing is issued from it meanwhile; the plan is the material's re-inspection plan, else
    its incoming (or final) plan."""
    require_perm(actor, "quality.add_inspectionlot")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Enter why the lot is re-inspected, for example 复检期已到."), code="reason_required"
        )
    with transaction.atomic():
        lot = locked(Lot, lot_id)
        if InspectionLot.objects.filter(lot=lot, state__in=PENDING).exists():
            raise ValidationFailed(
                _("Lot %(lot)s already has an inspection waiting: finish that one first.")
                % {"lot": lot.number},
                code="inspection_pending",
            )
        on_hand = StockBalance.objects.filter(lot=lot).aggregate(q=Sum("on_hand"))["q"]
        if not on_hand:
            raise ValidationFailed(
                _("Lot %(lot)s has no stock left to re-inspect.") % {"lot": lot.number},
                code="no_stock",
            )
        # Blocking is the plan's choice: a lot whose retest only confirms it stays usable.
        if lot.status == LotStatus.RELEASED and block:
            lot_status_change(
                actor=actor, lot_id=lot.pk, status=LotStatus.QUARANTINE, reason=f"复检: {reason}"
            )
            lot.refresh_from_db()
        inspection = inspection_lot_create(
            actor=actor,
            lot=lot,
            inspection_type=InspectionType.RETEST,
            quantity=on_hand,
            on_date=timezone.localdate(),
        )
        inspection.note = reason
        inspection.save(update_fields=["note"])
    return inspection


# --- results -------------------------------------------------------------------------------------


def judge(result: InspectionResult, value: Decimal | None) -> bool | None:
    """Within the limits (both inclusive)? None when nothing was measured."""
    if value is None:
        return None
    if result.lower_limit is not None and value < result.lower_limit:
        return False
    return not (result.upper_limit is not None and value > result.upper_limit)


def _result_apply(result: InspectionResult, entry: dict) -> None:
    raw = entry.get("value")
    comment = (entry.get("comment") or "").strip()[:200]
    if result.kind == CharacteristicKind.PASS_FAIL:
        verdict = (raw or "").strip() if isinstance(raw, str) else raw
        if verdict not in ("", None, PASS, FAIL):
            raise ValidationFailed(
                _("%(name)s: choose pass or fail.") % {"name": result.name},
                code="invalid_verdict",
            )
        result.value = None
        result.passed = None if verdict in ("", None) else verdict == PASS
    else:
        value = decimal_or_none(raw, field=f"value_{result.line_no}", label=result.name)
        if value is not None and result.unit == "%" and not 0 <= value <= 100:
            raise ValidationFailed(
                _("%(name)s: %(value)s %% is not possible; a percentage lies between 0 and 100.")
                % {"name": result.name, "value": value},
                code="value_impossible",
            )
        result.value = value
        result.passed = judge(result, value)
    if result.passed is False and not comment:
        raise ValidationFailed(
            _("%(name)s is out of limits: enter the reason in the comment (e.g. re-measured).")
            % {"name": result.name},
            code="reason_required",
        )
    result.comment = comment


def inspection_results_record(
    *, actor, doc_id, results: list[dict], note: str | None = None, expected_version=None
) -> InspectionLot:
    """Save the inspector's results: `results` holds {"line_no", "value", "comment"} (value
    "pass"/"fail" for a pass/fail characteristic). Each numeric value is judged against the
    limits copied from the plan."""
    require_perm(actor, "quality.change_inspectionlot")
    with transaction.atomic():
        inspection = locked(InspectionLot, doc_id)
        refuse_unless(inspection, (S.OPEN,), INSPECTION_MACHINE)
        version_check(inspection, expected_version)
        by_no = {r.line_no: r for r in inspection.lines.select_for_update()}
        changes = {}
        for entry in results:
            result = by_no.get(int(entry.get("line_no") or 0))
            if result is None:
                raise ValidationFailed(
                    _("Result line %(no)s is not part of this inspection.")
                    % {"no": entry.get("line_no")},
                    code="unknown_line",
                )
            _result_apply(result, entry)
            result.save(update_fields=["value", "passed", "comment"])
            changes[result.name] = _shown(result)
        if note is not None:
            inspection.note = note.strip()
        inspection.recorded_by = actor
        inspection.version += 1
        inspection.save(update_fields=["note", "recorded_by", "version", "updated_at"])
        audit_record(actor=actor, action="update", obj=inspection, changes=changes)
    return inspection


def _shown(result: InspectionResult) -> str:
    if result.kind == CharacteristicKind.PASS_FAIL:
        return {True: str(_("Pass")), False: str(_("Fail")), None: ""}[result.passed]
    return "" if result.value is None else f"{result.value.normalize():f}{result.unit}"


def inspection_lot_submit(*, actor, doc_id, expected_version=None) -> InspectionLot:
    """Hand the results to the usage decision: every characteristic needs its result."""
    with transaction.atomic():
        inspection = locked(InspectionLot, doc_id)
        missing = [r.name for r in inspection.lines.all() if r.passed is None]
        if missing:
            raise ValidationFailed(
                _("Enter the results of %(names)s before submitting.")
                % {"names": "、".join(missing)},
                code="results_missing",
            )
        inspection = document_transition(
            actor=actor,
            doc=inspection,
            machine=INSPECTION_MACHINE,
            name="submit",
            expected_version=expected_version,
        )
        if inspection.recorded_by_id is None:
            inspection.recorded_by = actor
            inspection.save(update_fields=["recorded_by"])
    return inspection


# --- usage decision --------------------------------------------------------------------------


def _signature_check(actor, password: str | None) -> None:
    if not password or not actor.check_password(password):
        raise ValidationFailed(
            _("The password is wrong: sign the release with your own login password."),
            code="signature_invalid",
            fields={"password": [str(_("Wrong password."))]},
        )


def inspection_lot_decide(
    *,
    actor,
    doc_id,
    decision: str,
    reason: str = "",
    password: str | None = None,
    expected_version=None,
    rejected_quantity=None,
) -> InspectionLot:
    """Release (合格), conditional release (让步接收) or reject (不合格). Whoever recorded the
    results may not decide (separation of duties); a release is signed with the password; the
    lot's status follows the decision and the mapped results land on the lot's attributes."""
    require_perm(actor, "quality.decide_inspectionlot")
    reason = (reason or "").strip()
    with transaction.atomic():
        inspection = locked(InspectionLot, doc_id)
        version_check(inspection, expected_version)
        if inspection.recorded_by_id == actor.pk:
            raise PermissionDenied(
                _(
                    "You recorded the results of %(number)s: someone else (the quality manager) "
                    "must make the usage decision."
                )
                % {"number": inspection.number},
                code="separation_of_duties",
            )
        results = list(inspection.lines.all())
        _decision_check(decision, reason, results)
        rejected = _rejected_quantity(decision, rejected_quantity, reason)
        if decision != "reject":
            _signature_check(actor, password)
        first = inspection.state == S.SUBMITTED  # a concession may follow a rejection
        inspection = document_transition(
            actor=actor, doc=inspection, machine=INSPECTION_MACHINE, name=decision
        )
        inspection.decided_by = actor
        inspection.decided_at = timezone.now()
        inspection.decision_reason = reason[:300]
        inspection.rejected_quantity = rejected
        inspection.save(
            update_fields=["decided_by", "decided_at", "decision_reason", "rejected_quantity"]
        )
        if decision == "conditional":
            _concession_submit(actor, inspection, first=first)
        else:
            decision_apply(actor, inspection, decision)
            switching_record(inspection, accepted=decision == "release" and rejected is None)
    return inspection


def decision_apply(actor, inspection: InspectionLot, decision: str) -> None:
    """What a (final) decision does to the lot: its status, the measured attributes, the next
    retest date, and a partial release's split. `actor` is the decider (for a concession
    approved later, still the quality manager who asked for it)."""
    reason = inspection.decision_reason
    _lot_update(actor, inspection, decision, reason, list(inspection.lines.all()))
    retest_after_decision(actor, inspection, decision)
    if decision != "reject" and inspection.rejected_quantity is not None:
        # After the lot's attributes: the child copies them.
        _partial_reject(actor, inspection, inspection.rejected_quantity, reason)


def _concession_submit(actor, inspection: InspectionLot, *, first: bool) -> None:
    """让步接收 goes to the approvals engine; the lot stays as it is until the request is
    approved (with no matching rule it is approved at once). For switching, a concession is
    a lot not accepted, whatever the approvers say."""
    if first:
        switching_record(inspection, accepted=False)
    if inspection.rejected_quantity is not None:
        _split_check(inspection)
    request = approval_submit(actor=actor, doc=inspection)
    if request.state == RequestState.APPROVED:
        engine_transition(inspection, "concession_approve", actor=actor, request=request)
        decision_apply(actor, inspection, "conditional")


def _split_check(inspection: InspectionLot) -> None:
    """A partial concession's quantity is checked when asked for, not only when the last
    approver approves (inventory checks again then)."""
    on_hand = StockBalance.objects.filter(lot_id=inspection.lot_id).aggregate(q=Sum("on_hand"))[
        "q"
    ] or Decimal(0)
    if inspection.rejected_quantity >= on_hand:
        raise ValidationFailed(
            _(
                "Lot %(lot)s has %(on_hand)s on hand: the rejected quantity %(quantity)s must be "
                "less than that. Decide the whole lot instead."
            )
            % {
                "lot": inspection.lot.number,
                "on_hand": f"{on_hand.normalize():f}",
                "quantity": f"{inspection.rejected_quantity.normalize():f}",
            },
            code="split_quantity_too_large",
            fields={"rejected_quantity": [str(_("Less than the lot's quantity."))]},
        )


def engine_transition(inspection: InspectionLot, name: str, *, actor=None, request=None) -> None:
    """A transition the approvals engine drives (no button, no permission of its own)."""
    transition = INSPECTION_MACHINE.transition_for(inspection.state, name)
    before = inspection.state
    inspection.state = transition.target
    inspection.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action="transition",
        obj=inspection,
        changes={"state": [before, inspection.state]},
        note=f"{name}: approval request {request.pk}" if request is not None else name,
    )


def _decision_check(decision: str, reason: str, results: list[InspectionResult]) -> None:
    failed = [r.name for r in results if r.passed is False]
    if decision == "release" and failed:
        raise ValidationFailed(
            _(
                "%(names)s out of limits: a full release is not possible. Reject the lot or "
                "release it conditionally with a reason."
            )
            % {"names": "、".join(failed)},
            code="results_out_of_limits",
        )
    if decision in ("conditional", "reject") and not reason:
        raise ValidationFailed(
            _("Enter the reason for the decision."),
            code="reason_required",
            fields={"reason": [str(_("Enter the reason."))]},
        )


def _rejected_quantity(decision: str, raw, reason: str) -> Decimal | None:
    """部分放行: the quantity a release rejects into a child lot (None: the whole lot)."""
    quantity = decimal_or_none(raw, field="rejected_quantity", label=_("Rejected quantity"))
    if quantity is None or quantity == 0:
        return None
    if decision == "reject" or quantity < 0:
        raise ValidationFailed(
            _(
                "A rejected quantity belongs to a (conditional) release of part of the lot: "
                "enter a quantity greater than zero, or reject the whole lot without one."
            ),
            code="invalid_rejected_quantity",
            fields={"rejected_quantity": [str(_("Enter a number greater than zero."))]},
        )
    if not reason:
        raise ValidationFailed(
            _("Enter why part of the lot is rejected."),
            code="reason_required",
            fields={"reason": [str(_("Enter the reason."))]},
        )
    return quantity


def _partial_reject(actor, inspection, quantity: Decimal, reason: str) -> None:
    """Split the rejected quantity off the released lot into a child lot that is 不合格 from
    the start. Inventory checks the quantity is less than the lot holds."""
    child = lot_split(
        actor=actor,
        lot_id=inspection.lot_id,
        quantity=quantity,
        status=LotStatus.REJECTED,
        reason=f"{inspection.number} 部分放行: {reason}"[:300],
        source=StockSource(DOC_TYPE, inspection.pk, inspection.number),
    )
    inspection.rejected_quantity = quantity
    inspection.rejected_lot = child
    inspection.save(update_fields=["rejected_quantity", "rejected_lot"])
    audit_record(
        actor=actor,
        action="update",
        obj=inspection,
        changes={"rejected_quantity": [None, str(quantity)], "rejected_lot": [None, child.number]},
        note=reason,
    )


def _lot_update(actor, inspection, decision, reason, results) -> None:
    label = INSPECTION_MACHINE.transitions[decision].label
    why = f"{inspection.number} {label}" + (f": {reason}" if reason else "")
    status = LOT_STATUS_OF[decision]
    if inspection.lot.status != status:
        lot_status_change(actor=actor, lot_id=inspection.lot_id, status=status, reason=why)
    values = [
        (r.lot_attribute, r.value, r.unit)
        for r in results
        if r.lot_attribute and r.value is not None
    ]
    lot_attributes_from_inspection(
        actor=actor, lot_id=inspection.lot_id, values=values, note=inspection.number
    )


def inspection_lot_release(
    *, actor, doc_id, expected_version=None, password=None, reason="", rejected_quantity=None
):
    return inspection_lot_decide(
        actor=actor,
        doc_id=doc_id,
        decision="release",
        reason=reason,
        password=password,
        expected_version=expected_version,
        rejected_quantity=rejected_quantity,
    )


def inspection_lot_conditional(
    *, actor, doc_id, expected_version=None, password=None, reason="", rejected_quantity=None
):
    return inspection_lot_decide(
        actor=actor,
        doc_id=doc_id,
        decision="conditional",
        reason=reason,
        password=password,
        expected_version=expected_version,
        rejected_quantity=rejected_quantity,
    )


def inspection_lot_reject(*, actor, doc_id, expected_version=None, reason=""):
    return inspection_lot_decide(
        actor=actor,
        doc_id=doc_id,
        decision="reject",
        reason=reason,
        expected_version=expected_version,
    )

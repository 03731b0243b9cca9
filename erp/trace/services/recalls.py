"""Recall cases (召回单) and mock-recall drills (模拟召回): every write, in one transaction.

Opening a case finds the affected lots with the genealogy and keeps them as lines. "Hold all"
puts every affected lot still in stock on hold (冻结) through inventory's lot-status service,
which then refuses every outflow; "release" gives each lot the status it had before, unless
someone changed it since. A drill runs the same steps without touching stock: it is timed
from its start to "all affected lots and customers identified" (its closing).
"""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, NotFound, ValidationFailed
from erp.core.services.audit import audit_record
from erp.core.services.numbering import number_next
from erp.core.services.transitions import document_transition
from erp.inventory.models import Lot, StockMove
from erp.inventory.services import lot_status_change
from erp.inventory.services.lots import lot_status_require_perm
from erp.inventory.states import LotStatus
from erp.masterdata.models import Material
from erp.trace.models import (
    NoticeChannel,
    RecallCase,
    RecallKind,
    RecallLevel,
    RecallLot,
    RecallNotice,
    RecallScope,
)
from erp.trace.report import customers_of
from erp.trace.selectors import (
    FORWARD,
    SHIPPED_OUT,
    links_walk,
    lot_balances,
    on_hand_by_lot,
    related_lots,
)
from erp.trace.states import RECALL_MACHINE

DOC_TYPE = "trace.recallcase"


def affected_lot_ids(starts: list[int], scope: str) -> set[int]:
    if scope == RecallScope.RELATED:
        return related_lots(starts)
    return set(starts) | {ln.child for ln in links_walk(starts, FORWARD)}


WINDOW_IN_TYPES = ("purchase_receipt", "receipt", "opening", "production_output")


def window_lot_ids(material_id, window_from, window_to) -> list[int]:
    """Lots of the material received or made (an inflow move) within the window."""
    return sorted(
        set(
            StockMove.objects.filter(
                material_id=material_id,
                lot__isnull=False,
                move_type__in=WINDOW_IN_TYPES,
                posting_date__gte=window_from,
                posting_date__lte=window_to,
            ).values_list("lot_id", flat=True)
        )
    )


def _start(lot_id, material_id, window_from, window_to) -> tuple:
    """The start of a case: (lot, None, [lot id]) or (None, material, lot ids in the window)."""
    if lot_id:
        lot = Lot.objects.filter(pk=lot_id).first()
        if lot is None:
            raise ValidationFailed(_("Choose the lot the recall starts from."), code="invalid_lot")
        return lot, None, [lot.pk]
    material = Material.objects.filter(pk=material_id or 0).first()
    if material is None or not window_from or not window_to:
        raise ValidationFailed(
            _("Choose a lot, or a material with the first and last day of the window."),
            code="invalid_lot",
        )
    if window_to < window_from:
        raise ValidationFailed(
            _("The last day of the window (%(end)s) is before the first (%(start)s): swap them.")
            % {"start": window_from, "end": window_to},
            code="invalid_window",
        )
    ids = window_lot_ids(material.pk, window_from, window_to)
    if not ids:
        raise ValidationFailed(
            _(
                "No lot of %(material)s was received or made from %(start)s to %(end)s: widen "
                "the window or start from a lot."
            )
            % {"material": material.code, "start": window_from, "end": window_to},
            code="no_lots_in_window",
        )
    return None, material, ids


def _clean(kind, level, scope, reason) -> tuple:
    if kind not in RecallKind.values:
        raise ValidationFailed(_("Choose recall or mock recall."), code="invalid_kind")
    if scope not in RecallScope.values:
        raise ValidationFailed(_("Choose the scope of the recall."), code="invalid_scope")
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    if level not in RecallLevel.values:
        raise ValidationFailed(_("Choose the recall level: 1, 2 or 3."), code="invalid_level")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Enter the reason, for example the customer complaint number."),
            code="reason_required",
        )
    return level, reason[:300]


def recall_open(
    *,
    actor,
    reason: str,
    lot_id: int | None = None,
    material_id: int | None = None,
    window_from=None,
    window_to=None,
    kind: str = RecallKind.RECALL,
    level: int = RecallLevel.TWO,
    scope: str = RecallScope.DOWNSTREAM,
    note: str = "",
) -> RecallCase:
    """Open a recall case (or start a drill) from a lot: numbered at once (RC…), lines = every
    affected lot with its on-hand and shipped quantities now. Starts from a lot, or from every
    lot of a material received or made within a window of dates."""
    require_perm(actor, "trace.add_recallcase")
    level, reason = _clean(kind, level, scope, reason)
    lot, material, starts = _start(lot_id, material_id, window_from, window_to)
    now = timezone.now()
    with transaction.atomic():
        case = RecallCase.objects.create(
            number=number_next(doc_type=DOC_TYPE, on_date=timezone.localdate()),
            state="open",
            date=timezone.localdate(),
            kind=kind,
            level=level,
            scope=scope,
            lot=lot,
            material=material,
            window_from=window_from if material else None,
            window_to=window_to if material else None,
            reason=reason,
            note=(note or "").strip(),
            started_at=now,
            identified_at=None if kind == RecallKind.DRILL else now,
            created_by=actor,
        )
        ids = affected_lot_ids(starts, scope)
        _lines_write(case, ids)
        origin = lot.number if lot else f"{material.code} {window_from}~{window_to}"
        audit_record(
            actor=actor,
            action="create",
            obj=case,
            changes={"lot": origin, "kind": kind, "level": level, "scope": scope},
            note=reason,
        )
    return case


def _lines_write(case: RecallCase, ids: set[int]) -> None:
    """One line per affected lot, in material and number order; quantities from the ledger."""
    lots = Lot.objects.select_related("material").in_bulk(ids)
    on_hand = on_hand_by_lot(list(ids))
    shipped = _shipped(ids)
    ordered = sorted(
        lots.values(), key=lambda lot: (lot.pk != case.lot_id, lot.material.code, lot.number)
    )
    RecallLot.objects.bulk_create(
        RecallLot(
            document=case,
            line_no=no,
            lot=lot,
            on_hand=on_hand.get(lot.pk, Decimal(0)),
            shipped=shipped.get(lot.pk, Decimal(0)),
        )
        for no, lot in enumerate(ordered, start=1)
    )


def _shipped(ids: set[int]) -> dict[int, Decimal]:
    rows = (
        StockMove.objects.filter(lot_id__in=ids, move_type=SHIPPED_OUT, to_location__isnull=True)
        .values("lot_id")
        .annotate(q=Sum("quantity"))
        .values_list("lot_id", "q")
    )
    return dict(rows)


def _locked(doc_id) -> RecallCase:
    try:
        return RecallCase.objects.select_for_update().get(pk=doc_id)
    except (RecallCase.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def recall_hold(*, actor, doc_id, expected_version=None) -> RecallCase:
    """Put every affected lot still in stock on hold, all or none. A lot already on hold is
    left as it is (and so is not released by this case later)."""
    lot_status_require_perm(actor)
    with transaction.atomic():
        case = _locked(doc_id)
        if case.kind == RecallKind.DRILL:
            raise BusinessRuleError(
                _("A mock recall does not hold stock: it only shows what a recall would hold."),
                code="drill_no_hold",
            )
        case = document_transition(
            actor=actor,
            doc=case,
            machine=RECALL_MACHINE,
            name="hold",
            expected_version=expected_version,
        )
        lines = list(case.lines.select_related("lot").select_for_update())
        on_hand = on_hand_by_lot([ln.lot_id for ln in lines])
        reason = str(_("Recall %(number)s: %(reason)s")) % {
            "number": case.number,
            "reason": case.reason,
        }
        held = []
        for line in lines:
            if on_hand.get(line.lot_id, 0) <= 0 or line.lot.status == LotStatus.BLOCKED:
                continue
            line.status_before, line.held = line.lot.status, True
            lot_status_change(
                actor=actor, lot_id=line.lot_id, status=LotStatus.BLOCKED, reason=reason
            )
            held.append(line)
        RecallLot.objects.bulk_update(held, ["status_before", "held"])
        case.held_at = timezone.now()
        case.save(update_fields=["held_at"])
        # The note names the lots held: lot numbers read the same in every language.
        audit_record(
            actor=actor,
            action="update",
            obj=case,
            changes={"held_at": [None, f"{timezone.localtime(case.held_at):%Y-%m-%d %H:%M}"]},
            note=" ".join(ln.lot.number for ln in held) or "-",
        )
    return case


def _release_lines(actor, case: RecallCase) -> list[RecallLot]:
    lines = list(case.lines.filter(held=True).select_related("lot").select_for_update())
    reason = str(_("Recall %(number)s released")) % {"number": case.number}
    for line in lines:
        # Quality may have decided on a lot meanwhile (rejected it): leave that decision.
        if line.lot.status == LotStatus.BLOCKED:
            lot_status_change(
                actor=actor, lot_id=line.lot_id, status=line.status_before, reason=reason
            )
        line.held = False
    RecallLot.objects.bulk_update(lines, ["held"])
    return lines


def recall_release(*, actor, doc_id, expected_version=None) -> RecallCase:
    """Give every lot this case held the status it had before the hold."""
    lot_status_require_perm(actor)
    with transaction.atomic():
        case = document_transition(
            actor=actor,
            doc=_locked(doc_id),
            machine=RECALL_MACHINE,
            name="release",
            expected_version=expected_version,
        )
        released = _release_lines(actor, case)
        audit_record(
            actor=actor,
            action="update",
            obj=case,
            changes=None,
            note=" ".join(ln.lot.number for ln in released) or "-",
        )
    return case


def recall_close(*, actor, doc_id, expected_version=None, conclusion: str = "") -> RecallCase:
    """Close with a conclusion; a hold still in place is released. Closing a drill is the
    moment every affected lot and customer was identified: its time stops."""
    conclusion = (conclusion or "").strip()
    with transaction.atomic():
        case = _locked(doc_id)
        if case.kind == RecallKind.RECALL and not conclusion:
            raise ValidationFailed(
                _("Enter the conclusion of the recall before closing it."),
                code="conclusion_required",
            )
        was_held = case.state == "held"
        case = document_transition(
            actor=actor,
            doc=case,
            machine=RECALL_MACHINE,
            name="close",
            expected_version=expected_version,
        )
        if was_held:
            lot_status_require_perm(actor)
            _release_lines(actor, case)
        now = timezone.now()
        case.closed_at = now
        case.identified_at = case.identified_at or now
        case.conclusion = conclusion
        case.save(update_fields=["closed_at", "identified_at", "conclusion"])
    return case


def recall_create(*, actor, header: dict, lines=None) -> RecallCase:
    """The kit's create (API POST): the header names the lot; the lines are found, not given."""
    return recall_open(
        actor=actor,
        lot_id=header.get("lot_id"),
        material_id=header.get("material_id"),
        window_from=header.get("window_from"),
        window_to=header.get("window_to"),
        reason=header.get("reason", ""),
        kind=header.get("kind") or RecallKind.RECALL,
        level=header.get("level") or RecallLevel.TWO,
        scope=header.get("scope") or RecallScope.DOWNSTREAM,
        note=header.get("note", ""),
    )


def balances_of(case: RecallCase) -> dict:
    """Mass balance of every affected lot (detail page and drill report): three queries."""
    return lot_balances(ln.lot_id for ln in case.lines.all())


def recall_notice_record(
    *, actor, doc_id, customer_id, channel: str, contact: str = "", note: str = ""
) -> RecallNotice:
    """Log that a customer reached by the recall was told (通知记录). Not for drills: a mock
    recall contacts no customer."""
    require_perm(actor, "trace.notify_recallcase")
    if channel not in NoticeChannel.values:
        raise ValidationFailed(_("Choose how the customer was told."), code="invalid_channel")
    with transaction.atomic():
        case = _locked(doc_id)
        if case.kind == RecallKind.DRILL or case.state == "closed":
            raise BusinessRuleError(
                _("Customers are notified of an open recall only, never of a drill."),
                code="notice_not_open",
            )
        reached = {c.id for c in customers_of([ln.lot_id for ln in case.lines.all()])}
        if customer_id not in reached:
            raise ValidationFailed(
                _("Choose a customer this recall reaches."), code="invalid_customer"
            )
        notice = RecallNotice.objects.create(
            case=case,
            customer_id=customer_id,
            at=timezone.now(),
            channel=channel,
            contact=(contact or "").strip()[:100],
            note=(note or "").strip()[:300],
            actor=actor,
        )
        customer = notice.customer
        with translation.override(settings.LANGUAGE_CODE):  # the audit reads in the company's
            how = str(NoticeChannel(channel).label)
        audit_record(
            actor=actor,
            action="update",
            obj=case,
            changes=None,
            note=f"{customer.code} {customer.name}（{how}）{notice.note}",
        )
    return notice

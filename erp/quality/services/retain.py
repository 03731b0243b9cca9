"""Retain samples (留样) and retest dates (复检日期) of lots, and the daily job that opens the
re-inspection of every lot whose retest date has come."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import DomainError, ValidationFailed
from erp.core.services.audit import audit_record
from erp.inventory.models import Lot
from erp.inventory.states import LotStatus
from erp.quality.models import InspectionLot, LotRetest, RetainSample
from erp.quality.services._common import decimal_or_none, locked
from erp.quality.services.inspections import PENDING, inspection_lot_retest

# --- retain samples --------------------------------------------------------------------------


def retain_sample_create(
    *, actor, lot_id, quantity, unit: str, location: str, keep_until, inspection_lot_id=None
) -> RetainSample:
    """Record a retain sample taken from a lot: how much, where it is kept, until when."""
    require_perm(actor, "quality.add_retainsample")
    amount = decimal_or_none(quantity, field="quantity", label=_("Quantity"))
    if amount is None or amount <= 0:
        raise ValidationFailed(
            _("Enter the quantity of the retain sample, for example 0.5."),
            code="invalid_quantity",
            fields={"quantity": [str(_("Enter a number greater than zero."))]},
        )
    unit, location = (unit or "").strip()[:20], (location or "").strip()[:100]
    if not unit or not location:
        raise ValidationFailed(
            _("Enter the unit and where the sample is kept, for example kg, 留样柜 A-3."),
            code="place_required",
        )
    keep_until = _date(keep_until, "keep_until")
    if keep_until < timezone.localdate():
        raise ValidationFailed(
            _("The keep-until date %(date)s has passed: enter a date from today on.")
            % {"date": keep_until},
            code="keep_until_past",
            fields={"keep_until": [str(_("A date from today on."))]},
        )
    with transaction.atomic():
        lot = locked(Lot, lot_id)
        inspection = _inspection_of(lot, inspection_lot_id)
        sample = RetainSample.objects.create(
            lot=lot,
            inspection_lot=inspection,
            quantity=amount,
            unit=unit,
            location=location,
            keep_until=keep_until,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=sample,
            changes={
                "lot": lot.number,
                "quantity": f"{amount.normalize():f}{unit}",
                "location": location,
                "keep_until": str(keep_until),
            },
        )
    return sample


def _inspection_of(lot: Lot, inspection_lot_id) -> InspectionLot | None:
    if not inspection_lot_id:
        return None
    inspection = InspectionLot.objects.filter(pk=inspection_lot_id, lot=lot).first()
    if inspection is None:
        raise ValidationFailed(
            _("The inspection lot does not belong to lot %(lot)s.") % {"lot": lot.number},
            code="invalid_inspection_lot",
        )
    return inspection


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationFailed(
            _("Enter a date such as 2027-06-30."),
            code="invalid_date",
            fields={field: [str(_("Enter a date."))]},
        ) from None


def retain_sample_discard(*, actor, sample_id) -> RetainSample:
    """The sample was disposed of (kept until its date): it leaves the due list."""
    require_perm(actor, "quality.change_retainsample")
    with transaction.atomic():
        sample = locked(RetainSample, sample_id)
        if sample.discarded_at is not None:
            raise ValidationFailed(
                _("This retain sample was already discarded."), code="already_discarded"
            )
        sample.discarded_at, sample.discarded_by = timezone.now(), actor
        sample.save(update_fields=["discarded_at", "discarded_by"])
        audit_record(
            actor=actor, action="update", obj=sample, changes={"discarded_at": [None, "✓"]}
        )
    return sample


# --- retest dates ------------------------------------------------------------------------------


def lot_retest_set(*, actor, lot_id, retest_on, blocks: bool = True) -> LotRetest:
    """Set a lot's retest date by hand (e.g. a supplier's retest date on the COA)."""
    require_perm(actor, "quality.add_inspectionlot")
    retest_on = _date(retest_on, "retest_on")
    with transaction.atomic():
        lot = locked(Lot, lot_id)
        before = LotRetest.objects.filter(lot=lot).values_list("retest_on", flat=True).first()
        found, _created = LotRetest.objects.update_or_create(
            lot=lot, defaults={"retest_on": retest_on, "blocks": blocks, "scheduled_by": actor}
        )
        audit_record(
            actor=actor,
            action="update",
            obj=found,
            changes={"retest_on": [str(before) if before else None, str(retest_on)]},
            note=lot.number,
        )
    return found


def retests_due_open(*, today: dt.date | None = None) -> tuple[int, int]:
    """Daily job: open the re-inspection of every released lot whose retest date has come
    and that has no inspection waiting. Each lot in its own transaction, in the name of who
    scheduled it; a lot that cannot be opened (no stock left, permission gone) is skipped
    and stays on the due list. Returns (opened, skipped)."""
    today = today or timezone.localdate()
    pending = InspectionLot.objects.filter(state__in=PENDING).values("lot_id")
    due = (
        LotRetest.objects.filter(retest_on__lte=today, lot__status=LotStatus.RELEASED)
        .exclude(lot_id__in=pending)
        .select_related("lot", "scheduled_by")
        .order_by("retest_on", "pk")
    )
    opened = skipped = 0
    for retest in due:
        try:
            inspection_lot_retest(
                actor=retest.scheduled_by,
                lot_id=retest.lot_id,
                reason=f"复检期已到 {retest.retest_on:%Y-%m-%d}",
                block=retest.blocks,
            )
        except DomainError:
            skipped += 1
        else:
            opened += 1
    return opened, skipped

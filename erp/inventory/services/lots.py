"""Lots (批次): creation on receipt, status changes with history, typed attributes."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import has_perm, require_perm
from erp.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.numbering import number_next
from erp.inventory import errors
from erp.inventory.models import Lot, LotAttribute, LotStatusChange
from erp.inventory.services.posting import rows_insert
from erp.inventory.states import LOT_STATUS_TRANSITIONS, LotStatus

LOT_NUMBER_RULE = "inventory.lot"


@dataclass(frozen=True)
class LotRequest:
    """What a receipt line says about its lot: an existing lot id, or a number (new or
    existing), or nothing (a number is taken from the numbering rule)."""

    material: object
    lot_id: int | None = None
    number: str = ""
    supplier_lot: str = ""
    production_date: date | None = None
    expiry_date: date | None = None
    # A new lot starts in quarantine (待检) whatever the material says: goods a customer sent
    # back (sales return) wait for quality's decision before they can be sold again.
    quarantine: bool = False


def initial_status(material) -> str:
    return LotStatus.QUARANTINE if material.qc_required else LotStatus.RELEASED


def default_expiry(material, production_date: date | None, posting_date: date) -> date | None:
    if not material.shelf_life_days:
        return None
    return (production_date or posting_date) + timedelta(days=material.shelf_life_days)


def lots_for_receipt(
    *, actor, requests: list[LotRequest], posting_date: date, allow_expired: bool = False
) -> list[Lot | None]:
    """Resolve or create the lot of each receipt line (None for materials without batches).
    New lots are created in bulk; call inside the posting transaction (numbers are taken there,
    so a failed posting gives them back).

    Refused: an expiry date before the production date, and a lot already expired at the
    posting date (its given or shelf-life expiry, or the existing lot's) — unless
    `allow_expired` (opening stock: expired goods on hand at go-live are counted in, then
    scrapped)."""
    by_id = Lot.objects.in_bulk([r.lot_id for r in requests if r.lot_id])
    wanted = {(r.material.pk, r.number) for r in requests if r.number and not r.lot_id}
    by_number = (
        {
            (lot.material_id, lot.number): lot
            for lot in Lot.objects.filter(
                material_id__in={m for m, _n in wanted}, number__in={n for _m, n in wanted}
            )
        }
        if wanted
        else {}
    )
    new: dict[tuple[int, str], Lot] = {}
    result: list[Lot | None] = []
    for no, req in enumerate(requests, start=1):
        lot = _resolve(req, by_id, by_number, new, posting_date)
        _check_dates(no, req, lot, posting_date, allow_expired=allow_expired)
        result.append(lot)
    if new:
        _lots_insert(list(new.values()))
        rows_insert(
            LotStatusChange,
            [
                LotStatusChange(
                    lot=lot,
                    from_status="",
                    to_status=lot.status,
                    reason="receipt",
                    actor=actor if getattr(actor, "is_authenticated", False) else None,
                )
                for lot in new.values()
            ],
        )
    return result


def _check_dates(no: int, req: LotRequest, lot, posting_date: date, *, allow_expired: bool):
    number = lot.number if lot is not None else req.number
    if req.production_date and req.expiry_date and req.expiry_date < req.production_date:
        raise errors.expiry_before_production(
            line_no=no,
            material=req.material,
            lot_number=number,
            production=req.production_date,
            expiry=req.expiry_date,
        )
    expiry = lot.expiry_date if lot is not None else None
    if expiry is not None and expiry < posting_date and not allow_expired:
        raise errors.receipt_lot_expired(
            line_no=no,
            material=req.material,
            lot_number=number,
            expiry=expiry,
            on_date=posting_date,
        )


def _lots_insert(lots: list[Lot]) -> None:
    """Insert new lots with one executemany and read their ids back by (material, number):
    bulk_create's per-value SQL compilation cost more than the rest of a receipt's lot work."""
    rows_insert(Lot, lots)
    ids = {
        (m, n): pk
        for pk, m, n in Lot.objects.filter(
            material_id__in={lot.material_id for lot in lots},
            number__in={lot.number for lot in lots},
        ).values_list("pk", "material_id", "number")
    }
    for lot in lots:
        lot.pk = ids[(lot.material_id, lot.number)]
        lot._state.adding = False


def _resolve(req: LotRequest, by_id, by_number, new, posting_date) -> Lot | None:
    material = req.material
    if not material.batch_managed:
        if req.lot_id or req.number:
            raise ValidationFailed(
                _("%(material)s is not batch managed: leave the lot empty.")
                % {"material": material.code},
                code="invalid_stock_line",
            )
        return None
    if req.lot_id:
        lot = by_id.get(req.lot_id)
        if lot is None or lot.material_id != material.pk:
            raise NotFound()
        return lot
    number = req.number or number_next(doc_type=LOT_NUMBER_RULE, on_date=posting_date)
    key = (material.pk, number)
    if key in by_number:
        return by_number[key]
    if key not in new:
        new[key] = Lot(
            material=material,
            number=number,
            supplier_lot=req.supplier_lot,
            production_date=req.production_date,
            expiry_date=req.expiry_date
            or default_expiry(material, req.production_date, posting_date),
            status=LotStatus.QUARANTINE if req.quarantine else initial_status(material),
        )
    return new[key]


def lot_status_require_perm(actor) -> None:
    """Quality decides a lot's status; the warehouse role does not hold the permission
    (separation of duties: who receives a lot does not release it)."""
    if not has_perm(actor, "inventory.change_lot_status"):
        raise PermissionDenied(
            _(
                "Only quality (质量经理) may change a lot's quality status, e.g. 待检 or 不合格 → "
                "合格: whoever receives or stores a lot does not release it. Ask quality to "
                "inspect and release the lot."
            ),
            missing=["inventory.change_lot_status"],
        )


def lot_status_change(*, actor, lot_id: int, status: str, reason: str) -> Lot:
    """Change a lot's quality status (待检/合格/不合格/冻结), with a reason, in the history."""
    lot_status_require_perm(actor)
    if status not in LotStatus.values:
        raise ValidationFailed(_("Choose a lot status from the list."), code="invalid_lot_status")
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Enter the reason for the status change, for example the inspection number."),
            code="reason_required",
        )
    with transaction.atomic():
        lot = _lot_locked(lot_id)
        if status not in LOT_STATUS_TRANSITIONS[lot.status]:
            raise InvalidTransition(
                _("Lot %(lot)s is already %(status)s.")
                % {"lot": lot.number, "status": LotStatus(lot.status).label},
                code="lot_status_unchanged",
            )
        before = snapshot(lot, ["status"])
        LotStatusChange.objects.create(
            lot=lot,
            from_status=lot.status,
            to_status=status,
            reason=reason.strip()[:300],
            actor=actor,
        )
        lot.status = status
        lot.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="transition",
            obj=lot,
            changes=diff(before, snapshot(lot, ["status"])),
            note=reason.strip(),
        )
    return lot


def lot_attribute_set(
    *, actor, lot_id: int, name: str, value: Decimal | str, unit: str = ""
) -> LotAttribute:
    """Record a measured property of a lot (assay %, moisture %, viscosity...)."""
    require_perm(actor, "inventory.change_lot")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Enter the attribute name, for example 含量."), code="name_required"
        )
    if isinstance(value, float):
        raise TypeError("pass Decimal or str, never float")
    numeric = value if isinstance(value, Decimal) else None
    text = "" if numeric is not None else str(value).strip()
    if numeric is None and not text:
        raise ValidationFailed(_("Enter a value for the attribute."), code="value_required")
    with transaction.atomic():
        lot = _lot_locked(lot_id)
        attr, _created = LotAttribute.objects.update_or_create(
            lot=lot,
            name=name,
            defaults={"value_decimal": numeric, "value_text": text, "unit": unit.strip()},
        )
        audit_record(
            actor=actor,
            action="update",
            obj=lot,
            changes={name: [None, str(value)], "unit": unit},
        )
    return attr


def lot_attributes_from_inspection(
    *, actor, lot_id: int, values: list[tuple[str, Decimal, str]], note: str
) -> None:
    """Write measured values (name, value, unit) of an inspection onto the lot. The decision
    on an inspection is quality's (`inventory.change_lot_status`), so is recording what it
    measured: the quality manager need not hold the warehouse's `inventory.change_lot`."""
    lot_status_require_perm(actor)
    if not values:
        return
    with transaction.atomic():
        lot = _lot_locked(lot_id)
        for name, value, unit in values:
            LotAttribute.objects.update_or_create(
                lot=lot,
                name=name,
                defaults={"value_decimal": value, "value_text": "", "unit": unit},
            )
        audit_record(
            actor=actor,
            action="update",
            obj=lot,
            changes={name: [None, f"{value.normalize():f}{unit}"] for name, value, unit in values},
            note=note,
        )


def _lot_locked(lot_id: int) -> Lot:
    try:
        return Lot.objects.select_for_update().get(pk=lot_id)
    except (Lot.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None

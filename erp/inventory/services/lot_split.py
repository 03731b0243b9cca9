"""Lot split (批次拆分): part of a lot moves into a new child lot at the same locations, with
its own status. Quality's partial release (部分放行) releases the rest of a lot and rejects
this part; the genealogy link parent → child is what traceability walks.

The two halves of each location's move post as one internal move type (`lot_split`): out of
the parent at the material's average cost, into the child at the same cost, so the
material's quantity and value are unchanged and no voucher is made."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed
from erp.core.services.audit import audit_record
from erp.inventory.models import Lot, LotAttribute, LotSplit, StockBalance
from erp.inventory.services.lots import _lot_locked, lot_status_require_perm
from erp.inventory.services.posting import MoveSpec, StockSource, moves_post
from erp.inventory.states import LotStatus

LOT_SPLIT = "lot_split"
LOT_SPLIT_DOC = "inventory.lotsplit"
NUMBER_MAX = 60


def lot_split(
    *, actor, lot_id: int, quantity, status: str, reason: str, source: StockSource
) -> Lot:
    """Move `quantity` of the lot into a new child lot with `status`; returns the child. The
    split decides quality (who may change a lot's status may split it); nothing is written
    when the quantity is not less than what the lot has free."""
    lot_status_require_perm(actor)
    quantity = _quantity(quantity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Enter the reason for the split, for example the inspection number."),
            code="reason_required",
        )
    if status not in LotStatus.values:
        raise ValidationFailed(_("Choose a lot status from the list."), code="invalid_lot_status")
    with transaction.atomic():
        parent = _lot_locked(lot_id)
        takes = _takes(parent, quantity)
        child = _child_create(parent, status)
        moves_post(
            actor=actor,
            specs=[
                spec for location, qty in takes for spec in _halves(parent, child, location, qty)
            ],
            posting_date=timezone.localdate(),
            source=source,
            reason=reason,
        )
        split = LotSplit.objects.create(
            parent=parent,
            child=child,
            quantity=quantity,
            reason=reason[:300],
            source_type=source.type,
            source_id=str(source.id),
            source_number=source.number,
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="create",
            obj=split,
            changes={"parent": parent.number, "child": child.number, "quantity": str(quantity)},
            note=reason,
        )
    return child


def _quantity(raw) -> Decimal:
    if isinstance(raw, float):
        raise TypeError("pass Decimal or str, never float")
    try:
        quantity = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        quantity = None
    if quantity is None or not quantity.is_finite() or quantity <= 0:
        raise ValidationFailed(
            _("Enter the quantity to split off as a number greater than zero."),
            code="invalid_quantity",
            fields={"quantity": [str(_("Enter a number greater than zero."))]},
        )
    return quantity


def _takes(parent: Lot, quantity: Decimal) -> list[tuple[object, Decimal]]:
    """Where the split quantity comes from: the lot's free stock, location by location."""
    balances = (
        StockBalance.objects.filter(lot=parent, on_hand__gt=0)
        .select_related("location")
        .order_by("location__code", "pk")
    )
    on_hand = sum((b.on_hand for b in balances), Decimal(0))
    free = sum((b.on_hand - b.reserved for b in balances), Decimal(0))
    if quantity >= on_hand or quantity > free:
        raise ValidationFailed(
            _(
                "Lot %(lot)s has %(on_hand)s on hand (%(free)s not reserved): the quantity "
                "split off (%(quantity)s) must be less than that. Decide the whole lot instead, "
                "or release the reservations first."
            )
            % {
                "lot": parent.number,
                "on_hand": f"{on_hand.normalize():f}",
                "free": f"{free.normalize():f}",
                "quantity": f"{quantity.normalize():f}",
            },
            code="split_quantity_too_large",
            fields={"quantity": [str(_("Less than the lot's quantity."))]},
        )
    takes, left = [], quantity
    for b in balances:
        take = min(left, b.on_hand - b.reserved)
        if take > 0:
            takes.append((b.location, take))
            left -= take
        if left == 0:
            break
    return takes


def _child_number(parent: Lot) -> str:
    """P-001 → P-001-1, P-001-2…: the parent's number stays readable on the child's label."""
    taken = set(
        Lot.objects.filter(
            material_id=parent.material_id, number__startswith=f"{parent.number}-"
        ).values_list("number", flat=True)
    )
    no = 1
    while f"{parent.number}-{no}" in taken:
        no += 1
    suffix = f"-{no}"
    return parent.number[: NUMBER_MAX - len(suffix)] + suffix


def _child_create(parent: Lot, status: str) -> Lot:
    child = Lot.objects.create(
        material_id=parent.material_id,
        number=_child_number(parent),
        supplier_lot=parent.supplier_lot,
        production_date=parent.production_date,
        expiry_date=parent.expiry_date,
        status=status,
    )
    # The same goods: what was measured on the parent (含量 %) holds for the child.
    LotAttribute.objects.bulk_create(
        [
            LotAttribute(
                lot=child,
                name=a.name,
                value_decimal=a.value_decimal,
                value_text=a.value_text,
                unit=a.unit,
            )
            for a in parent.attributes.all()
        ]
    )
    return child


def _halves(parent: Lot, child: Lot, location, quantity: Decimal) -> list[MoveSpec]:
    material = parent.material
    return [
        MoveSpec(material, quantity, LOT_SPLIT, from_location=location, lot=parent),
        MoveSpec(material, quantity, LOT_SPLIT, to_location=location, lot=child),
    ]

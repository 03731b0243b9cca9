"""Stock counts (盘点): scope → frozen snapshot → counted quantities → variances posted.

The snapshot keeps each balance's book quantity at the freeze. The adjustment posted for a
line is its variance (counted − book at freeze) applied to the balance as it is at posting, so
stock moved between freeze and posting (a late delivery) is not undone by the count. Accuracy
(lines within tolerance / lines) is stored on the count for the inventory-accuracy KPI.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import Conflict, NotFound, ValidationFailed
from erp.core.money import round_amount, round_quantity
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.transitions import document_transition
from erp.inventory.models import MaterialValuation, StockBalance, StockCount, StockCountLine
from erp.inventory.services.documents import parse_date
from erp.inventory.services.posting import StockSource, stock_lock
from erp.inventory.services.retry import posting_retried
from erp.inventory.services.stock import CountLine, stock_count_adjust
from erp.inventory.states import StockCountState, stock_count_machine
from erp.masterdata.models import Location, MaterialCategory, Warehouse

MACHINE = stock_count_machine()
NUMBER_DOC_TYPE = "inventory.stockcount"
SOURCE_TYPE = "inventory.stockcount"
HEADER_FIELDS = ["date", "warehouse_id", "blind", "tolerance_percent", "note"]
# 盲盘: holders see the book quantities of a blind count; counters do not.
BOOK_QUANTITY_PERM = "inventory.see_count_book_quantity"


def count_book_visible(user, count: StockCount) -> bool:
    """Whether `user` may see the book quantities of `count` — and anything that reveals
    them (variance, variance value, within tolerance). A blind count (盲盘) shows them only to
    holders of `inventory.see_count_book_quantity`, whatever else the user may do: the one
    rule every page, print and API answer goes through."""
    return not count.blind or user.has_perm(BOOK_QUANTITY_PERM)


def stock_count_create(*, actor, header: dict[str, Any]) -> StockCount:
    """A draft count with its scope: warehouse, optionally location_ids and category_ids."""
    require_perm(actor, "inventory.add_stockcount")
    with transaction.atomic():
        count = StockCount(created_by=actor, state=StockCountState.DRAFT)
        _apply(count, header)
        count.save()
        _apply_scope(count, header)
        audit_record(actor=actor, action="create", obj=count, changes=_snap(count))
    return count


def stock_count_update(*, actor, count_id: int, header: dict[str, Any]) -> StockCount:
    require_perm(actor, "inventory.change_stockcount")
    with transaction.atomic():
        count = _locked(count_id)
        _refuse_unless(count, StockCountState.DRAFT)
        before = _snap(count)
        _apply(count, header)
        count.version += 1
        count.save()
        _apply_scope(count, header)
        audit_record(actor=actor, action="update", obj=count, changes=diff(before, _snap(count)))
    return count


def stock_count_freeze(*, actor, count_id: int, expected_version: int | None = None) -> StockCount:
    """Take the snapshot: one line per balance in scope with stock, book quantity and the
    material's average cost at this moment."""
    with transaction.atomic():
        count = document_transition(
            actor=actor,
            doc=_locked(count_id),
            machine=MACHINE,
            name="freeze",
            expected_version=expected_version,
        )
        balances = _balances_in_scope(count)
        costs = dict(
            MaterialValuation.objects.filter(
                material_id__in={b.material_id for b in balances}
            ).values_list("material_id", "unit_cost")
        )
        StockCountLine.objects.bulk_create(
            StockCountLine(
                count=count,
                line_no=no,
                material_id=b.material_id,
                location_id=b.location_id,
                lot_id=b.lot_id,
                book_quantity=b.on_hand,
                unit_cost=costs.get(b.material_id, Decimal(0)),
            )
            for no, b in enumerate(balances, start=1)
        )
        count.frozen_at = timezone.now()
        count.save(update_fields=["frozen_at"])
    return count


def _balances_in_scope(count: StockCount) -> list[StockBalance]:
    qs = StockBalance.objects.filter(location__warehouse_id=count.warehouse_id, on_hand__gt=0)
    location_ids = list(count.locations.values_list("pk", flat=True))
    if location_ids:
        qs = qs.filter(location_id__in=location_ids)
    category_ids = list(count.categories.values_list("pk", flat=True))
    if category_ids:
        qs = qs.filter(material__category_id__in=category_ids)
    return list(
        qs.select_related("material", "location", "lot").order_by(
            "location__code", "material__code", "lot__number"
        )
    )


def stock_count_enter(
    *, actor, count_id: int, counts: dict[int, Decimal | str | None]
) -> StockCount:
    """Record counted quantities {line id: quantity}; None or "" clears a line's count."""
    require_perm(actor, "inventory.count_stockcount")
    with transaction.atomic():
        count = _locked(count_id)
        _refuse_unless(count, StockCountState.COUNTING)
        lines = StockCountLine.objects.in_bulk([int(i) for i in counts])
        changes = {}
        for line_id, raw in counts.items():
            line = lines.get(int(line_id))
            if line is None or line.count_id != count.pk:
                raise NotFound()
            value = _counted(raw, line)
            if value != line.counted_quantity:
                changes[str(line.line_no)] = [line.counted_quantity, value]
                line.counted_quantity = value
                line.counted_by = actor if value is not None else None
                line.save(update_fields=["counted_quantity", "counted_by"])
        if changes:
            audit_record(actor=actor, action="update", obj=count, changes=changes, note="count")
    return count


def _counted(raw, line: StockCountLine) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, float):
        raise TypeError("pass Decimal or str, never float")
    try:
        value = round_quantity(Decimal(str(raw).strip().replace(",", "")))
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise ValidationFailed(
            _("Line %(no)s: enter the counted quantity as a number of zero or more.")
            % {"no": line.line_no},
            code="invalid_count",
            fields={str(line.pk): [str(_("Enter a number of zero or more."))]},
        )
    return value


@posting_retried
def stock_count_post(*, actor, count_id: int, expected_version: int | None = None) -> StockCount:
    """Post the variances (盘盈/盘亏), record accuracy. Every line must be counted."""
    require_perm(actor, "inventory.post_stockcount")
    with transaction.atomic():
        count = _locked(count_id)
        lines = list(count.lines.select_related("material"))
        missing = [ln.line_no for ln in lines if ln.counted_quantity is None]
        if count.state == StockCountState.COUNTING and missing:
            raise ValidationFailed(
                _(
                    "%(n)s lines are not counted yet (lines %(lines)s). Count them, enter 0 for "
                    "stock that is not there, then post."
                )
                % {"n": len(missing), "lines": ", ".join(map(str, missing[:10]))},
                code="count_incomplete",
            )
        count = document_transition(
            actor=actor,
            doc=count,
            machine=MACHINE,
            name="post",
            number_doc_type=NUMBER_DOC_TYPE,
            on_date=count.date,
            expected_version=expected_version,
        )
        _post_variances(actor, count, lines)
        _record_accuracy(count, lines)
    return count


def _post_variances(actor, count: StockCount, lines: list[StockCountLine]) -> None:
    changed = [ln for ln in lines if ln.variance]
    if not changed:
        return
    keys = [(ln.material_id, ln.location_id, ln.lot_id) for ln in changed]
    balances = stock_lock(keys=keys)
    stock_count_adjust(
        actor=actor,
        lines=[
            CountLine(
                material_id=ln.material_id,
                location_id=ln.location_id,
                lot_id=ln.lot_id,
                counted_quantity=_target(balances[key].on_hand, ln),
                source_line_id=str(ln.pk),
            )
            for ln, key in zip(changed, keys, strict=True)
        ],
        posting_date=count.date,
        source=StockSource(SOURCE_TYPE, count.pk, count.number),
        reason=str(_("Stock count %(number)s") % {"number": count.number}),
    )
    # The 盘盈/盘亏 voucher (待处理财产损溢) is posted by the gate in the same transaction.


def _target(on_hand_now: Decimal, line: StockCountLine) -> Decimal:
    target = on_hand_now + line.variance
    if target < 0:
        raise ValidationFailed(
            _(
                "Line %(no)s (%(material)s): stock was issued after the snapshot, so the "
                "counted shortage cannot be posted. Recount the line and post again."
            )
            % {"no": line.line_no, "material": line.material.code},
            code="count_stale",
        )
    return target


def line_within_tolerance(line: StockCountLine, tolerance_percent: Decimal) -> bool:
    allowed = line.book_quantity * tolerance_percent / Decimal(100)
    return abs(line.variance or Decimal(0)) <= allowed


def _record_accuracy(count: StockCount, lines: list[StockCountLine]) -> None:
    within = sum(1 for ln in lines if line_within_tolerance(ln, count.tolerance_percent))
    count.lines_total = len(lines)
    count.lines_within = within
    count.accuracy_percent = (
        round_amount(Decimal(within) * 100 / Decimal(len(lines))) if lines else None
    )
    count.posted_at = timezone.now()
    count.save(update_fields=["lines_total", "lines_within", "accuracy_percent", "posted_at"])


def stock_count_cancel(*, actor, count_id: int, expected_version: int | None = None) -> StockCount:
    with transaction.atomic():
        return document_transition(
            actor=actor,
            doc=_locked(count_id),
            machine=MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def variance_value(line: StockCountLine) -> Decimal | None:
    if line.variance is None:
        return None
    return round_amount(line.variance * line.unit_cost)


# --- helpers -----------------------------------------------------------------------------


def _locked(count_id) -> StockCount:
    try:
        return StockCount.objects.select_for_update().get(pk=count_id)
    except (StockCount.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _refuse_unless(count: StockCount, state: str) -> None:
    if count.state != state:
        raise Conflict(
            _("Stock count %(doc)s is %(state)s: this is not possible now.")
            % {"doc": count.number or count.pk, "state": MACHINE.label(count.state)},
            code="document_frozen",
            state=count.state,
        )


def _snap(count: StockCount) -> dict:
    data = snapshot(count, HEADER_FIELDS)
    if count.pk:
        data["locations"] = sorted(count.locations.values_list("code", flat=True))
        data["categories"] = sorted(count.categories.values_list("code", flat=True))
    return data


def _field_error(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_document", fields={field: [str(message)]})


def _apply(count: StockCount, header: dict[str, Any]) -> None:

    if "date" in header or count.date is None:
        count.date = parse_date(header.get("date")) or timezone.localdate()
    if "warehouse_id" in header or not count.warehouse_id:
        try:
            count.warehouse = Warehouse.objects.get(pk=header.get("warehouse_id"))
        except (Warehouse.DoesNotExist, ValueError, TypeError):
            raise _field_error("warehouse_id", _("Choose a warehouse from the list.")) from None
    if "blind" in header:
        count.blind = bool(header["blind"])
    if "tolerance_percent" in header:
        count.tolerance_percent = _tolerance(header["tolerance_percent"])
    if "note" in header:
        count.note = (header.get("note") or "").strip()


def _tolerance(raw) -> Decimal:
    try:
        value = Decimal(str(raw if raw not in (None, "") else "0"))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= 100:
        raise _field_error("tolerance_percent", _("Enter a tolerance between 0 and 100 (%)."))
    return value


def _apply_scope(count: StockCount, header: dict[str, Any]) -> None:
    if "location_ids" in header:
        ids = [int(i) for i in header["location_ids"] or []]
        locations = list(Location.objects.filter(pk__in=ids, warehouse_id=count.warehouse_id))
        if len(locations) != len(set(ids)):
            raise _field_error("location_ids", _("Choose locations of the count's warehouse only."))
        count.locations.set(locations)
    elif count.locations.exclude(warehouse_id=count.warehouse_id).exists():
        count.locations.clear()
    if "category_ids" in header:
        ids = [int(i) for i in header["category_ids"] or []]
        count.categories.set(MaterialCategory.objects.filter(pk__in=ids))

"""Inventory's user-facing errors: each names the lot, material or location concerned and says
what to do. Built here so every service words the same fact the same way."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError, Conflict, NotFound, ValidationFailed
from erp.inventory.states import LotStatus

_STATUS_MESSAGES = {
    LotStatus.QUARANTINE: _(
        "Lot %(lot)s is in quarantine: finish the incoming inspection and release it first."
    ),
    LotStatus.REJECTED: _(
        "Lot %(lot)s is rejected: it can only be moved to a scrap or quarantine location, "
        "scrapped or returned."
    ),
    LotStatus.BLOCKED: _("Lot %(lot)s is blocked: ask quality to lift the block first."),
    LotStatus.RELEASED: _("Lot %(lot)s is released and cannot be used for this."),
}


def lot_status_refused(lot, move_type: str) -> BusinessRuleError:
    return BusinessRuleError(
        _STATUS_MESSAGES[lot.status] % {"lot": lot.number},
        code="lot_status_refused",
        lot=lot.number,
        status=lot.status,
        move_type=move_type,
    )


def lot_expired(lot, on_date: date) -> BusinessRuleError:
    return BusinessRuleError(
        _("Lot %(lot)s expired on %(expiry)s: it cannot be issued. Scrap it or extend its expiry.")
        % {"lot": lot.number, "expiry": lot.expiry_date.isoformat()},
        code="lot_expired",
        lot=lot.number,
        expiry_date=lot.expiry_date,
        posting_date=on_date,
    )


def expiry_before_production(
    *, line_no: int, material, lot_number: str, production: date, expiry: date
) -> ValidationFailed:
    """A receipt line whose expiry date lies before its production date (a typing error)."""
    message = _(
        "Line %(no)s (%(material)s, lot %(lot)s): the expiry date %(expiry)s is before the "
        "production date %(production)s. Check both dates on the label and correct them."
    ) % {
        "no": line_no,
        "material": material.code,
        "lot": lot_number or "-",
        "expiry": expiry.isoformat(),
        "production": production.isoformat(),
    }
    return ValidationFailed(
        message,
        code="expiry_before_production",
        fields={f"lines.{line_no}.expiry_date": [str(message)]},
        line=line_no,
        material=material.code,
    )


def receipt_lot_expired(
    *, line_no: int, material, lot_number: str, expiry: date, on_date: date
) -> ValidationFailed:
    """A receipt line whose lot is already past its expiry date at the posting date."""
    message = _(
        "Line %(no)s (%(material)s, lot %(lot)s) expired on %(expiry)s, before the posting date "
        "%(date)s: expired stock cannot be received. Check the expiry date, or refuse the goods."
    ) % {
        "no": line_no,
        "material": material.code,
        "lot": lot_number or "-",
        "expiry": expiry.isoformat(),
        "date": on_date.isoformat(),
    }
    return ValidationFailed(
        message,
        code="receipt_lot_expired",
        fields={f"lines.{line_no}.expiry_date": [str(message)]},
        line=line_no,
        material=material.code,
        expiry_date=expiry,
        posting_date=on_date,
    )


def insufficient_stock(
    *, material, location, lot, available: Decimal, requested: Decimal
) -> BusinessRuleError:
    return BusinessRuleError(
        _(
            "Not enough stock of %(material)s, lot %(lot)s at %(location)s: %(available)s "
            "available, %(requested)s requested. Reduce the quantity or receive stock first."
        )
        % {
            "material": material.code,
            "lot": lot.number if lot else "-",
            "location": f"{location.warehouse.code}/{location.code}",
            "available": _qty(available),
            "requested": _qty(requested),
        },
        code="insufficient_stock",
        material=material.code,
        lot=lot.number if lot else None,
        location=location.pk,
        available=available,
        requested=requested,
    )


def backdated_goes_negative(
    *, material, location, lot, move, running: Decimal
) -> BusinessRuleError:
    """A backdated outflow (or a reversal) would leave a later point of the ledger negative."""
    return BusinessRuleError(
        _(
            "Posting this on an earlier date would leave %(material)s, lot %(lot)s at %(location)s "
            "at %(running)s after %(source)s dated %(date)s. Post it with today's date, or "
            "reverse %(source)s first."
        )
        % {
            "material": material.code,
            "lot": lot.number if lot else "-",
            "location": f"{location.warehouse.code}/{location.code}",
            "running": _qty(running),
            "source": f"{move.source_type} {move.source_id}",
            "date": move.posting_date.isoformat(),
        },
        code="backdated_negative",
        first_negative_source_type=move.source_type,
        first_negative_source_id=move.source_id,
        first_negative_move=move.pk,
        running=running,
    )


def backdated_before_count(*, material, location, count_move) -> BusinessRuleError:
    return BusinessRuleError(
        _(
            "A stock count dated %(date)s (%(source)s) already fixed the quantity of %(material)s "
            "at %(location)s. Date this posting on or after the count."
        )
        % {
            "date": count_move.posting_date.isoformat(),
            "source": count_move.source_id,
            "material": material.code,
            "location": f"{location.warehouse.code}/{location.code}",
        },
        code="backdated_before_count",
        count_move=count_move.pk,
    )


def future_posting_date(posting_date: date) -> ValidationFailed:
    return ValidationFailed(
        _("The posting date %(date)s is in the future. Post stock on today's date or earlier.")
        % {"date": posting_date.isoformat()},
        code="posting_date_future",
    )


def invalid_line(message, **details) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_stock_line", **details)


def not_found() -> NotFound:
    return NotFound()


def posting_conflict() -> Conflict:
    return Conflict(
        _(
            "Other users were posting the same stock at the same moment and this posting could "
            "not get through. Nothing was saved: try again."
        ),
        code="stock_posting_conflict",
    )


def _qty(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def not_enough_available(*, material, available: Decimal, requested: Decimal) -> BusinessRuleError:
    return BusinessRuleError(
        _(
            "Not enough released stock of %(material)s: %(available)s available, %(requested)s "
            "requested. Reduce the quantity, release quarantined lots or receive stock first."
        )
        % {"material": material.code, "available": _qty(available), "requested": _qty(requested)},
        code="insufficient_stock",
        material=material.code,
        available=available,
        requested=requested,
    )

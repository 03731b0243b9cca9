"""What every purchasing service shares: locking a document, refusing stale or frozen edits,
and reading line input (quantities, prices, dates) with messages that name the line."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from erp.core.errors import Conflict, NotFound, ValidationFailed
from erp.masterdata.vat import PRICE_PLACES, QUANTITY_PLACES, places

MAX_LINES = 200


def locked(model, doc_id):
    """The document row under a lock (select_for_update), or 404."""
    try:
        pk = int(doc_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    doc = model.objects.select_for_update().filter(pk=pk).first()
    if doc is None:
        raise NotFound()
    return doc


def version_check(doc, expected_version) -> None:
    if expected_version is not None and doc.version != int(expected_version):
        raise Conflict(
            _("The document was changed by someone else meanwhile. Reload it and try again."),
            code="version_conflict",
            expected=expected_version,
            actual=doc.version,
        )


def refuse_unless(doc, states: tuple[str, ...]) -> None:
    if doc.state not in states:
        raise Conflict(
            _("%(doc)s is %(state)s and can no longer be changed.")
            % {"doc": doc, "state": doc.get_state_display()},
            code="document_frozen",
        )


def line_error(n: int, field: str, message) -> ValidationFailed:
    """A refusal naming the line and the field: "第 2 行 数量: ..."."""
    text = _("Line %(n)s, %(field)s: %(message)s") % {
        "n": n,
        "field": field,
        "message": message,
    }
    return ValidationFailed(text, code="invalid_line", line=n, fields={field: [str(text)]})


def decimal_in(value, n: int, field: str, label, *, max_places: int, positive: bool = True):
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise line_error(n, field, _("enter a number such as 12.5 for %(what)s.") % {"what": label})
    if places(number) > max_places:
        raise line_error(
            n, field, _("%(what)s has at most %(p)s decimals.") % {"what": label, "p": max_places}
        )
    if number < 0 or (positive and number == 0):
        raise line_error(n, field, _("%(what)s must be greater than zero.") % {"what": label})
    return number


def quantity_in(value, n: int, field: str = "quantity") -> Decimal:
    return decimal_in(value, n, field, _("quantity"), max_places=QUANTITY_PLACES)


def price_in(value, n: int, field: str = "price") -> Decimal:
    return decimal_in(value, n, field, _("unit price"), max_places=PRICE_PLACES, positive=False)


def date_in(value, field: str, label, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(fields={field: [str(_("Enter %(what)s.") % {"what": label})]})
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(fields={field: [str(_("Enter the date as 2026-03-01."))]}) from None


def too_many_lines(lines) -> None:
    if len(lines) > MAX_LINES:
        raise ValidationFailed(
            _("A document has at most %(n)s lines.") % {"n": MAX_LINES}, code="too_many_lines"
        )

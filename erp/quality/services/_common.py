"""Helpers the quality services share: row locks, the draft/version guards, decimal input."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from erp.core.errors import Conflict, NotFound, ValidationFailed


def locked(model, pk):
    try:
        return model.objects.select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def refuse_unless(doc, states: tuple[str, ...], machine) -> None:
    if doc.state not in states:
        raise Conflict(
            _("The document is %(state)s and can no longer be changed.")
            % {"state": machine.label(doc.state)},
            code="document_frozen",
        )


def version_check(doc, expected_version: int | None) -> None:
    if expected_version is not None and doc.version != expected_version:
        raise Conflict(
            _("The document was changed by someone else meanwhile. Reload it and try again."),
            code="version_conflict",
            expected=expected_version,
            actual=doc.version,
        )


def decimal_or_none(value, *, field: str, label) -> Decimal | None:
    """A decimal from a form or API value ("" and None: no value). Floats are refused: they
    would carry binary rounding into limits and results."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        raise TypeError("pass Decimal or str, never float")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationFailed(
            _("%(field)s: enter a number, for example 98.5.") % {"field": label},
            code="invalid_number",
            fields={field: [str(_("Enter a number."))]},
        )
    return number

"""Reading service input (form and API dictionaries): numbers, dates, records, draft checks.
Errors name the field so the form and the API show them where they belong."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from erp.core.errors import Conflict, NotFound, ValidationFailed


def field_error(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_document", fields={field: [str(message)]})


def decimal_in(value, field: str, *, required: bool = True) -> Decimal | None:
    if isinstance(value, float):
        raise TypeError("pass Decimal or str, never float")
    if value in (None, ""):
        if required:
            raise field_error(field, _("Enter a number, e.g. 12.5."))
        return None
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise field_error(field, _("Enter a number, e.g. 12.5.")) from None
    if not result.is_finite():
        raise field_error(field, _("Enter a number, e.g. 12.5."))
    return result


def date_in(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise field_error(field, _("Enter the date as YYYY-MM-DD, e.g. 2026-03-01.")) from None


def record_in(model, pk, field: str):
    try:
        return model.objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise field_error(field, _("Choose a valid value from the list.")) from None


def locked(model, pk):
    try:
        return model.objects.select_for_update().get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def refuse_unless_draft(doc, machine) -> None:
    if doc.state != "draft":
        raise Conflict(
            _(
                "%(doc)s is %(state)s and can no longer be changed. Create a new version or "
                "document to change it."
            )
            % {"doc": doc.number or doc.pk, "state": machine.label(doc.state)},
            code="document_frozen",
            state=doc.state,
        )


def version_check(doc, expected_version) -> None:
    if expected_version is not None and doc.version != expected_version:
        raise Conflict(
            _("The document was changed by someone else meanwhile. Reload it and try again."),
            code="version_conflict",
        )

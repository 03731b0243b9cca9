"""Change the company's own settings (the single Company row, pk=1)."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.models import Company
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.validators import validate_logo, validate_uscc

EDITABLE = ["name", "uscc", "address", "phone", "fiscal_year_start_month"]


def company_update(
    *,
    actor,
    name: str | None = None,
    uscc: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    fiscal_year_start_month: int | None = None,
    logo: UploadedFile | None = None,
    remove_logo: bool = False,
) -> Company:
    """Update the fields given (None = unchanged); creates the row on first use.

    The currency is not a parameter: books are kept in CNY and it cannot be changed here."""
    require_perm(actor, "core.change_company")
    values = {
        "name": name,
        "uscc": uscc,
        "address": address,
        "phone": phone,
        "fiscal_year_start_month": fiscal_year_start_month,
    }
    changes = {k: v for k, v in values.items() if v is not None}
    _validate(changes, logo)
    with transaction.atomic():
        company = Company.objects.select_for_update().filter(pk=1).first()
        created = company is None
        if created:
            company = Company(pk=1, name=changes.get("name", ""))
        before = _snapshot(company)
        for key, value in changes.items():
            setattr(company, key, value)
        _check_model(company)
        if remove_logo and company.logo:
            company.logo = ""
        if logo is not None:
            company.logo.save(logo.name, logo, save=False)
        company.save()
        audit_record(
            actor=actor,
            action="core.company_create" if created else "core.company_update",
            obj=company,
            changes=diff(before, _snapshot(company)),
        )
    return company


def _validate(changes: dict, logo: UploadedFile | None) -> None:
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    if changes.get("uscc"):
        changes["uscc"] = changes["uscc"].strip().upper()
        _collect(errors, "uscc", validate_uscc, changes["uscc"])
    month = changes.get("fiscal_year_start_month")
    if month is not None and not 1 <= int(month) <= 12:
        errors["fiscal_year_start_month"] = [_("Choose a month from 1 to 12.")]
    if logo is not None:
        _collect(errors, "logo", validate_logo, logo)
    if errors:
        raise ValidationFailed(fields=errors)


def _snapshot(company: Company) -> dict:
    return {**snapshot(company, EDITABLE), "logo": company.logo.name or ""}


def _check_model(company: Company) -> None:
    # Lengths and required fields as the model declares them, for callers other than the form.
    try:
        company.full_clean(exclude=["logo"])
    except ValidationError as exc:
        raise ValidationFailed(
            fields={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from None


def _collect(errors: dict, field: str, validator, value) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        errors[field] = [str(m) for m in exc.messages]

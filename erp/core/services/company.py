"""Change the company's own settings (the single Company row, pk=1)."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.models import Company
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.validators import logo_as_png, validate_uscc

EDITABLE = [
    "name",
    "uscc",
    "address",
    "phone",
    "fiscal_year_start_month",
    "system_vouchers_need_review",
]
# The logo is always stored re-encoded under this one name, whatever the upload was called: a
# PNG uploaded as "logo.html" must not be served back as a web page (see core:company_logo).
LOGO_NAME = "company/logo.png"


def company_update(
    *,
    actor,
    name: str | None = None,
    uscc: str | None = None,
    address: str | None = None,
    phone: str | None = None,
    fiscal_year_start_month: int | None = None,
    system_vouchers_need_review: bool | None = None,
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
        "system_vouchers_need_review": system_vouchers_need_review,
    }
    changes = {k: v for k, v in values.items() if v is not None}
    logo_png = _validate(changes, logo)
    with transaction.atomic():
        company = Company.objects.select_for_update().filter(pk=1).first()
        created = company is None
        if created:
            company = Company(pk=1, name=changes.get("name", ""))
        before = _snapshot(company)
        for key, value in changes.items():
            setattr(company, key, value)
        _check_model(company)
        if (remove_logo or logo_png is not None) and company.logo:
            old_name, storage = company.logo.name, company.logo.storage
            if old_name != LOGO_NAME:  # a logo stored before the fixed name: gone once saved
                transaction.on_commit(lambda: storage.delete(old_name))
            company.logo = ""
        if remove_logo and logo_png is None:
            transaction.on_commit(lambda: Company.logo.field.storage.delete(LOGO_NAME))
        if logo_png is not None:
            # Overwrite in place: the storage would save beside an existing file under a new name.
            company.logo.storage.delete(LOGO_NAME)
            company.logo.save(LOGO_NAME.removeprefix("company/"), ContentFile(logo_png), save=False)
        company.save()
        audit_record(
            actor=actor,
            action="core.company_create" if created else "core.company_update",
            obj=company,
            changes=diff(before, _snapshot(company)),
        )
    return company


def _validate(changes: dict, logo: UploadedFile | None) -> bytes | None:
    """Normalise `changes` in place; returns the logo re-encoded as PNG (None: no upload)."""
    errors: dict[str, list[str]] = {}
    logo_png = None
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    if changes.get("uscc"):
        changes["uscc"] = changes["uscc"].strip().upper()
        _collect(errors, "uscc", validate_uscc, changes["uscc"])
    month = changes.get("fiscal_year_start_month")
    if month is not None and not 1 <= int(month) <= 12:
        errors["fiscal_year_start_month"] = [_("Choose a month from 1 to 12.")]
    if logo is not None:
        logo_png = _collect(errors, "logo", logo_as_png, logo)
    if errors:
        raise ValidationFailed(fields=errors)
    return logo_png


def _snapshot(company: Company) -> dict:
    return {**snapshot(company, EDITABLE), "logo": _logo_fingerprint(company)}


def _logo_fingerprint(company: Company) -> str:
    """The name and a digest of the stored logo: the name alone is always the same, so a
    replaced logo would not show in the audit."""
    if not company.logo:
        return ""
    try:
        with company.logo.storage.open(company.logo.name, "rb") as stored:
            digest = hashlib.sha256(stored.read()).hexdigest()[:12]
    except OSError:
        return company.logo.name
    return f"{company.logo.name} sha256:{digest}"


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
        return validator(value)
    except ValidationError as exc:
        errors[field] = [str(m) for m in exc.messages]
        return None

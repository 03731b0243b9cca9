"""Model validation for services: Django's field and constraint checks, reported as one
ValidationFailed with per-field messages (translated), so pages, API and imports show the same."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed


def validate_model(obj: models.Model, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        fields = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        raise ValidationFailed(fields=fields) from None


def apply_fields(obj: models.Model, data: dict, allowed: set[str]) -> list[str]:
    """Set only allowlisted attributes (mass assignment guard); return the names that changed."""
    changed = []
    for name, value in data.items():
        if name not in allowed:
            raise ValidationFailed(
                fields={name: [_("This field cannot be set here. Leave it out of the request.")]},
                code="field_not_allowed",
            )
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed

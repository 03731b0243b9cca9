"""Domain errors: a stable code, a translatable message, details for the caller.

Every user-facing failure raises one of these. Views show `message`; the API returns
{"code", "message", "details"} with `status`.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "error"
    default_message = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, code: str | None = None, **details: Any) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": _plain(self.details)}


class BusinessRuleError(DomainError):
    """Input is well-formed but a business rule refuses it (insufficient stock, period closed)."""

    status = 400
    code = "business_rule"


class ValidationFailed(DomainError):
    """Field-level problems; details["fields"] maps field name to a list of messages."""

    status = 400
    code = "validation_failed"
    default_message = _("Some fields are not valid. Correct them and try again.")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _(
        "You do not have permission to do this. Ask your system administrator for the role."
    )


class NotFound(DomainError):
    """One uniform answer for 'does not exist' and 'exists but not yours'."""

    status = 404
    code = "not_found"
    default_message = _("The record does not exist or you cannot access it.")


class Conflict(DomainError):
    """The record changed state meanwhile (already posted, edited by someone else)."""

    status = 409
    code = "conflict"
    default_message = _("The record was changed meanwhile. Reload it and try again.")


class InvalidTransition(Conflict):
    code = "invalid_transition"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)

"""Audit events for logins and refused (locked-out) attempts."""

from django.db import transaction

from erp.core.services.audit import audit_record
from erp.iam.models import User


def login_record(*, user: User, ip_address: str = "") -> None:
    with transaction.atomic():
        audit_record(actor=user, action="login", obj=user, note=f"ip={ip_address}")


def login_denied_record(*, username: str, ip_address: str = "", reason: str = "locked_out") -> None:
    """An attempt refused because the account/address is locked. The user name is whatever was
    typed, so it is stored escaped and cut, and linked to a user only if one has that name."""
    user = User.objects.filter(username=username).first() if username else None
    with transaction.atomic():
        audit_record(
            actor=None,
            action="denied",
            object_type="iam.user",
            object_id=str(user.pk) if user else "",
            object_repr=username[:150],
            note=f"{reason} ip={ip_address}",
        )

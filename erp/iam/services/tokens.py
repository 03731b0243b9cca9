"""Personal API tokens: create (secret shown once), revoke, authenticate by digest."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.errors import NotFound, PermissionDenied, ValidationFailed
from erp.core.services.audit import audit_record, snapshot
from erp.iam.models import ApiToken, User

TOKEN_PREFIX = "erp_"
# Writing last_used_at on every call would take the SQLite write lock on every API read.
_TOUCH_INTERVAL = timedelta(minutes=5)
_AUDIT_FIELDS = ["name", "prefix", "revoked_at"]


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _require_active(actor) -> None:
    if actor is None or not getattr(actor, "is_active", False):
        raise PermissionDenied()


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the actor themself; returns it and the secret (never stored)."""
    _require_active(actor)
    name = name.strip()
    if not name:
        raise ValidationFailed(
            fields={"name": [_("Give the token a name, e.g. the program using it.")]}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name[:100], prefix=secret[:12], digest=token_digest(secret)
        )
        audit_record(actor=actor, action="create", obj=token, changes={"name": [None, token.name]})
    return token, secret


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens; someone else's token is 'not found'."""
    _require_active(actor)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound()
        if token.revoked_at is None:
            before = snapshot(token, _AUDIT_FIELDS)
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="update",
                obj=token,
                changes={"revoked_at": [before["revoked_at"], str(token.revoked_at)]},
                note="revoked",
            )
    return token


def api_token_authenticate(*, secret: str) -> User | None:
    """The active owner of a valid, unrevoked token, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

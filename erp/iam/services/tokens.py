"""Personal API tokens: create (secret shown once), revoke, authenticate by digest.

A token works settings.ERP_API_TOKEN_DAYS days from its creation, and every token of a user is
revoked when that user's password changes (user_set_password), as their sessions end."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from erp.core.services.audit import audit_record, snapshot
from erp.iam.models import ApiToken, User

TOKEN_PREFIX = "erp_"
# Writing last_used_at on every call would take the SQLite write lock on every API read.
_TOUCH_INTERVAL = timedelta(minutes=5)
_AUDIT_FIELDS = ["name", "prefix", "revoked_at"]


# Why a known token was refused: the API answers 401 with the message (erp/core/api.py renders
# every DomainError). Kept here rather than in erp/iam/errors.py, which another change owns.
class ApiTokenExpired(DomainError):
    status = 401
    code = "token_expired"
    default_message = _(
        "This API token has expired. Create a new one under My API tokens and put it in the "
        "program that uses the API."
    )


class ApiTokenRevoked(DomainError):
    status = 401
    code = "token_revoked"
    default_message = _(
        "This API token was revoked (by its owner, or because the owner's password changed). "
        "Create a new one under My API tokens and put it in the program that uses the API."
    )


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
            user=actor,
            name=name[:100],
            prefix=secret[:12],
            digest=token_digest(secret),
            expires_at=timezone.now() + timedelta(days=settings.ERP_API_TOKEN_DAYS),
        )
        audit_record(
            actor=actor,
            action="create",
            obj=token,
            changes={"name": [None, token.name], "expires_at": [None, str(token.expires_at)]},
        )
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


def api_tokens_revoke_all(*, actor: User, user: User, note: str) -> int:
    """Revoke every live token of `user` (inside the caller's transaction); returns how many.

    Called by user_set_password: whoever learnt the old password may have made a token."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="update",
            obj=token,
            changes={"revoked_at": [None, str(now)]},
            note=note,
        )
    return len(tokens)


def api_token_authenticate(*, secret: str) -> User | None:
    """The active owner of a valid, unrevoked, unexpired token; None for an unknown token.

    A known token that was revoked or has expired raises ApiTokenRevoked / ApiTokenExpired, so
    the program's operator reads why it stopped working and what to do."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
    if token is None or not token.user.is_active:
        return None
    if token.revoked_at is not None:
        raise ApiTokenRevoked()
    now = timezone.now()
    if token.expires_at <= now:
        raise ApiTokenExpired()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

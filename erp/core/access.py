"""Permission checks used by services (the authority; templates only hide buttons)."""

from erp.core.errors import PermissionDenied


def require_perm(actor, *perms: str) -> None:
    """Refuse unless the actor holds every named permission ("app_label.codename")."""
    if actor is None or not getattr(actor, "is_active", False):
        raise PermissionDenied()
    missing = [p for p in perms if not actor.has_perm(p)]
    if missing:
        raise PermissionDenied(missing=missing)


def has_perm(actor, perm: str) -> bool:
    return bool(actor and getattr(actor, "is_active", False) and actor.has_perm(perm))

"""Users: create, change, set password, set language. Every write checks permissions and leaves
an audit event; password values are never logged."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, NotFound, PermissionDenied, ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.iam.models import Role, User
from erp.iam.services.tokens import api_token_create, api_token_revoke, api_tokens_revoke_all

__all__ = [
    "api_token_create",
    "api_token_revoke",
    "user_create",
    "user_set_language",
    "user_set_password",
    "user_update",
]

_FIELDS = ["username", "full_name", "phone", "is_active", "department"]


def _state(user: User) -> dict:
    data = snapshot(user, _FIELDS)
    data["roles"] = sorted(
        user.groups.filter(role__isnull=False).values_list("role__code", flat=True)
    )
    return data


def _roles(codes: Iterable[str]) -> list[Role]:
    codes = sorted(set(codes))
    roles = list(Role.objects.filter(code__in=codes).select_related("group"))
    unknown = sorted(set(codes) - {r.code for r in roles})
    if unknown:
        raise ValidationFailed(
            _("Unknown role: %(codes)s. Choose roles from the role list.")
            % {"codes": ", ".join(unknown)},
            fields={"role_codes": unknown},
        )
    return roles


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The password is not strong enough. Choose a longer, less common password."),
            fields={"password": list(exc.messages)},
        ) from exc


check_password = _check_password  # the set-up wizard checks its administrator's password


def _department(department_id: int | None):
    from erp.iam.models import Department

    if department_id in (None, ""):
        return None
    department = Department.objects.filter(pk=department_id, is_active=True).first()
    if department is None:
        raise ValidationFailed(
            fields={"department": [_("Choose an active department from the list.")]}
        )
    return department


def _get_for_update(user_id: int) -> User:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user


def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    role_codes: Iterable[str] = (),
    department_id: int | None = None,
) -> User:
    """Create an active user with the given roles. Never staff or superuser. The password is
    an initial one: the user must change it at the first login."""
    require_perm(actor, "iam.add_user")
    username = username.strip()
    if not username:
        raise ValidationFailed(fields={"username": [_("Enter a user name.")]})
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationFailed(
                _("The user name %(name)s is taken. Choose another one.") % {"name": username},
                fields={"username": [_("This user name is taken.")]},
            )
        roles = _roles(role_codes)
        user = User(
            username=username,
            full_name=full_name.strip(),
            phone=phone.strip(),
            department=_department(department_id),
            must_change_password=True,
        )
        _check_password(password, user)
        user.set_password(password)
        user.save()
        user.groups.set([r.group for r in roles])
        audit_record(actor=actor, action="create", obj=user, changes=diff({}, _state(user)))
    return user


def user_update(
    *,
    actor: User,
    user_id: int,
    full_name: str,
    phone: str,
    is_active: bool,
    role_codes: Iterable[str],
    department_id: int | None = None,
) -> User:
    require_perm(actor, "iam.change_user")
    with transaction.atomic():
        user = _get_for_update(user_id)
        if user.pk == actor.pk and not is_active:
            raise BusinessRuleError(
                _("You cannot deactivate your own account. Ask another administrator to do it."),
                code="cannot_deactivate_self",
            )
        before = _state(user)
        roles = _roles(role_codes)
        user.full_name, user.phone, user.is_active = full_name.strip(), phone.strip(), is_active
        user.department = _department(department_id)
        user.save(update_fields=["full_name", "phone", "is_active", "department"])
        # Keep any non-role groups untouched; roles are the groups linked to a Role.
        others = list(user.groups.filter(role__isnull=True))
        user.groups.set(others + [r.group for r in roles])
        changes = diff(before, _state(user))
        if changes:
            audit_record(actor=actor, action="update", obj=user, changes=changes)
    return user


def user_set_password(*, actor: User, user_id: int, password: str) -> User:
    """Set a password: one's own, or anyone's with iam.change_user. The changed password hash
    invalidates every existing session of that user (Django's session auth hash) and every API
    token is revoked; the caller keeps its own session with update_session_auth_hash. A password
    an administrator sets for someone else is an initial one again: that user must change it at
    the next login."""
    if actor is None or not actor.is_active:
        raise PermissionDenied()
    if actor.pk != user_id:
        require_perm(actor, "iam.change_user")
    with transaction.atomic():
        user = _get_for_update(user_id)
        _check_password(password, user)
        own = actor.pk == user.pk
        user.set_password(password)
        user.must_change_password = not own
        user.save(update_fields=["password", "must_change_password"])
        audit_record(
            actor=actor,
            action="update",
            obj=user,
            changes={"password": ["***", "***"]},
            note="password changed" if own else "password reset by administrator",
        )
        api_tokens_revoke_all(actor=actor, user=user, note="revoked: password changed")
    return user


def user_set_language(*, actor: User, language: str) -> User:
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise ValidationFailed(
            _("Unknown language. Choose one from the list."), fields={"language": [language]}
        )
    if actor is None or not actor.is_active:
        raise PermissionDenied()
    with transaction.atomic():
        user = _get_for_update(actor.pk)
        before = user.language
        if before != language:
            user.language = language
            user.save(update_fields=["language"])
            audit_record(
                actor=actor, action="update", obj=user, changes={"language": [before, language]}
            )
    return user

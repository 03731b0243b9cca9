"""出差委托: let someone decide your approvals for a period."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.approvals.models import Delegation
from erp.core.access import has_perm
from erp.core.errors import NotFound, PermissionDenied, ValidationFailed
from erp.core.services.audit import audit_record, snapshot
from erp.iam.models import User

_FIELDS = ["from_user_id", "to_user_id", "start", "end", "reason", "is_active"]


def _may_manage(actor, from_user_id: int) -> bool:
    # One's own delegation needs no permission; someone else's needs the administrator's.
    return actor.pk == from_user_id or has_perm(actor, "approvals.change_delegation")


def delegation_create(
    *, actor, from_user_id: int, to_user_id: int, start: dt.date, end: dt.date, reason: str = ""
) -> Delegation:
    if actor is None or not actor.is_active or not _may_manage(actor, from_user_id):
        raise PermissionDenied()
    if from_user_id == to_user_id:
        raise ValidationFailed(fields={"to_user": [_("Choose someone other than yourself.")]})
    if end < start:
        raise ValidationFailed(fields={"end": [_("The end date is before the start date.")]})
    if not User.objects.filter(pk=to_user_id, is_active=True).exists():
        raise ValidationFailed(fields={"to_user": [_("Choose an active user.")]})
    with transaction.atomic():
        delegation = Delegation.objects.create(
            from_user_id=from_user_id,
            to_user_id=to_user_id,
            start=start,
            end=end,
            reason=reason.strip(),
        )
        audit_record(
            actor=actor,
            action="create",
            obj=delegation,
            changes={k: [None, v] for k, v in snapshot(delegation, _FIELDS).items()},
        )
    return delegation


def delegation_end(*, actor, delegation_id: int) -> Delegation:
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().filter(pk=delegation_id).first()
        if delegation is None or not _may_manage(actor, delegation.from_user_id):
            raise NotFound()
        if delegation.is_active:
            delegation.is_active = False
            delegation.save(update_fields=["is_active", "updated_at"])
            audit_record(
                actor=actor, action="update", obj=delegation, changes={"is_active": [True, False]}
            )
    return delegation

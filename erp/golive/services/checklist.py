"""Cockpit items a person confirms (coding rules reviewed, print templates checked, UAT run):
who and when, audited."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.services.audit import audit_record
from erp.golive.models import ChecklistMark


@transaction.atomic
def checklist_mark(*, actor, code: str, note: str = "") -> ChecklistMark:
    from erp.golive.selectors import MARKS

    require_perm(actor, "golive.confirm_checklistmark")
    if code not in MARKS:
        raise ValidationFailed(
            _("Unknown checklist item. Confirm an item shown on the cockpit."),
            fields={"code": [code]},
        )
    mark, _created = ChecklistMark.objects.update_or_create(
        code=code,
        defaults={"confirmed_by": actor, "confirmed_at": timezone.now(), "note": note[:300]},
    )
    audit_record(actor=actor, action="update", obj=mark, note=f"confirmed {code}")
    return mark

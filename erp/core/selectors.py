from erp.core.models import AuditEvent, Company


def company_get() -> Company | None:
    return Company.objects.filter(pk=1).first()


def audit_events_for(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).select_related("actor")
    )

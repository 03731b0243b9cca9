"""Reads of import logs."""

from django.db.models import QuerySet

from erp.core.access import has_perm
from erp.core.errors import NotFound
from erp.golive.models import ImportLog


def import_log_list(user) -> QuerySet[ImportLog]:
    """Everyone holding view_importlog sees every import; others only their own."""
    qs = ImportLog.objects.select_related("actor").order_by("-created_at", "-id")
    return qs if has_perm(user, "golive.view_importlog") else qs.filter(actor=user)


def import_log_get(user, log_id: int) -> ImportLog:
    log = import_log_list(user).filter(pk=log_id).first()
    if log is None:
        raise NotFound()
    return log

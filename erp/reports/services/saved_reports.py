"""Saved report builder definitions: the only rows the reports module writes. Saving needs
reports.add_savedreport (and reports.share_savedreport to share); only the owner changes or
deletes a definition; every change leaves an audit event."""

from django.db import transaction
from django.utils.translation import gettext as _

from erp.core.access import require_perm
from erp.core.errors import NotFound, ValidationFailed
from erp.core.services.audit import audit_record
from erp.reports.builder import spec_as_data, spec_parse
from erp.reports.models import SavedReport


def _snap(report: SavedReport) -> dict:
    return {
        "name": report.name,
        "dataset": report.dataset,
        "shared": report.shared,
        "spec": report.spec,
    }


def _clean_name(name) -> str:
    name = str(name or "").strip()
    if not name or len(name) > 100:
        message = _("Give the report a name of at most 100 characters.")
        raise ValidationFailed(message, code="report_name", fields={"name": [message]})
    return name


def saved_report_save(
    *, actor, name, dataset: str, spec: dict, shared: bool = False, report_id: int | None = None
) -> SavedReport:
    """Create (or, for its owner, overwrite) a saved report after validating the spec against
    the registry: what is stored are field keys, never database paths."""
    require_perm(actor, "reports.add_savedreport")
    if shared:
        require_perm(actor, "reports.share_savedreport")
    name = _clean_name(name)
    parsed = spec_parse(dataset, spec, user=actor)
    data = spec_as_data(parsed)
    with transaction.atomic():
        if report_id is None:
            report = SavedReport.objects.create(
                name=name, dataset=dataset, spec=data, owner=actor, shared=shared
            )
            audit_record(actor=actor, action="create", obj=report, changes=_snap(report))
            return report
        report = SavedReport.objects.select_for_update().filter(pk=report_id, owner=actor).first()
        if report is None:
            raise NotFound()
        before = _snap(report)
        report.name, report.dataset, report.spec, report.shared = name, dataset, data, shared
        report.save()
        audit_record(
            actor=actor,
            action="update",
            obj=report,
            changes={"before": before, "after": _snap(report)},
        )
        return report


def saved_report_delete(*, actor, report_id: int) -> None:
    require_perm(actor, "reports.add_savedreport")
    with transaction.atomic():
        report = SavedReport.objects.select_for_update().filter(pk=report_id, owner=actor).first()
        if report is None:
            raise NotFound()
        audit_record(actor=actor, action="delete", obj=report, changes=_snap(report))
        report.delete()

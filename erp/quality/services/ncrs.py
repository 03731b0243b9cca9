"""Nonconformance reports (不合格品报告) with their corrective and preventive actions (CAPA).

An NCR is raised from a rejected (or conditionally released) inspection lot; its disposition
says what happens with the goods; each action has an owner and a due date, and the report
closes when every action is done."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.services.audit import audit_record, diff, snapshot
from erp.core.services.transitions import document_transition
from erp.iam.models import User
from erp.quality.models import (
    CorrectiveAction,
    Disposition,
    InspectionLot,
    InspectionLotState,
    NcrState,
    NonconformanceReport,
)
from erp.quality.services._common import locked, refuse_unless, version_check
from erp.quality.states import NCR_MACHINE

DOC_TYPE = "quality.nonconformancereport"
HEADER_FIELDS = ["date", "inspection_lot_id", "description", "disposition", "root_cause", "note"]
EDITABLE = (NcrState.DRAFT, NcrState.CONFIRMED)
NCR_SOURCES = (InspectionLotState.REJECTED, InspectionLotState.CONDITIONAL)


def _header(header: dict) -> dict:
    inspection = InspectionLot.objects.filter(pk=header.get("inspection_lot_id") or 0).first()
    if inspection is None or inspection.state not in NCR_SOURCES:
        raise ValidationFailed(
            _("Choose a rejected or conditionally released inspection lot."),
            code="invalid_inspection_lot",
        )
    description = (header.get("description") or "").strip()
    if not description:
        raise ValidationFailed(
            _("Describe the nonconformance, for example 固含量低于下限."),
            code="description_required",
        )
    if header.get("disposition") not in Disposition.values:
        raise ValidationFailed(
            _("Choose the disposition: return, rework, scrap or use as is."),
            code="invalid_disposition",
        )
    return {
        "date": header.get("date") or timezone.localdate(),
        "inspection_lot_id": inspection.pk,
        "description": description[:300],
        "disposition": header["disposition"],
        "root_cause": (header.get("root_cause") or "").strip()[:300],
        "note": (header.get("note") or "").strip(),
    }


def _lines_replace(ncr: NonconformanceReport, lines: list[dict]) -> None:
    rows = []
    owners = User.objects.in_bulk([ln.get("owner_id") for ln in lines if ln.get("owner_id")])
    for no, ln in enumerate(lines, start=1):
        action = (ln.get("action") or "").strip()
        owner = owners.get(ln.get("owner_id"))
        if not action or owner is None or not ln.get("due_date"):
            raise ValidationFailed(
                _("Action %(no)s: enter what is done, who owns it and by when.") % {"no": no},
                code="invalid_action",
            )
        rows.append(
            CorrectiveAction(
                document=ncr,
                line_no=no,
                action=action[:200],
                owner=owner,
                due_date=ln["due_date"],
                done=bool(ln.get("done")),
            )
        )
    ncr.lines.all().delete()
    CorrectiveAction.objects.bulk_create(rows)


def _snap(ncr) -> dict:
    data = snapshot(ncr, HEADER_FIELDS)
    data["lines"] = [
        f"{a.action}（{a.owner}，{a.due_date:%Y-%m-%d}{'，' + str(_('done')) if a.done else ''}）"
        for a in ncr.lines.select_related("owner")
    ]
    return data


def ncr_create(*, actor, header: dict, lines: list[dict]) -> NonconformanceReport:
    require_perm(actor, "quality.add_nonconformancereport")
    with transaction.atomic():
        ncr = NonconformanceReport.objects.create(
            created_by=actor, state=NcrState.DRAFT, **_header(header)
        )
        _lines_replace(ncr, lines)
        audit_record(actor=actor, action="create", obj=ncr, changes=_snap(ncr))
    return ncr


def ncr_update(*, actor, doc_id, header: dict, lines=None, expected_version=None):
    """Drafts change freely; after the disposition is decided the actions are still kept up
    to date (done, new owner), which is how CAPA is followed."""
    require_perm(actor, "quality.change_nonconformancereport")
    with transaction.atomic():
        ncr = locked(NonconformanceReport, doc_id)
        refuse_unless(ncr, EDITABLE, NCR_MACHINE)
        version_check(ncr, expected_version)
        before = _snap(ncr)
        values = _header({**{f: getattr(ncr, f) for f in HEADER_FIELDS}, **header})
        if ncr.state != NcrState.DRAFT:
            values = {"root_cause": values["root_cause"], "note": values["note"]}
        for field, value in values.items():
            setattr(ncr, field, value)
        ncr.version += 1
        ncr.save()
        if lines is not None:
            _lines_replace(ncr, lines)
        audit_record(actor=actor, action="update", obj=ncr, changes=diff(before, _snap(ncr)))
    return ncr


def ncr_confirm(*, actor, doc_id, expected_version=None):
    with transaction.atomic():
        ncr = locked(NonconformanceReport, doc_id)
        return document_transition(
            actor=actor,
            doc=ncr,
            machine=NCR_MACHINE,
            name="confirm",
            number_doc_type=DOC_TYPE,
            on_date=ncr.date,
            expected_version=expected_version,
        )


def ncr_close(*, actor, doc_id, expected_version=None):
    with transaction.atomic():
        ncr = locked(NonconformanceReport, doc_id)
        open_actions = [a.action for a in ncr.lines.all() if not a.done]
        if open_actions:
            raise ValidationFailed(
                _("Corrective actions still open: %(actions)s. Finish them before closing.")
                % {"actions": "、".join(open_actions)},
                code="actions_open",
            )
        return document_transition(
            actor=actor,
            doc=ncr,
            machine=NCR_MACHINE,
            name="close",
            expected_version=expected_version,
        )


def ncr_cancel(*, actor, doc_id, expected_version=None):
    with transaction.atomic():
        ncr = locked(NonconformanceReport, doc_id)
        return document_transition(
            actor=actor,
            doc=ncr,
            machine=NCR_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )

"""Routings (工艺路线): operations at work centres with setup and run hours per base batch of
the formula version they belong to; released routings are immutable."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import ValidationFailed
from erp.core.services.audit import audit_record, diff, line_text, snapshot
from erp.core.services.transitions import document_transition
from erp.masterdata.models import WorkCenter
from erp.production.models import Formula, Routing, RoutingOperation
from erp.production.services.inputs import (
    date_in,
    decimal_in,
    field_error,
    locked,
    record_in,
    refuse_unless_draft,
    version_check,
)
from erp.production.states import ROUTING_MACHINE

DOC_TYPE = "production.routing"


def routing_create(*, actor, header: dict, lines: list[dict]) -> Routing:
    require_perm(actor, "production.add_routing")
    with transaction.atomic():
        routing = Routing(created_by=actor, state="draft")
        _apply_header(routing, header)
        routing.save()
        _replace_lines(routing, lines)
        audit_record(actor=actor, action="create", obj=routing, changes=_snap(routing))
    return routing


def routing_update(*, actor, doc_id, header, lines=None, expected_version=None) -> Routing:
    require_perm(actor, "production.change_routing")
    with transaction.atomic():
        routing = locked(Routing, doc_id)
        refuse_unless_draft(routing, ROUTING_MACHINE)
        version_check(routing, expected_version)
        before = _snap(routing)
        _apply_header(routing, header)
        routing.version += 1
        routing.save()
        if lines is not None:
            _replace_lines(routing, lines)
        audit_record(
            actor=actor, action="update", obj=routing, changes=diff(before, _snap(routing))
        )
    return routing


def routing_release(*, actor, doc_id, expected_version=None) -> Routing:
    with transaction.atomic():
        routing = locked(Routing, doc_id)
        if not routing.lines.exists():
            raise ValidationFailed(_("Add at least one operation."), code="no_lines")
        return document_transition(
            actor=actor,
            doc=routing,
            machine=ROUTING_MACHINE,
            name="release",
            number_doc_type=DOC_TYPE,
            on_date=timezone.localdate(),
            expected_version=expected_version,
        )


def routing_cancel(*, actor, doc_id, expected_version=None) -> Routing:
    with transaction.atomic():
        routing = locked(Routing, doc_id)
        return document_transition(
            actor=actor,
            doc=routing,
            machine=ROUTING_MACHINE,
            name="cancel",
            expected_version=expected_version,
        )


def _apply_header(routing: Routing, header: dict) -> None:
    if "formula_id" in header or not routing.formula_id:
        routing.formula = record_in(Formula, header.get("formula_id"), "formula_id")
    if "date" in header or routing.date is None:
        routing.date = date_in(header.get("date"), "date") or timezone.localdate()
    if "note" in header:
        routing.note = (header.get("note") or "").strip()


def _replace_lines(routing: Routing, lines: list[dict]) -> None:
    if len(lines) > 100:
        raise field_error("lines", _("A routing can have at most 100 operations."))
    rows = [_line(routing, data, no) for no, data in enumerate(lines, start=1)]
    RoutingOperation.objects.filter(document=routing).delete()
    RoutingOperation.objects.bulk_create(rows)


def _line(routing: Routing, data: dict, no: int) -> RoutingOperation:
    where = f"lines.{no}"
    name = (data.get("name") or "").strip()
    if not name:
        raise field_error(f"{where}.name", _("Line %(no)s: enter the operation.") % {"no": no})
    setup = decimal_in(data.get("setup_hours") or "0", f"{where}.setup_hours")
    run = decimal_in(data.get("run_hours"), f"{where}.run_hours")
    if setup < 0 or run <= 0:
        raise field_error(
            f"{where}.run_hours",
            _("Line %(no)s: enter a run time greater than zero (setup may be zero).") % {"no": no},
        )
    return RoutingOperation(
        document=routing,
        line_no=no,
        name=name,
        work_center=record_in(WorkCenter, data.get("work_center_id"), f"{where}.work_center_id"),
        setup_hours=setup,
        run_hours=run,
        instructions=(data.get("instructions") or "").strip()[:500],
    )


def _snap(routing: Routing) -> dict:
    data = snapshot(routing, ["formula_id", "date", "note"])
    data["lines"] = [
        line_text(op.name, None, op.work_center.code, f"{op.setup_hours}+{op.run_hours} h")
        for op in RoutingOperation.objects.filter(document=routing).select_related("work_center")
    ]
    return data

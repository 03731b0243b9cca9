"""The recall case (召回单) on the document kit: list, detail with its hold/release/close
buttons, the PDF (the drill's evidence report) and the REST endpoints."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from ninja import Schema
from pydantic import ConfigDict, Field

from erp.core.doc_kit.declaration import DocumentKit
from erp.core.listing import Column
from erp.core.record_views import style_form
from erp.core.references import DocumentLink
from erp.trace import forms, views
from erp.trace.models import (
    DRILL_TARGET_HOURS,
    FINISH_DAYS,
    START_HOURS,
    RecallCase,
    RecallKind,
    RecallLot,
)
from erp.trace.report import customers_of
from erp.trace.services import recalls
from erp.trace.states import RECALL_MACHINE


class RecallIn(Schema):
    model_config = ConfigDict(extra="forbid")

    lot_id: int | None = None
    # Or a material and a window of receipt/production dates instead of a lot.
    material_id: int | None = None
    window_from: dt.date | None = None
    window_to: dt.date | None = None
    reason: str = Field(max_length=300)
    kind: str = "recall"
    level: int = 2
    scope: str = "downstream"
    note: str = ""


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    conclusion: str = Field(default="", max_length=2000)


class RecallLotOut(Schema):
    line_no: int
    lot_id: int
    on_hand: Decimal
    shipped: Decimal
    status_before: str
    held: bool


class RecallOut(Schema):
    id: int
    number: str
    state: str
    version: int
    date: dt.date
    kind: str
    level: int
    scope: str
    lot_id: int | None
    material_id: int | None
    window_from: dt.date | None
    window_to: dt.date | None
    reason: str
    started_at: dt.datetime
    held_at: dt.datetime | None
    identified_at: dt.datetime | None
    closed_at: dt.datetime | None
    conclusion: str
    note: str
    lines: list[RecallLotOut]


def _hours(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def timers(case: RecallCase) -> dict:
    """Start and finish deadlines by level (recall) or the elapsed time against the 4-hour
    target (drill)."""
    now = timezone.now()
    if case.kind == RecallKind.DRILL:
        end = case.identified_at or now
        elapsed = end - case.started_at
        return {
            "elapsed": _hours(elapsed),
            "elapsed_seconds": int(elapsed.total_seconds()),
            "target_hours": DRILL_TARGET_HOURS,
            "within_target": elapsed <= dt.timedelta(hours=DRILL_TARGET_HOURS),
            "running": case.identified_at is None,
        }
    start_due = case.started_at + dt.timedelta(hours=START_HOURS[case.level])
    finish_due = case.started_at + dt.timedelta(days=FINISH_DAYS[case.level])
    return {
        "start_due": start_due,
        "started_in_time": case.held_at is not None and case.held_at <= start_due,
        "start_overdue": case.held_at is None and now > start_due,
        "finish_due": finish_due,
        "finish_overdue": case.closed_at is None and now > finish_due,
    }


def _context(doc, lines) -> dict:
    balances = recalls.balances_of(doc)
    for ln in lines:
        ln.balance = balances.get(ln.lot_id)
    customers = customers_of([ln.lot_id for ln in lines])
    shipped = sum((c.quantity for c in customers), Decimal(0))
    returned = sum((c.returned for c in customers), Decimal(0))
    return {
        "customers": customers,
        "notices": list(doc.notices.select_related("customer", "actor")),
        "timers": timers(doc),
        "shipped_total": shipped,
        "returned_total": returned,
        "effectiveness": (returned / shipped * 100).quantize(Decimal("0.1")) if shipped else None,
        "on_hand_total": sum((ln.on_hand for ln in lines), Decimal(0)),
        "unbalanced": [ln for ln in lines if ln.balance is not None and not ln.balance.ok],
    }


def _detail_extra(request, doc, lines) -> dict:
    context = _context(doc, lines)
    if doc.kind == RecallKind.RECALL and doc.state != "closed" and context["customers"]:
        if request.user.has_perm("trace.notify_recallcase"):
            context["notice_form"] = style_form(
                forms.RecallNoticeForm(customers=context["customers"])
            )
    return context


def _print_context(request, doc) -> dict:
    lines = list(doc.lines.select_related("lot__material__base_unit").order_by("line_no"))
    return {"lines": lines, "title": doc.get_kind_display(), **_context(doc, lines)}


def _actions(user, doc, transitions) -> list:
    # A drill never holds stock; its "close" is "all identified".
    if doc.kind == RecallKind.DRILL:
        return [t for t in transitions if t.name != "hold"]
    return transitions


def _line_annotate(lines):
    """Each affected lot as its number linking to its trace, and its status name now."""
    for ln in lines:
        ln.lot_link = DocumentLink(ln.lot.number, reverse("trace:lot_trace", args=[ln.lot_id]))
        ln.status_now = ln.lot.get_status_display()


RECALL = DocumentKit(
    app="trace",
    model=RecallCase,
    line_model=RecallLot,
    machine=RECALL_MACHINE,
    number_doc_type=recalls.DOC_TYPE,
    slug="recalls",
    api_slug="recall-cases",
    title=_("Recall cases"),
    section=_("Quality"),
    create=recalls.recall_create,
    update=None,
    own_pages={"create": views.recall_new},
    transitions={
        "hold": recalls.recall_hold,
        "release": recalls.recall_release,
        "close": recalls.recall_close,
    },
    transition_forms={"close": forms.RecallCloseForm},
    transition_in={"close": CloseIn},
    list_columns=(
        Column("kind", _("Kind"), sort="kind"),
        Column("level", _("Recall level"), sort="level"),
        Column("lot.number", _("Lot"), sort="lot__number"),
        Column("lot.material", _("Material")),
        Column("reason", _("Reason")),
    ),
    list_filter=forms.RecallFilter,
    search_fields=("number", "reason", "lot__number", "lot__supplier_lot", "material__code"),
    search_placeholder=_("Number, reason or lot"),
    default_sort="-started_at",
    select_related=("lot", "lot__material", "material"),
    header_columns=(
        Column("kind", _("Kind")),
        Column("level", _("Recall level")),
        Column("lot.number", _("Lot")),
        Column("lot.material", _("Material")),
        Column("material", _("Material of the window")),
        Column("window_from", _("Received or made from"), kind="date"),
        Column("window_to", _("Received or made to"), kind="date"),
        Column("scope", pgettext_lazy("recall", "Scope")),
        Column("reason", _("Reason")),
        Column("started_at", _("Started at"), kind="datetime"),
        Column("held_at", _("Held at"), kind="datetime"),
        Column("identified_at", _("Identified at"), kind="datetime"),
        Column("closed_at", pgettext_lazy("recall", "Closed at"), kind="datetime"),
        Column("conclusion", _("Conclusion")),
    ),
    line_columns=(
        Column("lot_link", _("Lot")),
        Column("lot.material", _("Material")),
        Column("status_now", _("Status")),
        Column("on_hand", _("On hand when opened"), kind="qty"),
        Column("shipped", _("Shipped"), kind="qty"),
        Column("held", _("Held by this case"), kind="bool"),
    ),
    line_select_related=("lot__material",),
    line_annotate=lambda doc, lines: _line_annotate(lines),
    detail_extra=_detail_extra,
    detail_sections=("trace/_recall_section.html",),
    print_template="trace/print_recall.html",
    print_context=_print_context,
    print_filename=_("Recall report"),
    api_in=RecallIn,
    api_out=RecallOut,
    api_filters=("state", "kind", "lot_id"),
    actions_filter=_actions,
)

DOCUMENTS = [RECALL]

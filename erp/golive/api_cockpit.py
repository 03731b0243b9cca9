"""/api/v1/go-live/...: the go-live cockpit (上线驾驶舱) as the cockpit page drives it, through
the same services (erp/golive/services/cutover.py, checklist.py).

    GET  /go-live/cockpit                 the checklist by phase, the cut-over state, the tie-out
    PUT  /go-live/date                    set the go-live date (first of a month, before the lock)
    POST /go-live/lock                    lock the cut-over (tie-out green)
    POST /go-live/unlock-request          the finance manager asks to unlock, with the reason
    POST /go-live/unlock-approve          another person (general manager) approves
    POST /go-live/checklist/{code}/mark   confirm an item a person checks (numbering, UAT, ...)"""

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from erp.core.access import has_perm, require_perm
from erp.core.api_crud import actor
from erp.golive import selectors
from erp.golive.api import router
from erp.golive.services import checklist, cutover

TAGS = ["golive: cockpit"]
VIEW_PERM = "golive.view_cutover"


class CutOverOut(Schema):
    go_live_date: dt.date | None
    state: str  # open | locked
    state_label: str
    locked_at: dt.datetime | None
    locked_by: str | None
    unlock_requested_by: str | None
    unlock_requested_at: dt.datetime | None
    unlock_reason: str

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_locked_by(obj) -> str | None:
        return obj.locked_by.get_username() if obj.locked_by_id else None

    @staticmethod
    def resolve_unlock_requested_by(obj) -> str | None:
        return obj.unlock_requested_by.get_username() if obj.unlock_requested_by_id else None


class TieCheckOut(Schema):
    code: str
    label: str
    ok: bool
    detail: str
    url: str


class TieOutOut(Schema):
    green: bool
    checks: list[TieCheckOut]


class ItemOut(Schema):
    code: str
    label: str
    done: bool
    detail: str
    url: str
    mark: bool  # a person confirms it: POST /go-live/checklist/{code}/mark


class PhaseOut(Schema):
    title: str
    done: bool
    items: list[ItemOut]


class CockpitOut(Schema):
    cutover: CutOverOut
    tie_out: TieOutOut
    phases: list[PhaseOut]
    can_lock: bool
    can_approve_unlock: bool
    can_mark: bool


class GoLiveDateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    go_live_date: dt.date


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=500)


class MarkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=300)


class MarkOut(Schema):
    code: str
    confirmed_by: str
    confirmed_at: dt.datetime
    note: str

    @staticmethod
    def resolve_confirmed_by(obj) -> str:
        return obj.confirmed_by.get_username()


def _tie_out(state) -> dict:
    status = cutover.tie_out_status(state.go_live_date)
    checks = [
        {**vars(c), "url": c.url or (reverse(c.url_name) if c.url_name else "")}
        for c in status.checks
    ]
    return {"green": status.green, "checks": checks}


def _phases(user) -> list[dict]:
    return [
        {
            "title": str(phase.title),
            "done": phase.done,
            "items": [{**vars(item), "label": str(item.label)} for item in phase.items],
        }
        for phase in selectors.cockpit(user)
    ]


@router.get("/go-live/cockpit", response=CockpitOut, tags=TAGS)
def go_live_cockpit(request: HttpRequest):
    """Everything the cockpit page shows: the four phases with each item done or not (and where
    it is done), the go-live date, the cut-over lock and the opening tie-out."""
    user = actor(request)
    require_perm(user, VIEW_PERM)
    state = cutover.cutover_get()
    return {
        "cutover": state,
        "tie_out": _tie_out(state),
        "phases": _phases(user),
        "can_lock": has_perm(user, "golive.lock_cutover"),
        "can_approve_unlock": has_perm(user, "golive.approve_unlock_cutover"),
        "can_mark": has_perm(user, "golive.confirm_checklistmark"),
    }


@router.put("/go-live/date", response=CutOverOut, tags=TAGS)
def go_live_date_set(request: HttpRequest, payload: GoLiveDateIn):
    """The first day of a month; refused once the cut-over is locked (409)."""
    return cutover.go_live_date_set(actor=actor(request), go_live=payload.go_live_date)


@router.post("/go-live/lock", response=CutOverOut, tags=TAGS)
def go_live_lock(request: HttpRequest):
    """Lock the cut-over: no opening import afterwards. Needs a green tie-out (else 400 with
    the failed checks in `details.checks`)."""
    return cutover.cutover_lock(actor=actor(request))


@router.post("/go-live/unlock-request", response=CutOverOut, tags=TAGS)
def go_live_unlock_request(request: HttpRequest, payload: ReasonIn):
    """The finance manager asks to unlock; the reason goes to the audit log."""
    return cutover.cutover_unlock_request(actor=actor(request), reason=payload.reason)


@router.post("/go-live/unlock-approve", response=CutOverOut, tags=TAGS)
def go_live_unlock_approve(request: HttpRequest):
    """Another person than the one who asked approves the unlock."""
    return cutover.cutover_unlock_approve(actor=actor(request))


@router.post("/go-live/checklist/{code}/mark", response=MarkOut, tags=TAGS)
def go_live_checklist_mark(request: HttpRequest, code: str, payload: MarkIn):
    """Confirm a checklist item a person checks (`mark: true` on the cockpit): who and when.
    Body `{}` or `{"note": "..."}`."""
    return checklist.checklist_mark(actor=actor(request), code=code, note=payload.note)

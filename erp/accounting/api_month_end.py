"""/api/v1/periods/{id}/...: the month-end close as the period page runs it.

    GET  /periods/{id}/checklist      the month-end checklist (each check ok or not, with a link)
    POST /periods/{id}/carry-forward  结转损益 alone (the page's button): the 转 voucher or null
    POST /periods/{id}/year-end       年结: 本年利润 into 利润分配—未分配利润 (December)
    POST /periods/{id}/month-end      queue the whole close as a job → 202 (409 while one runs)
    GET  /periods/{id}/month-end      that job's state, step and error

The services are the page's (erp/accounting/services/closing.py, month_end.py); the job's
state comes from the same selector as the page's progress bar."""

import datetime as dt

from django.http import HttpRequest
from ninja import Schema

from erp.accounting import selectors
from erp.accounting import selectors_api as sel
from erp.accounting.api import router
from erp.accounting.services import closing
from erp.accounting.services.month_end import month_end_start
from erp.core.api_crud import actor, found

TAGS = ["accounting: periods"]


class CheckOut(Schema):
    code: str
    label: str
    ok: bool
    detail: str
    url: str


class ChecklistOut(Schema):
    period: str
    state: str
    all_ok: bool
    checks: list[CheckOut]


class MonthEndOut(Schema):
    period: str
    period_state: str
    state: str  # none | running | succeeded | failed | stalled
    step: int
    total: int
    percent: int
    label: str
    error: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class VoucherRefOut(Schema):
    id: int
    number: str
    date: dt.date


class PostedOut(Schema):
    voucher: VoucherRefOut | None  # null: nothing left to carry


def _period(request: HttpRequest, period_id: int):
    return found(sel.period_get(actor(request), period_id))


def _month_end_out(period) -> dict:
    status = selectors.month_end_status(period)
    run = status["run"]
    return {
        "period": str(period),
        "period_state": period.state,
        "state": status["state"],
        "step": status.get("step", 0),
        "total": status.get("total", 0),
        "percent": status.get("percent", 0),
        "label": str(status.get("label", "")),
        "error": status.get("error", ""),
        "started_at": run.started_at if run else None,
        "finished_at": run.finished_at if run else None,
    }


@router.get("/periods/{period_id}/checklist", response=ChecklistOut, tags=TAGS)
def periods_checklist(request: HttpRequest, period_id: int):
    """The month-end checklist the close requires green (结账检查)."""
    period = _period(request, period_id)
    checks = closing.period_checklist(period)
    return {
        "period": str(period),
        "state": period.state,
        "all_ok": all(c.ok for c in checks),
        "checks": checks,
    }


@router.post("/periods/{period_id}/carry-forward", response=PostedOut, tags=TAGS)
def periods_carry_forward(request: HttpRequest, period_id: int):
    """结转损益: every P&L balance into 本年利润 with one 转 voucher dated the period end;
    `voucher` is null when nothing is left to carry (a repeat posts nothing)."""
    _period(request, period_id)
    voucher = closing.pl_carry_forward(actor=actor(request), period_id=period_id)
    return {"voucher": voucher}


@router.post("/periods/{period_id}/year-end", response=PostedOut, tags=TAGS)
def periods_year_end(request: HttpRequest, period_id: int):
    """年结 of the period's year: 本年利润 into 利润分配—未分配利润 on 31 December."""
    period = _period(request, period_id)
    return {"voucher": closing.year_end_close(actor=actor(request), year=period.year)}


@router.post("/periods/{period_id}/month-end", response={202: MonthEndOut}, tags=TAGS)
def periods_month_end_start(request: HttpRequest, period_id: int):
    """Queue the whole close (overhead → VAT → carry-forward → close) as a job; follow it with
    GET on the same path. 409 `month_end_running` while a run of the period goes on."""
    month_end_start(actor=actor(request), period_id=period_id)
    return 202, _month_end_out(_period(request, period_id))


@router.get("/periods/{period_id}/month-end", response=MonthEndOut, tags=TAGS)
def periods_month_end_status(request: HttpRequest, period_id: int):
    """The last close run of the period: `state`, the step it is at and, when it failed, why."""
    return _month_end_out(_period(request, period_id))

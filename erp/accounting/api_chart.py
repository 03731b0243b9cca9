"""/api/v1/accounts/ (chart of accounts) and /api/v1/periods/ (会计期间): the same services as
the chart and period pages.

Accounts: list (filters `code_prefix`, `category`, `active`, `leaf`), read, add a sub-account
(`POST /accounts/{id}/children`, code = parent code + 2 digits) and change the name or the
active flag (`PATCH /accounts/{id}`). Periods: list (`year`, `state`), read, open the next month
(`POST /periods/open-next`) or the twelve months of a year (`POST /periods/years`), close
(`POST /periods/{id}/close`, the month-end checklist must be green) and reopen
(`POST /periods/{id}/reopen` with the reason)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from erp.accounting import selectors_api as sel
from erp.accounting.api import router
from erp.accounting.models import AccountCategory
from erp.accounting.services import chart, periods
from erp.accounting.states import PeriodState
from erp.core.api_crud import actor, found
from erp.core.api_pagination import ErpPagination

# --- chart of accounts -------------------------------------------------------------------


class AccountOut(Schema):
    id: int
    code: str
    name: str
    parent_code: str | None
    level: int
    category: str
    category_label: str
    direction: str
    is_leaf: bool
    active: bool
    purpose: str
    aux_customer: bool
    aux_supplier: bool
    aux_department: bool
    aux_employee: bool
    aux_material: bool

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_category_label(obj) -> str:
        return str(obj.get_category_display())


class AccountChildIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=20)
    name: str = Field(max_length=100)
    aux_customer: bool | None = None
    aux_supplier: bool | None = None
    aux_department: bool | None = None
    aux_employee: bool | None = None
    aux_material: bool | None = None


class AccountPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=100)
    active: bool | None = None


@router.get("/accounts/", response=list[AccountOut], tags=["accounting: chart"])
@paginate(ErpPagination, page_size=200)
def accounts_list(
    request: HttpRequest,
    code_prefix: str = Query("", max_length=20, pattern=r"^\d*$"),
    category: AccountCategory | None = None,
    active: bool | None = None,
    leaf: bool | None = None,
):
    """Accounts by code. `code_prefix=1122` lists 应收账款 and its sub-accounts."""
    return sel.account_list(
        actor(request), code_prefix=code_prefix, category=category or "", active=active, leaf=leaf
    )


@router.get("/accounts/{account_id}", response=AccountOut, tags=["accounting: chart"])
def accounts_get(request: HttpRequest, account_id: int):
    return found(sel.account_get(actor(request), account_id))


@router.post(
    "/accounts/{account_id}/children", response={201: AccountOut}, tags=["accounting: chart"]
)
def accounts_add_child(request: HttpRequest, account_id: int, payload: AccountChildIn):
    """Add a sub-account (明细科目) under `account_id`; the auxiliary flags default to the
    parent's."""
    aux = {k: v for k, v in payload.dict().items() if k.startswith("aux_") and v is not None}
    account = chart.account_add_child(
        actor=actor(request), parent_id=account_id, code=payload.code, name=payload.name, **aux
    )
    return 201, found(sel.account_get(actor(request), account.pk))


@router.patch("/accounts/{account_id}", response=AccountOut, tags=["accounting: chart"])
def accounts_update(request: HttpRequest, account_id: int, payload: AccountPatch):
    fields = payload.dict(exclude_unset=True)
    fields = {k: v for k, v in fields.items() if v is not None}
    chart.account_update(actor=actor(request), account_id=account_id, **fields)
    return found(sel.account_get(actor(request), account_id))


# --- periods -------------------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    key: str  # "2026-12"
    year: int
    month: int
    start: dt.date
    end: dt.date
    state: str
    state_label: str
    closed_at: dt.datetime | None
    closed_by: str | None

    @staticmethod
    def resolve_key(obj) -> str:
        return f"{obj.year}-{obj.month:02d}"

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_closed_by(obj) -> str | None:
        return obj.closed_by.get_username() if obj.closed_by_id else None


class YearIn(Schema):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)


class ReopenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=200)


@router.get("/periods/", response=list[PeriodOut], tags=["accounting: periods"])
@paginate(ErpPagination)
def periods_list(
    request: HttpRequest,
    year: int | None = Query(None, ge=1900, le=2200),
    state: PeriodState | None = None,
):
    """Periods, latest first."""
    return sel.period_list(actor(request), year=year, state=state or "")


@router.post("/periods/open-next", response={201: PeriodOut}, tags=["accounting: periods"])
def periods_open_next(request: HttpRequest):
    """Open the month after the latest period (开下一期)."""
    period = periods.period_open_next(actor=actor(request))
    return 201, found(sel.period_get(actor(request), period.pk))


@router.post("/periods/years", response={201: list[PeriodOut]}, tags=["accounting: periods"])
def periods_open_year(request: HttpRequest, payload: YearIn):
    """Create the twelve months of a year; answers the months created (existing ones are kept)."""
    created = periods.periods_create_year(actor=actor(request), year=payload.year)
    return 201, sel.period_list(actor(request)).filter(pk__in=[p.pk for p in created])


@router.get("/periods/{period_id}", response=PeriodOut, tags=["accounting: periods"])
def periods_get(request: HttpRequest, period_id: int):
    return found(sel.period_get(actor(request), period_id))


@router.post("/periods/{period_id}/close", response=PeriodOut, tags=["accounting: periods"])
def periods_close(request: HttpRequest, period_id: int):
    """Close the month (结账): earlier months closed and the checklist green, else 400."""
    periods.period_close(actor=actor(request), period_id=period_id)
    return found(sel.period_get(actor(request), period_id))


@router.post("/periods/{period_id}/reopen", response=PeriodOut, tags=["accounting: periods"])
def periods_reopen(request: HttpRequest, period_id: int, payload: ReopenIn):
    """Reopen a closed month (反结账); the reason goes to the audit log."""
    periods.period_reopen(actor=actor(request), period_id=period_id, reason=payload.reason)
    return found(sel.period_get(actor(request), period_id))

"""Reads behind the chart-of-accounts, period and statement API (erp/accounting/api_chart.py,
api_statements.py): every read checks the actor's view permission and returns a queryset
that the API paginates in SQL."""

from django.db.models import QuerySet

from erp.accounting.models import Account, Period
from erp.core.access import require_perm


def account_list(
    actor,
    *,
    code_prefix: str = "",
    category: str = "",
    active: bool | None = None,
    leaf: bool | None = None,
) -> QuerySet[Account]:
    require_perm(actor, "accounting.view_account")
    qs = Account.objects.select_related("parent").order_by("code")
    if code_prefix:
        qs = qs.filter(code__startswith=code_prefix)
    if category:
        qs = qs.filter(category=category)
    if active is not None:
        qs = qs.filter(active=active)
    if leaf is not None:
        qs = qs.filter(is_leaf=leaf)
    return qs


def account_get(actor, account_id: int) -> Account | None:
    require_perm(actor, "accounting.view_account")
    return Account.objects.select_related("parent").filter(pk=account_id).first()


def period_list(actor, *, year: int | None = None, state: str = "") -> QuerySet[Period]:
    require_perm(actor, "accounting.view_period")
    qs = Period.objects.select_related("closed_by").order_by("-year", "-month")
    if year is not None:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    return qs


def period_get(actor, period_id: int) -> Period | None:
    require_perm(actor, "accounting.view_period")
    return Period.objects.select_related("closed_by").filter(pk=period_id).first()


def period_for(actor, *, year: int, month: int, perm: str) -> Period | None:
    """The period year-month for a statement or trial balance (`perm` is the report's)."""
    require_perm(actor, perm)
    return Period.objects.filter(year=year, month=month).first()

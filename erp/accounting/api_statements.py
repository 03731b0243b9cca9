"""/api/v1/statements/: 资产负债表, 利润表 and the trial balance (科目余额表) of a period, as
JSON with every amount a decimal string (2 places), from the same selectors as the pages.

    GET /statements/balance-sheet?period=2026-12
    GET /statements/income-statement?period=2026-12
    GET /statements/trial-balance?period=2026-12[&level=1]

`period` is "YYYY-MM" (a malformed one is a 400, an unknown month a 404). Statement rows carry
行次 (`line`, null for a heading), the label, and the two columns of the layout (`columns`
names them: 期末余额/上年年末余额, 本期金额/本年累计金额, ...)."""

from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Schema

from erp.accounting import selectors as acc_selectors
from erp.accounting import selectors_api as sel
from erp.accounting import selectors_statements as statements
from erp.accounting.api import router
from erp.core.api_crud import actor, found

PERM = "accounting.view_accountperiodbalance"
PERIOD = Query(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM, e.g. 2026-12")
TAGS = ["accounting: statements"]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class StatementRowOut(Schema):
    line: int | None
    label: str
    side: str  # "left" (assets / the income statement) or "right" (liabilities and equity)
    indent: int
    heading: bool
    values: list[str | None]


class StatementOut(Schema):
    key: str
    standard: str
    form: str
    title: str
    period: str
    columns: list[str]
    balanced: bool
    rows: list[StatementRowOut]
    unmapped: list[dict]


AMOUNTS = (
    "opening",
    "opening_debit",
    "opening_credit",
    "debit",
    "credit",
    "closing",
    "closing_debit",
    "closing_credit",
)


class TrialRowOut(Schema):
    code: str
    name: str
    level: int
    opening: str  # debit-positive
    opening_debit: str
    opening_credit: str
    debit: str
    credit: str
    closing: str  # debit-positive
    closing_debit: str
    closing_credit: str


class TrialOut(Schema):
    period: str
    balanced: bool
    rows: list[TrialRowOut]
    totals: dict[str, str]


def _period(request, key: str):
    year, month = (int(x) for x in key.split("-"))
    return found(sel.period_for(actor(request), year=year, month=month, perm=PERM))


def _statement(statement, key: str) -> dict:
    layout = statement.layout
    rows = []
    for side, entries in (("left", statement.left), ("right", statement.right)):
        for entry in entries:
            row = entry.row
            rows.append(
                {
                    "line": row.line,
                    "label": str(row.label),
                    "side": side,
                    "indent": row.indent,
                    "heading": row.heading,
                    "values": [_money(v) for v in entry.values],
                }
            )
    return {
        "key": layout.key,
        "standard": layout.standard,
        "form": str(layout.form),
        "title": str(layout.title),
        "period": key,
        "columns": [str(c) for c in layout.columns],
        "balanced": statement.balanced,
        "rows": rows,
        "unmapped": [
            {"code": code, "name": name, "amount": _money(amount)}
            for code, name, amount in statement.unmapped
        ],
    }


@router.get("/statements/balance-sheet", response=StatementOut, tags=TAGS)
def statements_balance_sheet(request: HttpRequest, period: str = PERIOD):
    """资产负债表 at the end of `period`: 期末余额 and 上年年末余额."""
    return _statement(statements.balance_sheet(_period(request, period)), period)


@router.get("/statements/income-statement", response=StatementOut, tags=TAGS)
def statements_income_statement(request: HttpRequest, period: str = PERIOD):
    """利润表 of `period`: the month and the year to date (column order as the standard's form)."""
    return _statement(statements.income_statement(_period(request, period)), period)


@router.get("/statements/trial-balance", response=TrialOut, tags=TAGS)
def statements_trial_balance(
    request: HttpRequest, period: str = PERIOD, level: int | None = Query(None, ge=1, le=9)
):
    """科目余额表: opening, debit, credit and closing per account (debit-positive), with totals."""
    tb = acc_selectors.trial_balance(_period(request, period), level=level)
    rows = [
        {
            "code": r.account.code,
            "name": r.account.name,
            "level": r.account.level,
            **{k: _money(getattr(r, k)) for k in AMOUNTS},
        }
        for r in tb.rows
    ]
    totals = {k: _money(getattr(tb.totals, k)) for k in AMOUNTS if k not in ("opening", "closing")}
    return {"period": period, "balanced": tb.balanced, "rows": rows, "totals": totals}

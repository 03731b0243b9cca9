"""The table every report page shows and exports: columns with a kind, rows of values, cells
that link to the documents behind them (drill-down) and an ECharts option for the chart."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.core.export import xlsx_bytes, xlsx_response

NUMERIC = ("amount", "qty", "num", "pct", "price")


@dataclass(frozen=True)
class Col:
    label: Any
    kind: str = "text"  # text | amount | qty | num | pct | price | date
    total: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC


@dataclass(frozen=True)
class Link:
    """A figure with the page listing what it counts (or a document number with its page)."""

    value: Any
    url: str = ""


def plain(value):
    """A cell as the spreadsheet gets it: numbers and dates typed, everything else text."""
    if isinstance(value, Link):
        value = value.value
    if value is None or isinstance(value, Decimal | int | dt.date):
        return value
    return str(value)


SCREEN_ROWS = 200  # a page shows the first rows (highest first); totals and exports use all
PRINT_ROWS = 1000


@dataclass
class Table:
    columns: list[Col]
    rows: list[list] = field(default_factory=list)
    limit: int | None = SCREEN_ROWS

    @property
    def visible(self) -> list[list]:
        return self.rows if self.limit is None else self.rows[: self.limit]

    @property
    def cut(self) -> bool:
        return self.limit is not None and len(self.rows) > self.limit

    def totals(self) -> list | None:
        if not any(c.total for c in self.columns):
            return None
        result = []
        for i, c in enumerate(self.columns):
            if not c.total:
                result.append(None)
                continue
            result.append(sum((plain(r[i]) or Decimal(0) for r in self.rows), Decimal(0)))
        return result

    def xlsx(self, *, title: str, filename: str, title_rows=()) -> HttpResponse:
        amount_columns = [i for i, c in enumerate(self.columns) if c.kind == "amount"]
        rows = [[plain(v) for v in row] for row in self.rows]
        totals = self.totals()
        if totals is not None:
            label = [str(_("Total"))] if totals and totals[0] is None else []
            rows.append(label + [plain(v) for v in totals[len(label) :]])
        body = xlsx_bytes(
            sheet_title=title,
            headers=[str(c.label) for c in self.columns],
            rows=rows,
            title_rows=[title, *title_rows],
            amount_columns=amount_columns,
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(body, f"{filename}-{stamp}.xlsx")


def bar_chart(categories: list[str], series: list[tuple[str, list, str]]) -> dict:
    """An ECharts option: bars (or lines) per category; values as strings of Decimals so JSON
    carries them exactly (ECharts reads numeric strings)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": categories, "axisLabel": {"hideOverlap": True}},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": name,
                "type": kind,
                "data": [str(v) if v is not None else None for v in values],
            }
            for name, values, kind in series
        ],
    }

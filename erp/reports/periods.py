"""Months and relative periods (本月, 上月, 本年, 近12个月) as date ranges."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

PERIODS = {
    "this_month": _("This month"),
    "last_month": _("Last month"),
    "this_year": _("This year"),
    "last_12_months": _("Last 12 months"),
    "all": _("All dates"),
    "custom": _("Custom dates"),
}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return next_month(day) - dt.timedelta(days=1)


def next_month(day: dt.date) -> dt.date:
    first = day.replace(day=1)
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )


def previous_month(day: dt.date) -> dt.date:
    return month_start(month_start(day) - dt.timedelta(days=1))


def months_back(day: dt.date, n: int) -> dt.date:
    first = month_start(day)
    for _i in range(n):
        first = previous_month(first)
    return first


def period_range(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    if period == "this_month":
        return month_start(today), month_end(today)
    if period == "last_month":
        start = previous_month(today)
        return start, month_end(start)
    if period == "this_year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    if period == "last_12_months":
        return months_back(today, 11), month_end(today)
    return None, None


def parse_month(text: str | None, today: dt.date) -> dt.date:
    """'2026-03' → 2026-03-01; empty → this month; anything else raises ValueError (the
    caller says what to enter)."""
    if not text:
        return month_start(today)
    year, month = (int(p) for p in text.split("-", 1))
    return dt.date(year, month, 1)

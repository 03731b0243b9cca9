"""One cell of a report table: a figure, its link to the documents behind it, or references."""

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join

from erp.core.templatetags.erp_list import cell
from erp.reports.tables import Link

register = template.Library()


def _text(value, kind: str):
    if value is None or value == "":
        return ""
    if kind == "pct":
        return f"{Decimal(value):,.2f}%"
    if kind == "days":
        return f"{Decimal(value):,.1f}"
    if kind == "price":
        return f"{Decimal(value):,.4f}"
    return cell(value, kind)


@register.simple_tag
def report_cell(value, kind="text"):
    if isinstance(value, Link):
        text = _text(value.value, kind)
        if value.url:
            return format_html('<a href="{}" class="erp-drill">{}</a>', value.url, text)
        return format_html("{}", text)
    if isinstance(value, list):  # document references (vouchers)
        return format_html_join(" ", "{}", ((ref.link,) for ref in value))
    return format_html("{}", _text(value, kind))


@register.filter
def change_class(value, lower_is_better=False) -> str:
    if value is None or value == 0:
        return "text-muted"
    good = value < 0 if lower_is_better else value > 0
    return "text-success" if good else "text-danger"


@register.filter
def at(values, index):
    """values[index], or None past the end (a list's element in a template)."""
    try:
        return values[int(index)]
    except (IndexError, TypeError, ValueError):
        return None


@register.simple_tag
def report_text(value, kind="text"):
    """A cell without links (print): the figure, or the numbers of the references."""
    if isinstance(value, Link):
        value = value.value
    if isinstance(value, list):
        return " ".join(ref.number for ref in value)
    return _text(value, kind)

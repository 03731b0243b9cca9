import datetime as dt
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from erp.core.money import format_cny

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None and value != "":
            params[key] = value
    params.pop("export", None)
    return "?" + params.urlencode()


@register.simple_tag(takes_context=True)
def sort_link(context, column):
    current = context["query"].sort
    if not column.sort:
        return column.label
    if current == column.sort:
        target, arrow = "-" + column.sort, " ▲"
    elif current == "-" + column.sort:
        target, arrow = column.sort, " ▼"
    else:
        target, arrow = column.sort, ""
    url = query_replace(context, sort=target, page=None)
    return format_html('<a href="{}" class="erp-sort">{}{}</a>', url, column.label, arrow)


@register.filter
def cell(value, kind="text"):
    """Format one list cell the way Chinese users read it."""
    if hasattr(value, "link"):  # a DocumentRef: 类型名 + number as a link (单据联查)
        return value.link
    if value is None or value == "":
        return ""
    if kind == "amount":
        return format_cny(Decimal(value))
    if kind == "qty":
        text = format(Decimal(value).normalize(), "f")
        whole, _sep, frac = text.partition(".")
        return intcomma(int(whole)) + (("." + frac) if frac else "") if "-" not in whole else text
    if kind == "num":
        return intcomma(value)
    if kind == "bool":
        return _("Yes") if value else _("No")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return value


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def zip_columns(values, columns):
    return zip(columns, values, strict=True)

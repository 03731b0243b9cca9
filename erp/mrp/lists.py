"""MRP lists on the shared list page (erp/core/listing.py): filter, sort, page, export."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.core.listing import Column, ListConfig
from erp.mrp.models import Forecast


def _recent(user, qs):
    """From the start of last month on: older periods no longer feed a run."""
    return qs.filter(period_start__gte=timezone.localdate().replace(day=1) - timedelta(days=31))


FORECASTS = ListConfig(
    model=Forecast,
    permission="mrp.view_forecast",
    title=_("Forecasts"),
    columns=[
        Column("material.code", _("Material"), sort="material__code"),
        Column("material.name", _("Name")),
        Column("period", pgettext_lazy("forecast", "period")),
        Column("period_start", _("Period start"), sort="period_start", kind="date"),
        Column("quantity", _("Quantity"), sort="quantity", kind="qty"),
        Column("material.base_unit.code", _("Unit")),
        Column("note", _("Note")),
    ],
    search_fields=("material__code", "material__name"),
    default_sort="material__code",
    queryset_hook=_recent,
    export_name="forecasts",
)

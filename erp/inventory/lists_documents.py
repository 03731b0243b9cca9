"""List page of stock counts (generic ListPage: state, date range, warehouse). The other
documents' lists come from their kit declarations (erp/inventory/kit.py)."""

from django.utils.translation import gettext_lazy as _

from erp.core.listing import Column, ListConfig
from erp.inventory.forms import document_filter
from erp.inventory.models import StockCount
from erp.inventory.states import StockCountState, StockDocState


def _columns(*extra: Column) -> list[Column]:
    return [
        Column("reference", _("Number"), sort="number", link=True),
        Column("date", _("Date"), sort="date", kind="date"),
        Column("warehouse.code", _("Warehouse"), sort="warehouse__code"),
        *extra,
        Column("state", _("State"), sort="state", kind="state"),
        Column("note", _("Note")),
        Column("created_by", _("Created by"), export_only=True),
    ]


def _config(model, code: str, title, *extra: Column, states=StockDocState) -> ListConfig:
    return ListConfig(
        model=model,
        permission=f"inventory.view_{code}",
        title=title,
        columns=_columns(*extra),
        search_fields=("number", "note"),
        filterset_class=document_filter(states),
        default_sort="-date",
        select_related=("warehouse", "created_by"),
        detail_url_name=f"inventory:{code}_detail",
        create_url_name=f"inventory:{code}_create",
        create_permission=f"inventory.add_{code}",
        export_name=code,
        search_placeholder=_("Number or note"),
    )


STOCK_COUNTS = _config(
    StockCount,
    "stockcount",
    _("Stock counts"),
    Column("blind", _("Blind"), kind="bool"),
    Column("accuracy_percent", _("Accuracy (%)"), kind="num", sort="accuracy_percent"),
    states=StockCountState,
)
LISTS = {"stockcount": STOCK_COUNTS}

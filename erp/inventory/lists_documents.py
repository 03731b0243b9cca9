"""List pages of the inventory documents (generic ListPage: state, date range, warehouse)."""

from django.utils.translation import gettext_lazy as _

from erp.core.listing import Column, ListConfig
from erp.inventory.forms import document_filter
from erp.inventory.models import OtherIssue, OtherReceipt, Scrap, StockCount, Transfer
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


OTHER_RECEIPTS = _config(OtherReceipt, "otherreceipt", _("Other receipts"))
OTHER_ISSUES = _config(
    OtherIssue, "otherissue", _("Other issues"), Column("reason", _("Reason"), sort="reason")
)
TRANSFERS = _config(
    Transfer, "transfer", _("Transfers"), Column("to_warehouse.code", _("To warehouse"))
)
SCRAPS = _config(Scrap, "scrap", _("Scrap"), Column("reason", _("Reason")))
STOCK_COUNTS = _config(
    StockCount,
    "stockcount",
    _("Stock counts"),
    Column("blind", _("Blind"), kind="bool"),
    Column("accuracy_percent", _("Accuracy (%)"), kind="num", sort="accuracy_percent"),
    states=StockCountState,
)
LISTS = {
    "otherreceipt": OTHER_RECEIPTS,
    "otherissue": OTHER_ISSUES,
    "transfer": TRANSFERS,
    "scrap": SCRAPS,
    "stockcount": STOCK_COUNTS,
}

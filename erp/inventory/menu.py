"""Inventory entries in the sidebar (section 仓库). The reports engineer appends report pages."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import MenuItem

MENU = [
    MenuItem(
        section="warehouse",
        label=_("Other receipts"),
        url_name="inventory:otherreceipt_list",
        permission="inventory.view_otherreceipt",
        icon="box-arrow-in-down",
        order=20,
    ),
    MenuItem(
        section="warehouse",
        label=_("Other issues"),
        url_name="inventory:otherissue_list",
        permission="inventory.view_otherissue",
        icon="box-arrow-up",
        order=21,
    ),
    MenuItem(
        section="warehouse",
        label=_("Transfers"),
        url_name="inventory:transfer_list",
        permission="inventory.view_transfer",
        icon="arrow-left-right",
        order=22,
    ),
    MenuItem(
        section="warehouse",
        label=_("Scrap"),
        url_name="inventory:scrap_list",
        permission="inventory.view_scrap",
        icon="trash",
        order=23,
    ),
    MenuItem(
        section="warehouse",
        label=_("Stock counts"),
        url_name="inventory:stockcount_list",
        permission="inventory.view_stockcount",
        icon="clipboard-data",
        order=24,
    ),
    MenuItem(
        section="warehouse",
        label=_("Lot status change"),
        url_name="inventory:lot_status",
        permission="inventory.change_lot_status",
        icon="shield-check",
        order=25,
    ),
]

# --- inventory screens and reports (lists_reports.py, views_reports.py) ----------------------
from erp.core.menu import HomeFigure, SearchEntry  # noqa: E402
from erp.inventory import selectors_reports  # noqa: E402


def _report(section: str, label, name: str, permission: str, icon: str, order: int) -> MenuItem:
    return MenuItem(
        section=section,
        label=label,
        url_name=f"inventory:{name}",
        permission=permission,
        icon=icon,
        order=order,
    )


def _lot_url(lot) -> str:
    from django.urls import reverse

    return reverse("inventory:lot_trace", kwargs={"pk": lot.pk})


MENU += [
    _report(
        "warehouse", _("Stock on hand"), "stock_on_hand", "inventory.view_stockbalance", "stack", 5
    ),
    _report(
        "warehouse",
        _("Lots and expiry"),
        "lots_expiring",
        "inventory.view_lot",
        "hourglass-split",
        6,
    ),
    _report(
        "warehouse",
        _("Stock ledger"),
        "report_ledger",
        "inventory.view_stockmove",
        "journal-text",
        7,
    ),
    _report(
        "reports",
        _("On hand and value"),
        "report_on_hand",
        "inventory.view_stockbalance",
        "box-seam",
        20,
    ),
    _report(
        "reports", _("Slow-moving stock"), "report_slow", "inventory.view_stockbalance", "snow", 21
    ),
    _report(
        "reports",
        _("Inventory accuracy"),
        "report_accuracy",
        "inventory.view_stockcount",
        "bullseye",
        22,
    ),
    _report(
        "reports",
        _("Inventory turnover"),
        "report_turnover",
        "inventory.view_stockbalance",
        "arrow-repeat",
        23,
    ),
]
# The documents part of this module may declare figures and search entries of its own.
FIGURES = [
    *globals().get("FIGURES", ()),
    HomeFigure(
        section="warehouse",
        label=_("Lots expiring within 30 days"),
        permission="inventory.view_lot",
        count=selectors_reports.lots_expiring_soon_count,
        url_name="inventory:lots_expiring",
        url_query="within_days=30&expired=no",
    ),
    HomeFigure(
        section="warehouse",
        label=_("Expired lots in stock"),
        permission="inventory.view_lot",
        count=selectors_reports.lots_expired_count,
        url_name="inventory:lots_expiring",
        url_query="expired=yes",
    ),
    # The lot list shows only lots that expire; stock on hand shows every quarantined lot.
    HomeFigure(
        section="warehouse",
        label=_("Lots in quarantine"),
        permission="inventory.view_stockbalance",
        count=selectors_reports.lots_quarantine_count,
        url_name="inventory:stock_on_hand",
        url_query="lot_status=quarantine",
    ),
]
SEARCH = [
    *globals().get("SEARCH", ()),
    SearchEntry(
        label=_("Lots"),
        queryset=selectors_reports.lot_search_scope,
        fields=("number", "supplier_lot"),
        exact_field="number",
        url=_lot_url,
        permission="inventory.view_lot",
        describe=selectors_reports.lot_describe,
    ),
]

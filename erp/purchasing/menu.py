"""Purchasing entries in the sidebar (section 采购) and home figures."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem
from erp.purchasing.models import GoodsReceipt, PurchaseOrder

MENU = [
    MenuItem(
        section="purchasing",
        label=_("Purchase requisitions"),
        url_name="purchasing:purchaserequisition_list",
        permission="purchasing.view_purchaserequisition",
        icon="clipboard-plus",
        order=5,
    ),
    MenuItem(
        section="purchasing",
        label=_("Purchase orders"),
        url_name="purchasing:purchaseorder_list",
        permission="purchasing.view_purchaseorder",
        icon="cart",
        order=10,
    ),
    MenuItem(
        section="purchasing",
        label=_("Goods receipts"),
        url_name="purchasing:goodsreceipt_list",
        permission="purchasing.view_goodsreceipt",
        icon="box-arrow-in-down",
        order=20,
    ),
    MenuItem(
        section="purchasing",
        label=_("Purchase invoices"),
        url_name="purchasing:purchaseinvoice_list",
        permission="purchasing.view_purchaseinvoice",
        icon="receipt",
        order=30,
    ),
    MenuItem(
        section="purchasing",
        label=_("Purchase returns"),
        url_name="purchasing:purchasereturn_list",
        permission="purchasing.view_purchasereturn",
        icon="arrow-return-left",
        order=40,
    ),
    MenuItem(
        section="purchasing",
        label=_("Supplier price lists"),
        url_name="purchasing:supplierprice_list",
        permission="purchasing.view_supplierprice",
        icon="tags",
        order=45,
    ),
    MenuItem(
        section="purchasing",
        label=_("Price history"),
        url_name="purchasing:price_history",
        permission="purchasing.view_supplierprice",
        icon="graph-up",
        order=46,
    ),
    MenuItem(
        section="purchasing",
        label=_("Supplier performance"),
        url_name="purchasing:supplier_performance",
        permission="purchasing.view_purchaseorder",
        icon="bar-chart",
        order=48,
    ),
    MenuItem(
        section="purchasing",
        label=_("GR/IR report"),
        url_name="purchasing:grir_report",
        permission="purchasing.view_goodsreceipt",
        icon="journal-check",
        order=50,
    ),
]

FIGURES = [
    HomeFigure(
        section="purchasing",
        label=_("Purchase orders waiting for approval"),
        permission="purchasing.view_purchaseorder",
        count=lambda: PurchaseOrder.objects.filter(state="submitted").count(),
        url_name="purchasing:purchaseorder_list",
        url_query="state=submitted",
    ),
    HomeFigure(
        section="purchasing",
        label=_("Approved orders waiting for goods"),
        permission="purchasing.view_purchaseorder",
        count=lambda: PurchaseOrder.objects.filter(state="approved").count(),
        url_name="purchasing:purchaseorder_list",
        url_query="state=approved",
    ),
    HomeFigure(
        section="purchasing",
        label=_("Goods receipts to post"),
        permission="purchasing.view_goodsreceipt",
        count=lambda: GoodsReceipt.objects.filter(state="draft").count(),
        url_name="purchasing:goodsreceipt_list",
        url_query="state=draft",
    ),
]

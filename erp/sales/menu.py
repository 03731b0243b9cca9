"""Sales entries in the sidebar (section 销售) and home figures."""

from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem


def _item(label, code: str, icon: str, order: int) -> MenuItem:
    return MenuItem(
        section="sales",
        label=label,
        url_name=f"sales:{code}_list",
        permission=f"sales.view_{code}",
        icon=icon,
        order=order,
    )


MENU = [
    _item(_("Sales quotations"), "salesquotation", "file-earmark-text", 9),
    _item(_("Sales orders"), "salesorder", "cart", 10),
    _item(_("Delivery notes"), "deliverynote", "truck", 11),
    _item(_("Sales invoices"), "salesinvoice", "receipt", 12),
    _item(_("Sales returns"), "salesreturn", "arrow-return-left", 13),
]


def _count(model_name: str, **filters):
    def count() -> int:
        from erp.sales import models

        return getattr(models, model_name).objects.filter(**filters).count()

    return count


FIGURES = [
    HomeFigure(
        section="sales",
        label=_("Orders waiting for approval"),
        permission="sales.view_salesorder",
        count=_count("SalesOrder", state="submitted"),
        url_name="sales:salesorder_list",
        url_query="state=submitted",
    ),
    HomeFigure(
        section="sales",
        label=_("Orders on credit hold"),
        permission="sales.view_salesorder",
        count=_count("SalesOrder", state="credit_hold"),
        url_name="sales:salesorder_list",
        url_query="state=credit_hold",
    ),
    HomeFigure(
        section="sales",
        label=_("Deliveries to post"),
        permission="sales.view_deliverynote",
        count=_count("DeliveryNote", state="draft"),
        url_name="sales:deliverynote_list",
        url_query="state=draft",
    ),
]

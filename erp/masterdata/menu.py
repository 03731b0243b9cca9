from django.utils.translation import gettext_lazy as _

from erp.core.menu import HomeFigure, MenuItem, SearchEntry
from erp.masterdata import selectors


def _material_url(material) -> str:
    from django.urls import reverse

    return reverse("masterdata:material_detail", kwargs={"pk": material.pk})


def _material_text(material) -> str:
    spec = f" · {material.specification}" if material.specification else ""
    return f"{material.code} {material.name}{spec}"


MENU = [
    # materials, units, categories
    MenuItem(
        section="warehouse",
        label=_("Materials"),
        url_name="masterdata:material_list",
        permission="masterdata.view_material",
        icon="box",
        order=10,
    ),
    MenuItem(
        section="warehouse",
        label=_("Material categories"),
        url_name="masterdata:category_list",
        permission="masterdata.view_materialcategory",
        icon="diagram-3",
        order=11,
    ),
    MenuItem(
        section="warehouse",
        label=_("Units"),
        url_name="masterdata:unit_list",
        permission="masterdata.view_unit",
        icon="rulers",
        order=12,
    ),
]
FIGURES = [
    HomeFigure(
        section="warehouse",
        label=_("Active materials"),
        permission="masterdata.view_material",
        count=selectors.material_count_active,
        url_name="masterdata:material_list",
        url_query="active=true",
    ),
]
SEARCH = [
    SearchEntry(
        label=_("Materials"),
        queryset=selectors.material_search_scope,
        fields=("code", "name", "specification"),
        exact_field="code",
        url=_material_url,
        permission="masterdata.view_material",
        describe=_material_text,
    ),
]

# --- customers, suppliers, payment terms, warehouses, locations, work centres, lines ----------
from erp.masterdata import selectors_partners  # noqa: E402


def _partner_url(name: str):
    def url(obj) -> str:
        from django.urls import reverse

        return reverse(f"masterdata:{name}_detail", kwargs={"pk": obj.pk})

    return url


def _item(section: str, label, name: str, model: str, icon: str, order: int) -> MenuItem:
    return MenuItem(
        section=section,
        label=label,
        url_name=f"masterdata:{name}_list",
        permission=f"masterdata.view_{model}",
        icon=icon,
        order=order,
    )


MENU += [
    _item("sales", _("Customers"), "customer", "customer", "people", 50),
    _item("purchasing", _("Suppliers"), "supplier", "supplier", "truck", 50),
    _item("warehouse", _("Warehouses"), "warehouse", "warehouse", "building", 20),
    _item("warehouse", _("Locations"), "location", "location", "grid-3x3-gap", 21),
    _item("production", _("Work centres"), "work_center", "workcenter", "tools", 50),
    _item(
        "production", _("Production lines"), "production_line", "productionline", "diagram-2", 51
    ),
    _item("settings", _("Payment terms"), "payment_term", "paymentterm", "calendar-check", 40),
]
FIGURES += [
    HomeFigure(
        section="sales",
        label=_("Active customers"),
        permission="masterdata.view_customer",
        count=selectors_partners.customer_count_active,
        url_name="masterdata:customer_list",
        url_query="active=true",
    ),
    HomeFigure(
        section="purchasing",
        label=_("Approved suppliers"),
        permission="masterdata.view_supplier",
        count=selectors_partners.supplier_count_approved,
        url_name="masterdata:supplier_list",
        url_query="active=true&approval_status=approved",
    ),
]
SEARCH += [
    SearchEntry(
        label=_("Customers"),
        queryset=selectors_partners.customer_search_scope,
        fields=("code", "name", "uscc"),
        exact_field="code",
        url=_partner_url("customer"),
        permission="masterdata.view_customer",
    ),
    SearchEntry(
        label=_("Suppliers"),
        queryset=selectors_partners.supplier_search_scope,
        fields=("code", "name", "uscc"),
        exact_field="code",
        url=_partner_url("supplier"),
        permission="masterdata.view_supplier",
    ),
]

from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from erp.core.listing import Column, ListConfig
from erp.masterdata.filters import CategoryFilter, MaterialFilter, UnitFilter
from erp.masterdata.models import Material, MaterialCategory, Unit

# --- materials, units, categories ----------------------------------------------------------

MATERIALS = ListConfig(
    model=Material,
    permission="masterdata.view_material",
    title=_("Materials"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("specification", _("Specification")),
        Column("category.name", _("Category"), sort="category__code"),
        Column("inventory_type", _("Inventory type"), sort="inventory_type"),
        Column("procurement", _("Procurement")),
        Column("base_unit.code", _("Base unit")),
        Column("batch_managed", _("Batch managed"), kind="bool"),
        Column("shelf_life_days", _("Shelf life (days)"), kind="num"),
        Column("safety_stock", _("Safety stock"), kind="qty", total=True),
        Column("standard_cost", _("Standard cost"), kind="amount", sort="standard_cost"),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name", "specification"),
    filterset_class=MaterialFilter,
    select_related=("category", "base_unit"),
    detail_url_name="masterdata:material_detail",
    create_url_name="masterdata:material_create",
    create_permission="masterdata.add_material",
    export_name="materials",
    import_url_name="golive:import_masterdata_material",
    template_url_name="golive:template_masterdata_material",
    export_url_name="golive:export_masterdata_material",
    search_placeholder=_("Code, name or specification"),
)

UNITS = ListConfig(
    model=Unit,
    permission="masterdata.view_unit",
    title=_("Units"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("kind", _("Kind"), sort="kind"),
        Column("decimal_places", _("Decimal places"), kind="num"),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name"),
    filterset_class=UnitFilter,
    detail_url_name="masterdata:unit_detail",
    create_url_name="masterdata:unit_create",
    create_permission="masterdata.add_unit",
    export_name="units",
    import_url_name="golive:import_masterdata_unit",
    template_url_name="golive:template_masterdata_unit",
    export_url_name="golive:export_masterdata_unit",
)


def _with_path(user, qs):
    """Each category's path from the top ("原材料 / 树脂"), three levels computed in SQL so
    the list stays one query and can sort by it (the tree reads in order)."""
    sep = Value(" / ")
    grand = When(parent__parent__isnull=False, then=Concat(F("parent__parent__name"), sep))
    parent = When(parent__isnull=False, then=Concat(F("parent__name"), sep))
    return qs.annotate(
        path=Concat(
            Case(grand, default=Value("")),
            Case(parent, default=Value("")),
            F("name"),
        )
    )


CATEGORIES = ListConfig(
    model=MaterialCategory,
    permission="masterdata.view_materialcategory",
    title=_("Material categories"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("path", _("Category path"), sort="path", link=True),
        Column("name", _("Name"), sort="name", export_only=True),
        Column("parent.code", _("Parent category code"), export_only=True),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name"),
    filterset_class=CategoryFilter,
    default_sort="path",
    select_related=("parent",),
    queryset_hook=_with_path,
    detail_url_name="masterdata:category_detail",
    create_url_name="masterdata:category_create",
    create_permission="masterdata.add_materialcategory",
    export_name="material-categories",
    import_url_name="golive:import_masterdata_category",
    template_url_name="golive:template_masterdata_category",
    export_url_name="golive:export_masterdata_category",
)


# --- customers, suppliers, payment terms, warehouses, locations, work centres, lines ---------

from django.db.models import Count, Q  # noqa: E402

from erp.masterdata import filters as partner_filters  # noqa: E402
from erp.masterdata import selectors_partners  # noqa: E402
from erp.masterdata.models import (  # noqa: E402
    Customer,
    Location,
    PaymentTerm,
    ProductionLine,
    Supplier,
    Warehouse,
    WorkCenter,
)


def _active_filter(model):
    return type(
        f"{model.__name__}ActiveFilter",
        (partner_filters.ActiveFilter,),
        {"Meta": type("Meta", (), {"model": model, "fields": ["active"]})},
    )


def _record_urls(name: str, model: str) -> dict:
    return {
        "detail_url_name": f"masterdata:{name}_detail",
        "create_url_name": f"masterdata:{name}_create",
        "create_permission": f"masterdata.add_{model}",
    }


CUSTOMERS = ListConfig(
    model=Customer,
    permission="masterdata.view_customer",
    title=_("Customers"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("uscc", _("Unified social credit code")),
        Column("primary_contact", _("Primary contact")),
        Column("payment_term.name", _("Payment term"), sort="payment_term__code"),
        Column("salesperson", _("Salesperson")),
        Column("credit_limit", _("Credit limit"), kind="amount", sort="credit_limit", total=True),
        Column("invoice_title", _("Invoice title"), export_only=True),
        Column("bank_name", _("Bank"), export_only=True),
        Column("bank_account", _("Bank account"), export_only=True),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name", "uscc", "contacts__name", "contacts__phone"),
    filterset_class=partner_filters.CustomerFilter,
    select_related=("payment_term", "salesperson"),
    queryset_hook=selectors_partners.customers_for_list,
    **_record_urls("customer", "customer"),
    export_name="customers",
    import_url_name="golive:import_masterdata_customer",
    template_url_name="golive:template_masterdata_customer",
    export_url_name="golive:export_masterdata_customer",
    search_placeholder=_("Code, name, credit code or contact"),
)

SUPPLIERS = ListConfig(
    model=Supplier,
    permission="masterdata.view_supplier",
    title=_("Suppliers"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("uscc", _("Unified social credit code")),
        Column("primary_contact", _("Primary contact")),
        Column("approval_status", _("Approved-supplier status"), sort="approval_status"),
        Column("payment_term.name", _("Payment term"), sort="payment_term__code"),
        Column("invoice_title", _("Invoice title"), export_only=True),
        Column("bank_name", _("Bank"), export_only=True),
        Column("bank_account", _("Bank account"), export_only=True),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name", "uscc", "contacts__name", "contacts__phone"),
    filterset_class=partner_filters.SupplierFilter,
    select_related=("payment_term",),
    queryset_hook=selectors_partners.suppliers_for_list,
    **_record_urls("supplier", "supplier"),
    export_name="suppliers",
    import_url_name="golive:import_masterdata_supplier",
    template_url_name="golive:template_masterdata_supplier",
    export_url_name="golive:export_masterdata_supplier",
    search_placeholder=_("Code, name, credit code or contact"),
)

PAYMENT_TERMS = ListConfig(
    model=PaymentTerm,
    permission="masterdata.view_paymentterm",
    title=_("Payment terms"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("days", _("Days until due"), kind="num", sort="days"),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name"),
    filterset_class=_active_filter(PaymentTerm),
    **_record_urls("payment_term", "paymentterm"),
    export_name="payment-terms",
    import_url_name="golive:import_masterdata_payment_term",
    template_url_name="golive:template_masterdata_payment_term",
    export_url_name="golive:export_masterdata_payment_term",
)


def _with_location_count(user, qs):
    return qs.annotate(location_count=Count("locations", filter=Q(locations__active=True)))


WAREHOUSES = ListConfig(
    model=Warehouse,
    permission="masterdata.view_warehouse",
    title=_("Warehouses"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("address", _("Address")),
        Column("manager", _("Manager")),
        Column("location_count", _("Active locations"), kind="num", sort="location_count"),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name", "address"),
    filterset_class=_active_filter(Warehouse),
    select_related=("manager",),
    queryset_hook=_with_location_count,
    **_record_urls("warehouse", "warehouse"),
    export_name="warehouses",
    import_url_name="golive:import_masterdata_warehouse",
    template_url_name="golive:template_masterdata_warehouse",
    export_url_name="golive:export_masterdata_warehouse",
)

LOCATIONS = ListConfig(
    model=Location,
    permission="masterdata.view_location",
    title=_("Locations"),
    columns=[
        Column("warehouse.code", _("Warehouse code"), sort="warehouse__code"),
        Column("warehouse.name", _("Warehouse")),
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("type", _("Location type"), sort="type"),
        Column("capacity", _("Capacity"), kind="qty"),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name", "warehouse__code", "warehouse__name"),
    filterset_class=partner_filters.LocationFilter,
    default_sort="warehouse__code",
    select_related=("warehouse",),
    **_record_urls("location", "location"),
    export_name="locations",
)

WORK_CENTERS = ListConfig(
    model=WorkCenter,
    permission="masterdata.view_workcenter",
    title=_("Work centres"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("capacity_hours_per_day", _("Capacity (hours per day)"), kind="qty"),
        Column("labour_rate", _("Labour rate per hour"), kind="amount", sort="labour_rate"),
        Column("overhead_rate", _("Overhead rate per hour"), kind="amount", sort="overhead_rate"),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name"),
    filterset_class=_active_filter(WorkCenter),
    **_record_urls("work_center", "workcenter"),
    export_name="work-centres",
    import_url_name="golive:import_masterdata_work_center",
    template_url_name="golive:template_masterdata_work_center",
    export_url_name="golive:export_masterdata_work_center",
)


def _with_step_count(user, qs):
    return qs.annotate(step_count=Count("steps"))


PRODUCTION_LINES = ListConfig(
    model=ProductionLine,
    permission="masterdata.view_productionline",
    title=_("Production lines"),
    columns=[
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name", link=True),
        Column("step_count", _("Steps"), kind="num"),
        Column("active", _("Active"), kind="bool"),
    ],
    search_fields=("code", "name"),
    filterset_class=_active_filter(ProductionLine),
    queryset_hook=_with_step_count,
    **_record_urls("production_line", "productionline"),
    export_name="production-lines",
)

from django.urls import path

from erp.core.list_views import ListPage
from erp.core.record_views import ActiveToggle, CreatePage, DetailPage, EditPage, LineRowView
from erp.masterdata import lists, records
from erp.masterdata.pickers import PickerOptions


def _row_path(prefix: str, name: str, config, line_set: str):
    return path(
        f"{prefix}/",
        LineRowView.as_view(config=config, prefix=line_set),
        name=name,
    )


def _record_paths(prefix: str, name: str, config) -> list:
    return [
        path(f"{prefix}/new/", CreatePage.as_view(config=config), name=f"{name}_create"),
        path(f"{prefix}/<int:pk>/", DetailPage.as_view(config=config), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", EditPage.as_view(config=config), name=f"{name}_edit"),
        path(
            f"{prefix}/<int:pk>/active/",
            ActiveToggle.as_view(config=config),
            name=f"{name}_active",
        ),
    ]


app_name = "masterdata"
urlpatterns = [
    path("pick/<slug:kind>/", PickerOptions.as_view(), name="picker"),
    # materials, units, categories
    path("materials/", ListPage.as_view(config=lists.MATERIALS), name="material_list"),
    *_record_paths("materials", "material", records.MATERIAL),
    path(
        "materials/conversion-row/",
        LineRowView.as_view(config=records.MATERIAL),
        name="material_conversion_row",
    ),
    path("units/", ListPage.as_view(config=lists.UNITS), name="unit_list"),
    *_record_paths("units", "unit", records.UNIT),
    path("categories/", ListPage.as_view(config=lists.CATEGORIES), name="category_list"),
    *_record_paths("categories", "category", records.CATEGORY),
]

# customers, suppliers, payment terms, warehouses, locations, work centres, production lines
from erp.masterdata import records_partners  # noqa: E402

urlpatterns += [
    path("customers/", ListPage.as_view(config=lists.CUSTOMERS), name="customer_list"),
    *_record_paths("customers", "customer", records_partners.CUSTOMER),
    _row_path(
        "customers/contact-row", "customer_contact_row", records_partners.CUSTOMER, "contacts"
    ),
    _row_path(
        "customers/address-row", "customer_address_row", records_partners.CUSTOMER, "addresses"
    ),
    path("suppliers/", ListPage.as_view(config=lists.SUPPLIERS), name="supplier_list"),
    *_record_paths("suppliers", "supplier", records_partners.SUPPLIER),
    _row_path(
        "suppliers/contact-row", "supplier_contact_row", records_partners.SUPPLIER, "contacts"
    ),
    _row_path(
        "suppliers/material-row", "supplier_material_row", records_partners.SUPPLIER, "materials"
    ),
    path("payment-terms/", ListPage.as_view(config=lists.PAYMENT_TERMS), name="payment_term_list"),
    *_record_paths("payment-terms", "payment_term", records_partners.PAYMENT_TERM),
    path("warehouses/", ListPage.as_view(config=lists.WAREHOUSES), name="warehouse_list"),
    *_record_paths("warehouses", "warehouse", records_partners.WAREHOUSE_RECORD),
    path(
        "warehouses/location-row/",
        LineRowView.as_view(config=records_partners.WAREHOUSE_RECORD),
        name="warehouse_location_row",
    ),
    path("locations/", ListPage.as_view(config=lists.LOCATIONS), name="location_list"),
    *_record_paths("locations", "location", records_partners.LOCATION),
    path("work-centres/", ListPage.as_view(config=lists.WORK_CENTERS), name="work_center_list"),
    *_record_paths("work-centres", "work_center", records_partners.WORK_CENTER),
    path(
        "production-lines/",
        ListPage.as_view(config=lists.PRODUCTION_LINES),
        name="production_line_list",
    ),
    *_record_paths("production-lines", "production_line", records_partners.PRODUCTION_LINE),
    path(
        "production-lines/step-row/",
        LineRowView.as_view(config=records_partners.PRODUCTION_LINE),
        name="production_line_step_row",
    ),
]

from django.utils.translation import gettext_lazy as _

from erp.core.listing import Column, ListConfig
from erp.masterdata.filters import MaterialFilter
from erp.masterdata.models import Material

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
    export_name="materials",
    search_placeholder=_("Code, name or specification"),
)

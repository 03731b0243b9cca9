"""Record page configurations (erp.core.record_views) of materials, units and categories."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.core.record_views import Field, LinesConfig, RecordConfig, Section
from erp.masterdata import selectors
from erp.masterdata.forms.categories import CategoryForm
from erp.masterdata.forms.materials import MaterialForm
from erp.masterdata.forms.units import ConversionFormSet, UnitForm
from erp.masterdata.models import Material, MaterialCategory, Unit
from erp.masterdata.services import categories, materials, units

WAREHOUSE = _("Warehouse")


def _conversion_lines(material) -> list[dict]:
    return [
        {"from_unit": c.from_unit, "to_unit": c.to_unit, "factor": _plain(c.factor)}
        for c in selectors.material_conversions(material)
    ]


def _plain(value: Decimal) -> Decimal:
    # 200.0000000000 → 200 for the form; quantize keeps a plain exponent (no "2E+2").
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


MATERIAL = RecordConfig(
    model=Material,
    title=_("Materials"),
    section=WAREHOUSE,
    view_permission="masterdata.view_material",
    add_permission="masterdata.add_material",
    change_permission="masterdata.change_material",
    form_class=MaterialForm,
    get_object=selectors.material_detail,
    create=lambda actor, data, lines: materials.material_create(
        actor=actor, data=data, conversions=lines.get("conversions")
    ),
    update=lambda actor, obj, data, lines: materials.material_update(
        actor=actor, material_id=obj.pk, data=data, conversions=lines.get("conversions")
    ),
    set_active=lambda actor, obj, active: materials.material_set_active(
        actor=actor, material_id=obj.pk, active=active
    ),
    sections=[
        Section(
            _("Basic data"),
            (
                "code",
                "name",
                "specification",
                Field(
                    "category",
                    value=lambda m: f"{m.category.code} {selectors.category_path(m.category)}",
                ),
                "inventory_type",
                "procurement",
                "active",
            ),
        ),
        Section(_("Units"), ("base_unit", "purchase_unit", "sales_unit")),
        Section(
            _("Batches and quality"),
            (
                "batch_managed",
                "shelf_life_days",
                "qc_required",
                "vat_rate",
                "hazard_class",
                "density",
                "storage_conditions",
            ),
        ),
        Section(
            _("Planning and storage"),
            (
                "reorder_point",
                "safety_stock",
                "min_order_qty",
                "order_multiple",
                "lead_time_days",
                "default_warehouse",
                "default_location",
                Field("standard_cost", kind="amount"),
            ),
        ),
    ],
    list_url_name="masterdata:material_list",
    detail_url_name="masterdata:material_detail",
    create_url_name="masterdata:material_create",
    edit_url_name="masterdata:material_edit",
    active_url_name="masterdata:material_active",
    lines=(
        LinesConfig(
            title=_("Unit conversions of this material"),
            formset_class=ConversionFormSet,
            initial=_conversion_lines,
            row_url_name="masterdata:material_conversion_row",
            columns=(
                Field("from_unit", _("From unit"), value=lambda r: f"1 {r.from_unit.code}"),
                Field("factor", _("Factor"), kind="qty"),
                Field("to_unit", _("To unit"), value=lambda r: r.to_unit.code),
            ),
            prefix="conversions",
            empty_text=_("No conversions of its own: the global conversions apply."),
        ),
    ),
)

UNIT = RecordConfig(
    model=Unit,
    title=_("Units"),
    section=WAREHOUSE,
    view_permission="masterdata.view_unit",
    add_permission="masterdata.add_unit",
    change_permission="masterdata.change_unit",
    form_class=UnitForm,
    get_object=lambda pk: Unit.objects.filter(pk=pk).first(),
    create=lambda actor, data, lines: units.unit_create(actor=actor, data=data),
    update=lambda actor, obj, data, lines: units.unit_update(
        actor=actor, unit_id=obj.pk, data=data
    ),
    set_active=lambda actor, obj, active: units.unit_set_active(
        actor=actor, unit_id=obj.pk, active=active
    ),
    sections=[
        Section(
            _("Unit"),
            (
                "code",
                "name",
                "kind",
                "decimal_places",
                "active",
                Field(
                    "conversions",
                    _("Global conversions"),
                    value=lambda u: "；".join(str(c) for c in selectors.global_conversions(u)),
                    wide=True,
                ),
            ),
        )
    ],
    list_url_name="masterdata:unit_list",
    detail_url_name="masterdata:unit_detail",
    create_url_name="masterdata:unit_create",
    edit_url_name="masterdata:unit_edit",
    active_url_name="masterdata:unit_active",
)

CATEGORY = RecordConfig(
    model=MaterialCategory,
    title=_("Material categories"),
    section=WAREHOUSE,
    view_permission="masterdata.view_materialcategory",
    add_permission="masterdata.add_materialcategory",
    change_permission="masterdata.change_materialcategory",
    form_class=CategoryForm,
    get_object=lambda pk: MaterialCategory.objects.select_related("parent").filter(pk=pk).first(),
    create=lambda actor, data, lines: categories.category_create(actor=actor, data=data),
    update=lambda actor, obj, data, lines: categories.category_update(
        actor=actor, category_id=obj.pk, data=data
    ),
    set_active=lambda actor, obj, active: categories.category_set_active(
        actor=actor, category_id=obj.pk, active=active
    ),
    sections=[
        Section(
            _("Category"),
            (
                "code",
                "name",
                "parent",
                Field("path", _("Path"), value=selectors.category_path),
                Field(
                    "materials",
                    _("Materials"),
                    kind="num",
                    value=lambda c: c.materials.count(),
                ),
                "active",
            ),
        )
    ],
    list_url_name="masterdata:category_list",
    detail_url_name="masterdata:category_detail",
    create_url_name="masterdata:category_create",
    edit_url_name="masterdata:category_edit",
    active_url_name="masterdata:category_active",
)

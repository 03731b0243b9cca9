"""/api/v1/materials/, /units/, /material-categories/: the same services as the pages.

Foreign keys travel as codes (category_code, base_unit_code, ...); unknown fields are a 400
(mass-assignment guard); ordering comes from an allowlist."""

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from erp.core.api_crud import Resource, actor, register
from erp.core.errors import ValidationFailed
from erp.masterdata import selectors
from erp.masterdata.models import Location, Material, MaterialCategory, Unit, Warehouse
from erp.masterdata.services import categories, materials, units
from erp.masterdata.vat import VatRate

router = Router(tags=["masterdata"])

QTY = {"max_digits": 18, "decimal_places": 4, "ge": 0}


def _code(obj) -> str | None:
    return obj.code if obj is not None else None


# --- schemas -------------------------------------------------------------------------------


class ConversionIO(Schema):
    model_config = ConfigDict(extra="forbid")

    from_unit_code: str
    to_unit_code: str
    factor: Decimal = Field(gt=0, max_digits=24, decimal_places=10)


class MaterialOut(Schema):
    id: int
    code: str
    name: str
    specification: str
    category_code: str
    inventory_type: str
    procurement: str
    base_unit_code: str
    purchase_unit_code: str | None
    sales_unit_code: str | None
    batch_managed: bool
    shelf_life_days: int | None
    qc_required: bool
    vat_rate: str
    reorder_point: Decimal
    safety_stock: Decimal
    min_order_qty: Decimal
    order_multiple: Decimal
    lead_time_days: int
    default_warehouse_code: str | None
    default_location_code: str | None
    standard_cost: Decimal
    density: Decimal | None
    hazard_class: str
    storage_conditions: str
    active: bool

    @staticmethod
    def resolve_category_code(obj: Material) -> str:
        return obj.category.code

    @staticmethod
    def resolve_base_unit_code(obj: Material) -> str:
        return obj.base_unit.code

    @staticmethod
    def resolve_purchase_unit_code(obj: Material) -> str | None:
        return _code(obj.purchase_unit)

    @staticmethod
    def resolve_sales_unit_code(obj: Material) -> str | None:
        return _code(obj.sales_unit)

    @staticmethod
    def resolve_default_warehouse_code(obj: Material) -> str | None:
        return _code(obj.default_warehouse)

    @staticmethod
    def resolve_default_location_code(obj: Material) -> str | None:
        return _code(obj.default_location)


class MaterialDetailOut(MaterialOut):
    conversions: list[ConversionIO]

    @staticmethod
    def resolve_conversions(obj: Material) -> list[dict]:
        return [
            {"from_unit_code": c.from_unit.code, "to_unit_code": c.to_unit.code, "factor": c.factor}
            for c in selectors.material_conversions(obj)
        ]


class MaterialPatch(Schema):
    """Fields to change; all optional. Anything else (id, created_at, ...) is a 400."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    specification: str | None = Field(default=None, max_length=200)
    category_code: str | None = None
    inventory_type: Material.InventoryType | None = None
    procurement: Material.Procurement | None = None
    base_unit_code: str | None = None
    purchase_unit_code: str | None = None
    sales_unit_code: str | None = None
    batch_managed: bool | None = None
    shelf_life_days: int | None = Field(default=None, ge=0)
    qc_required: bool | None = None
    vat_rate: VatRate | None = None
    reorder_point: Decimal | None = Field(default=None, **QTY)
    safety_stock: Decimal | None = Field(default=None, **QTY)
    min_order_qty: Decimal | None = Field(default=None, **QTY)
    order_multiple: Decimal | None = Field(default=None, **QTY)
    lead_time_days: int | None = Field(default=None, ge=0)
    default_warehouse_code: str | None = None
    default_location_code: str | None = None
    standard_cost: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=6)
    density: Decimal | None = Field(default=None, gt=0, max_digits=10, decimal_places=4)
    hazard_class: str | None = Field(default=None, max_length=50)
    storage_conditions: str | None = Field(default=None, max_length=200)
    active: bool | None = None
    conversions: list[ConversionIO] | None = None


class MaterialIn(MaterialPatch):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    category_code: str
    inventory_type: Material.InventoryType
    procurement: Material.Procurement
    base_unit_code: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    decimal_places: int
    active: bool


class UnitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=200)
    kind: Unit.Kind = Unit.Kind.OTHER
    decimal_places: int = Field(default=4, ge=0, le=10)


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_code: str | None
    active: bool

    @staticmethod
    def resolve_parent_code(obj: MaterialCategory) -> str | None:
        return _code(obj.parent)


class CategoryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    parent_code: str | None = None


# --- code resolution -----------------------------------------------------------------------

CODE_FIELDS = {
    "category_code": ("category", MaterialCategory, _("material category")),
    "base_unit_code": ("base_unit", Unit, _("unit")),
    "purchase_unit_code": ("purchase_unit", Unit, _("unit")),
    "sales_unit_code": ("sales_unit", Unit, _("unit")),
    "default_warehouse_code": ("default_warehouse", Warehouse, _("warehouse")),
}


def _unknown(field: str, what, code: str) -> ValidationFailed:
    message = _("There is no %(what)s with code “%(code)s”. Use an existing code.") % {
        "what": what,
        "code": code[:40],
    }
    return ValidationFailed(message, code="unknown_code", fields={field: [message]})


def _resolve(model, field: str, what, code: str | None):
    if code is None or code == "":
        return None
    obj = model.objects.filter(code=code).first()
    if obj is None:
        raise _unknown(field, what, code)
    return obj


def material_data(payload: MaterialPatch, current: Material | None = None) -> dict:
    """Service data from the payload: only the fields sent, codes resolved to records."""
    sent = payload.dict(exclude_unset=True)
    sent.pop("conversions", None)
    data = {}
    for name, value in sent.items():
        if name in CODE_FIELDS:
            target, model, what = CODE_FIELDS[name]
            data[target] = _resolve(model, name, what, value)
        elif name != "default_location_code":
            data[name] = value
    if "default_location_code" in sent:
        data["default_location"] = _location(data, current, sent["default_location_code"])
    return data


def _location(data: dict, current: Material | None, code: str | None):
    if not code:
        return None
    warehouse = data.get("default_warehouse") or (current and current.default_warehouse)
    found = Location.objects.filter(warehouse=warehouse, code=code).first() if warehouse else None
    if found is None:
        raise _unknown("default_location_code", _("location in the default warehouse"), code)
    return found


def conversion_rows(payload: MaterialPatch) -> list[dict] | None:
    if payload.conversions is None:
        return None
    return [
        {
            "from_unit": _resolve(Unit, "from_unit_code", _("unit"), c.from_unit_code),
            "to_unit": _resolve(Unit, "to_unit_code", _("unit"), c.to_unit_code),
            "factor": c.factor,
        }
        for c in payload.conversions
    ]


# --- resources -----------------------------------------------------------------------------


def _material_write(payload: MaterialPatch, current: Material | None = None) -> dict:
    return {"data": material_data(payload, current), "conversions": conversion_rows(payload)}


for resource in (
    Resource(
        module=__name__,
        name="materials",
        path="/materials/",
        model="masterdata.material",
        out=MaterialOut,
        rows=selectors.material_list,
        query=("q", "category_code", "inventory_type", "procurement", "active", "ordering"),
        detail=selectors.material_detail,
        detail_out=MaterialDetailOut,
        id_name="material_id",
        create_in=MaterialIn,
        create=lambda actor, payload: materials.material_create(
            actor=actor, **_material_write(payload)
        ),
        replay_current=True,
        patch_in=MaterialPatch,
        update=lambda actor, pk, payload, current: materials.material_update(
            actor=actor, material_id=pk, **_material_write(payload, current)
        ),
    ),
    Resource(
        module=__name__,
        name="units",
        path="/units/",
        model="masterdata.unit",
        out=UnitOut,
        rows=selectors.unit_list,
        ordering="",
    ),
    Resource(
        module=__name__,
        name="categories",
        path="/material-categories/",
        model="masterdata.materialcategory",
        out=CategoryOut,
        rows=selectors.category_list,
        ordering="",
    ),
):
    register(router, resource)


@router.post("/units/", response={201: UnitOut})
def units_create(request: HttpRequest, payload: UnitIn):
    return 201, units.unit_create(actor=actor(request), data=payload.dict())


@router.post("/material-categories/", response={201: CategoryOut})
def categories_create(request: HttpRequest, payload: CategoryIn):
    data = payload.dict()
    parent_code = data.pop("parent_code")
    data["parent"] = _resolve(MaterialCategory, "parent_code", _("material category"), parent_code)
    return 201, categories.category_create(actor=actor(request), data=data)


from erp.masterdata import api_partners  # noqa: E402,F401

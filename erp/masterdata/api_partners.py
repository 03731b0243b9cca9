"""/api/v1/customers/, /suppliers/, /payment-terms/, /warehouses/, /locations/, /work-centers/,
/production-lines/: the same services as the pages.

Foreign keys travel as codes (payment_term_code, warehouse_code, ...; the salesperson and the
warehouse manager as user names). Unknown fields are a 400 (mass-assignment guard: `id`,
`is_staff`, ... are refused); `credit_limit` additionally needs the permission
masterdata.set_credit_limit_customer (checked by the service). Ordering comes from an
allowlist; anything else is a 400."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import ConfigDict, Field

from erp.core.api_crud import Resource, register
from erp.masterdata import selectors_partners as sel
from erp.masterdata.api import _resolve, _unknown, router
from erp.masterdata.models import (
    Location,
    Material,
    PaymentTerm,
    Supplier,
    Warehouse,
    WorkCenter,
)
from erp.masterdata.services import facilities as fs
from erp.masterdata.services import partners as ps

AMOUNT = {"max_digits": 18, "decimal_places": 2}


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- schemas -------------------------------------------------------------------------------


class ContactIO(_In):
    name: str = Field(min_length=1, max_length=100)
    position: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=50)
    email: str = Field(default="", max_length=254)
    is_primary: bool = False


class AddressIO(_In):
    label: str = Field(default="", max_length=100)
    address: str = Field(min_length=1, max_length=300)
    contact_name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=50)
    is_default: bool = False


class SuppliedMaterialIO(_In):
    material_code: str
    supplier_code: str = Field(default="", max_length=60)
    lead_time_days: int | None = Field(default=None, ge=0)
    is_preferred: bool = False


class PartnerPatch(_In):
    code: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    active: bool | None = None
    uscc: str | None = Field(default=None, max_length=18)
    invoice_title: str | None = Field(default=None, max_length=200)
    invoice_address: str | None = Field(default=None, max_length=300)
    invoice_phone: str | None = Field(default=None, max_length=50)
    bank_name: str | None = Field(default=None, max_length=200)
    bank_account: str | None = Field(default=None, max_length=60)
    payment_term_code: str | None = None
    contacts: list[ContactIO] | None = None


class CustomerPatch(PartnerPatch):
    credit_limit: Decimal | None = Field(default=None, **AMOUNT)
    salesperson: str | None = Field(default=None, description="user name")
    addresses: list[AddressIO] | None = None


class CustomerIn(CustomerPatch):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)


class SupplierPatch(PartnerPatch):
    approval_status: Supplier.Approval | None = None
    materials: list[SuppliedMaterialIO] | None = None


class SupplierIn(SupplierPatch):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)


class PartnerOut(Schema):
    id: int
    code: str
    name: str
    active: bool
    uscc: str
    invoice_title: str
    invoice_address: str
    invoice_phone: str
    bank_name: str
    bank_account: str
    payment_term_code: str | None
    contacts: list[ContactIO]

    @staticmethod
    def resolve_payment_term_code(obj) -> str | None:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["payment_term_code"]
        return obj.payment_term.code if obj.payment_term_id else None

    @staticmethod
    def resolve_contacts(obj) -> list[dict]:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["contacts"]
        return [{f: getattr(c, f) for f in ps.CONTACT_FIELDS} for c in obj.contacts.all()]


class CustomerOut(PartnerOut):
    credit_limit: Decimal
    salesperson: str | None
    addresses: list[AddressIO]

    @staticmethod
    def resolve_salesperson(obj) -> str | None:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["salesperson"]
        return obj.salesperson.username if obj.salesperson_id else None

    @staticmethod
    def resolve_addresses(obj) -> list[dict]:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["addresses"]
        return [{f: getattr(a, f) for f in ps.ADDRESS_FIELDS} for a in obj.addresses.all()]


class SupplierOut(PartnerOut):
    approval_status: str
    materials: list[SuppliedMaterialIO]

    @staticmethod
    def resolve_materials(obj) -> list[dict]:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["materials"]
        return [
            {
                "material_code": m.material.code,
                "supplier_code": m.supplier_code,
                "lead_time_days": m.lead_time_days,
                "is_preferred": m.is_preferred,
            }
            for m in obj.materials.all()
        ]


class PaymentTermPatch(_In):
    code: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    days: int | None = Field(default=None, ge=0)
    active: bool | None = None


class PaymentTermIn(PaymentTermPatch):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)


class PaymentTermOut(Schema):
    id: int
    code: str
    name: str
    days: int
    active: bool


class LocationIO(_In):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    type: Location.Type = Location.Type.STORAGE
    capacity: Decimal | None = Field(default=None, gt=0, max_digits=18, decimal_places=4)
    active: bool = True


class WarehousePatch(_In):
    code: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=300)
    manager: str | None = Field(default=None, description="user name")
    active: bool | None = None
    locations: list[LocationIO] | None = None


class WarehouseIn(WarehousePatch):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    address: str
    manager: str | None
    active: bool
    locations: list[LocationIO]

    @staticmethod
    def resolve_manager(obj) -> str | None:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["manager"]
        return obj.manager.username if obj.manager_id else None

    @staticmethod
    def resolve_locations(obj) -> list[dict]:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["locations"]
        return [{f: getattr(x, f) for f in fs.LOCATION_FIELDS} for x in obj.locations.all()]


class LocationPatch(_In):
    code: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    type: Location.Type | None = None
    capacity: Decimal | None = Field(default=None, gt=0, max_digits=18, decimal_places=4)
    active: bool | None = None


class LocationIn(LocationIO):
    warehouse_code: str


class LocationOut(Schema):
    id: int
    warehouse_code: str
    code: str
    name: str
    type: str
    capacity: Decimal | None
    active: bool

    @staticmethod
    def resolve_warehouse_code(obj) -> str:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["warehouse_code"]
        return obj.warehouse.code


class WorkCenterPatch(_In):
    code: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    capacity_hours_per_day: Decimal | None = Field(default=None, max_digits=6, decimal_places=2)
    labour_rate: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    overhead_rate: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    active: bool | None = None


class WorkCenterIn(WorkCenterPatch):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)


class WorkCenterOut(Schema):
    id: int
    code: str
    name: str
    capacity_hours_per_day: Decimal
    labour_rate: Decimal
    overhead_rate: Decimal
    active: bool


class StepIO(_In):
    sequence: int = Field(ge=1)
    work_center_code: str


class ProductionLinePatch(_In):
    code: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    active: bool | None = None
    steps: list[StepIO] | None = None


class ProductionLineIn(ProductionLinePatch):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)


class ProductionLineOut(Schema):
    id: int
    code: str
    name: str
    active: bool
    steps: list[StepIO]

    @staticmethod
    def resolve_steps(obj) -> list[dict]:
        if isinstance(obj, dict):  # a stored idempotent answer, already resolved
            return obj["steps"]
        return [
            {"sequence": s.sequence, "work_center_code": s.work_center.code}
            for s in obj.steps.all()
        ]


# --- payload → service data ----------------------------------------------------------------


def _user(field: str, username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise _unknown(field, _("user"), username)
    return user


def _data(payload: Schema, lines: tuple[str, ...] = ()) -> dict:
    """Only the fields sent; codes resolved to records; line sets left out."""
    sent = payload.model_dump(exclude_unset=True)
    for name in lines:
        sent.pop(name, None)
    if "payment_term_code" in sent:
        code = sent.pop("payment_term_code")
        sent["payment_term"] = _resolve(PaymentTerm, "payment_term_code", _("payment term"), code)
    for name in ("salesperson", "manager"):
        if name in sent:
            sent[name] = _user(name, sent[name])
    return sent


def _rows(payload: Schema, name: str) -> list[dict] | None:
    rows = getattr(payload, name, None)
    if rows is None:
        return None
    return [row.model_dump() for row in rows]


def _supplied(payload) -> list[dict] | None:
    rows = _rows(payload, "materials")
    if rows is None:
        return None
    for row in rows:
        code = row.pop("material_code")
        row["material"] = _resolve(Material, "material_code", _("material"), code)
    return rows


def _steps(payload) -> list[dict] | None:
    rows = _rows(payload, "steps")
    if rows is None:
        return None
    for row in rows:
        code = row.pop("work_center_code")
        row["work_center"] = _resolve(WorkCenter, "work_center_code", _("work centre"), code)
    return rows


def _with_code(payload: Schema, field: str, model, what) -> dict:
    """`_data`, with the record named by `field` (a code) resolved too."""
    data = _data(payload)
    data[field.removesuffix("_code")] = _resolve(model, field, what, data.pop(field))
    return data


TAGS = ("partners",)


def _resource(name: str, model: str, **options) -> Resource:
    path = "/" + name.replace("_", "-") + "/"
    return Resource(module=__name__, name=name, path=path, model=model, tags=TAGS, **options)


def _customer(payload) -> dict:
    return {
        "data": _data(payload, ("contacts", "addresses")),
        "contacts": _rows(payload, "contacts"),
        "addresses": _rows(payload, "addresses"),
    }


def _supplier(payload) -> dict:
    return {
        "data": _data(payload, ("contacts", "materials")),
        "contacts": _rows(payload, "contacts"),
        "materials": _supplied(payload),
    }


def _warehouse(payload) -> dict:
    return {"data": _data(payload, ("locations",)), "locations": _rows(payload, "locations")}


def _line(payload) -> dict:
    return {"data": _data(payload, ("steps",)), "steps": _steps(payload)}


def _plain(payload) -> dict:
    return {"data": _data(payload)}


def _writes(create, update, key: str, service_args=_plain) -> dict:
    """A resource's create and update through the record's two services; `service_args`
    turns the payload into their keyword arguments (data and line sets)."""
    return {
        "create": lambda actor, payload: create(actor=actor, **service_args(payload)),
        "update": lambda actor, pk, payload, current: update(
            actor=actor, **{key: pk}, **service_args(payload)
        ),
    }


RESOURCES = (
    _resource(
        "customers",
        "masterdata.customer",
        out=CustomerOut,
        rows=sel.customer_list,
        query=("q", "active", "payment_term_code", "ordering"),
        detail=sel.customer_detail,
        id_name="customer_id",
        create_in=CustomerIn,
        patch_in=CustomerPatch,
        **_writes(ps.customer_create, ps.customer_update, "customer_id", _customer),
    ),
    _resource(
        "suppliers",
        "masterdata.supplier",
        out=SupplierOut,
        rows=sel.supplier_list,
        query=("q", "active", "approval_status", "ordering"),
        detail=sel.supplier_detail,
        id_name="supplier_id",
        create_in=SupplierIn,
        patch_in=SupplierPatch,
        **_writes(ps.supplier_create, ps.supplier_update, "supplier_id", _supplier),
    ),
    _resource(
        "payment_terms",
        "masterdata.paymentterm",
        out=PaymentTermOut,
        rows=sel.payment_term_list,
        detail=sel.payment_term_detail,
        id_name="term_id",
        create_in=PaymentTermIn,
        patch_in=PaymentTermPatch,
        **_writes(ps.payment_term_create, ps.payment_term_update, "payment_term_id"),
    ),
    _resource(
        "warehouses",
        "masterdata.warehouse",
        out=WarehouseOut,
        rows=sel.warehouse_list,
        detail=sel.warehouse_detail,
        id_name="warehouse_id",
        create_in=WarehouseIn,
        patch_in=WarehousePatch,
        **_writes(fs.warehouse_create, fs.warehouse_update, "warehouse_id", _warehouse),
    ),
    _resource(
        "locations",
        "masterdata.location",
        out=LocationOut,
        rows=sel.location_list,
        query=("q", "active", "warehouse_code", "type", "ordering"),
        detail=sel.location_detail,
        id_name="location_id",
        create_in=LocationIn,
        create=lambda actor, payload: fs.location_create(
            actor=actor, data=_with_code(payload, "warehouse_code", Warehouse, _("warehouse"))
        ),
        patch_in=LocationPatch,
        update=lambda actor, pk, payload, current: fs.location_update(
            actor=actor, location_id=pk, data=_data(payload)
        ),
    ),
    _resource(
        "work_centers",
        "masterdata.workcenter",
        out=WorkCenterOut,
        rows=sel.work_center_list,
        detail=sel.work_center_detail,
        id_name="work_center_id",
        create_in=WorkCenterIn,
        patch_in=WorkCenterPatch,
        **_writes(fs.work_center_create, fs.work_center_update, "work_center_id"),
    ),
    _resource(
        "production_lines",
        "masterdata.productionline",
        out=ProductionLineOut,
        rows=sel.production_line_list,
        detail=sel.production_line_detail,
        id_name="line_id",
        create_in=ProductionLineIn,
        patch_in=ProductionLinePatch,
        **_writes(
            fs.production_line_create, fs.production_line_update, "production_line_id", _line
        ),
    ),
)
for resource in RESOURCES:
    register(router, resource)

"""/api/v1/customers/, /suppliers/, /payment-terms/, /warehouses/, /locations/, /work-centers/,
/production-lines/: the same services as the pages.

Foreign keys travel as codes (payment_term_code, warehouse_code, ...; the salesperson and the
warehouse manager as user names). Unknown fields are a 400 (mass-assignment guard: `id`,
`is_staff`, ... are refused); `credit_limit` additionally needs the permission
masterdata.set_credit_limit_customer (checked by the service). Ordering comes from an
allowlist; anything else is a 400."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import ConfigDict, Field

from erp.core.access import require_perm
from erp.core.errors import NotFound
from erp.core.services.idempotency import idempotent
from erp.masterdata import selectors_partners as sel
from erp.masterdata.api import _actor, _resolve, _unknown, router
from erp.masterdata.models import (
    Customer,
    Location,
    Material,
    PaymentTerm,
    ProductionLine,
    Supplier,
    Warehouse,
    WorkCenter,
)
from erp.masterdata.selectors import checked_ordering
from erp.masterdata.services import facilities as fs
from erp.masterdata.services import partners as ps

AMOUNT = {"max_digits": 18, "decimal_places": 2}
PARTNER_ORDERINGS = ("code", "name", "created_at", "updated_at")


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


def _listing(qs: QuerySet, *, q: str, active: bool | None, ordering: str) -> QuerySet:
    q = q.strip()[:100]
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by(checked_ordering(ordering, PARTNER_ORDERINGS), "pk")


def _found(obj):
    if obj is None:
        raise NotFound()
    return obj


def _create(request, *, perm: str, endpoint: str, build, out: type[Schema], detail):
    """Create through `build(actor)` once per Idempotency-Key; answer with the detail."""
    actor = _actor(request)
    require_perm(actor, perm)

    def create():
        obj = build(actor)
        return 201, out.from_orm(detail(obj.pk)).model_dump(mode="json")

    return idempotent(
        user=actor,
        key=request.headers.get("Idempotency-Key", ""),
        endpoint=endpoint,
        create=create,
    )


# --- customers -----------------------------------------------------------------------------

CUSTOMER_LINES = ("contacts", "addresses")


@router.get("/customers/", response=list[CustomerOut], tags=["partners"])
@paginate(PageNumberPagination)
def customers_list(
    request: HttpRequest,
    q: str = "",
    active: bool | None = None,
    payment_term_code: str = "",
    ordering: str = "code",
):
    require_perm(_actor(request), "masterdata.view_customer")
    qs = Customer.objects.select_related("payment_term", "salesperson").prefetch_related(
        "contacts", "addresses"
    )
    if payment_term_code:
        qs = qs.filter(payment_term__code=payment_term_code)
    return _listing(qs, q=q, active=active, ordering=ordering)


@router.post("/customers/", response={200: CustomerOut, 201: CustomerOut}, tags=["partners"])
def customers_create(request: HttpRequest, payload: CustomerIn):
    """Honours the Idempotency-Key header: a retry returns the first answer, one record."""
    return _create(
        request,
        perm="masterdata.add_customer",
        endpoint="customers.create",
        out=CustomerOut,
        detail=sel.customer_detail,
        build=lambda actor: ps.customer_create(
            actor=actor,
            data=_data(payload, CUSTOMER_LINES),
            contacts=_rows(payload, "contacts"),
            addresses=_rows(payload, "addresses"),
        ),
    )


@router.get("/customers/{customer_id}", response=CustomerOut, tags=["partners"])
def customers_get(request: HttpRequest, customer_id: int):
    require_perm(_actor(request), "masterdata.view_customer")
    return _found(sel.customer_detail(customer_id))


@router.patch("/customers/{customer_id}", response=CustomerOut, tags=["partners"])
def customers_update(request: HttpRequest, customer_id: int, payload: CustomerPatch):
    ps.customer_update(
        actor=_actor(request),
        customer_id=customer_id,
        data=_data(payload, CUSTOMER_LINES),
        contacts=_rows(payload, "contacts"),
        addresses=_rows(payload, "addresses"),
    )
    return sel.customer_detail(customer_id)


# --- suppliers -----------------------------------------------------------------------------

SUPPLIER_LINES = ("contacts", "materials")


@router.get("/suppliers/", response=list[SupplierOut], tags=["partners"])
@paginate(PageNumberPagination)
def suppliers_list(
    request: HttpRequest,
    q: str = "",
    active: bool | None = None,
    approval_status: str = "",
    ordering: str = "code",
):
    require_perm(_actor(request), "masterdata.view_supplier")
    qs = Supplier.objects.select_related("payment_term").prefetch_related(
        "contacts", "materials__material"
    )
    if approval_status:
        qs = qs.filter(approval_status=approval_status)
    return _listing(qs, q=q, active=active, ordering=ordering)


@router.post("/suppliers/", response={200: SupplierOut, 201: SupplierOut}, tags=["partners"])
def suppliers_create(request: HttpRequest, payload: SupplierIn):
    return _create(
        request,
        perm="masterdata.add_supplier",
        endpoint="suppliers.create",
        out=SupplierOut,
        detail=sel.supplier_detail,
        build=lambda actor: ps.supplier_create(
            actor=actor,
            data=_data(payload, SUPPLIER_LINES),
            contacts=_rows(payload, "contacts"),
            materials=_supplied(payload),
        ),
    )


@router.get("/suppliers/{supplier_id}", response=SupplierOut, tags=["partners"])
def suppliers_get(request: HttpRequest, supplier_id: int):
    require_perm(_actor(request), "masterdata.view_supplier")
    return _found(sel.supplier_detail(supplier_id))


@router.patch("/suppliers/{supplier_id}", response=SupplierOut, tags=["partners"])
def suppliers_update(request: HttpRequest, supplier_id: int, payload: SupplierPatch):
    ps.supplier_update(
        actor=_actor(request),
        supplier_id=supplier_id,
        data=_data(payload, SUPPLIER_LINES),
        contacts=_rows(payload, "contacts"),
        materials=_supplied(payload),
    )
    return sel.supplier_detail(supplier_id)


# --- payment terms -------------------------------------------------------------------------


@router.get("/payment-terms/", response=list[PaymentTermOut], tags=["partners"])
@paginate(PageNumberPagination)
def payment_terms_list(
    request: HttpRequest, q: str = "", active: bool | None = None, ordering: str = "code"
):
    require_perm(_actor(request), "masterdata.view_paymentterm")
    return _listing(PaymentTerm.objects.all(), q=q, active=active, ordering=ordering)


@router.post(
    "/payment-terms/", response={200: PaymentTermOut, 201: PaymentTermOut}, tags=["partners"]
)
def payment_terms_create(request: HttpRequest, payload: PaymentTermIn):
    return _create(
        request,
        perm="masterdata.add_paymentterm",
        endpoint="payment-terms.create",
        out=PaymentTermOut,
        detail=sel.payment_term_detail,
        build=lambda actor: ps.payment_term_create(actor=actor, data=_data(payload)),
    )


@router.get("/payment-terms/{term_id}", response=PaymentTermOut, tags=["partners"])
def payment_terms_get(request: HttpRequest, term_id: int):
    require_perm(_actor(request), "masterdata.view_paymentterm")
    return _found(sel.payment_term_detail(term_id))


@router.patch("/payment-terms/{term_id}", response=PaymentTermOut, tags=["partners"])
def payment_terms_update(request: HttpRequest, term_id: int, payload: PaymentTermPatch):
    ps.payment_term_update(actor=_actor(request), payment_term_id=term_id, data=_data(payload))
    return sel.payment_term_detail(term_id)


# --- warehouses and locations --------------------------------------------------------------


@router.get("/warehouses/", response=list[WarehouseOut], tags=["partners"])
@paginate(PageNumberPagination)
def warehouses_list(
    request: HttpRequest, q: str = "", active: bool | None = None, ordering: str = "code"
):
    require_perm(_actor(request), "masterdata.view_warehouse")
    qs = Warehouse.objects.select_related("manager").prefetch_related("locations")
    return _listing(qs, q=q, active=active, ordering=ordering)


@router.post("/warehouses/", response={200: WarehouseOut, 201: WarehouseOut}, tags=["partners"])
def warehouses_create(request: HttpRequest, payload: WarehouseIn):
    return _create(
        request,
        perm="masterdata.add_warehouse",
        endpoint="warehouses.create",
        out=WarehouseOut,
        detail=sel.warehouse_detail,
        build=lambda actor: fs.warehouse_create(
            actor=actor,
            data=_data(payload, ("locations",)),
            locations=_rows(payload, "locations"),
        ),
    )


@router.get("/warehouses/{warehouse_id}", response=WarehouseOut, tags=["partners"])
def warehouses_get(request: HttpRequest, warehouse_id: int):
    require_perm(_actor(request), "masterdata.view_warehouse")
    return _found(sel.warehouse_detail(warehouse_id))


@router.patch("/warehouses/{warehouse_id}", response=WarehouseOut, tags=["partners"])
def warehouses_update(request: HttpRequest, warehouse_id: int, payload: WarehousePatch):
    fs.warehouse_update(
        actor=_actor(request),
        warehouse_id=warehouse_id,
        data=_data(payload, ("locations",)),
        locations=_rows(payload, "locations"),
    )
    return sel.warehouse_detail(warehouse_id)


@router.get("/locations/", response=list[LocationOut], tags=["partners"])
@paginate(PageNumberPagination)
def locations_list(
    request: HttpRequest,
    q: str = "",
    active: bool | None = None,
    warehouse_code: str = "",
    type: str = "",
    ordering: str = "code",
):
    require_perm(_actor(request), "masterdata.view_location")
    qs = Location.objects.select_related("warehouse")
    if warehouse_code:
        qs = qs.filter(warehouse__code=warehouse_code)
    if type:
        qs = qs.filter(type=type)
    return _listing(qs, q=q, active=active, ordering=ordering)


@router.post("/locations/", response={200: LocationOut, 201: LocationOut}, tags=["partners"])
def locations_create(request: HttpRequest, payload: LocationIn):
    def build(actor):
        data = _data(payload)
        code = data.pop("warehouse_code")
        data["warehouse"] = _resolve(Warehouse, "warehouse_code", _("warehouse"), code)
        return fs.location_create(actor=actor, data=data)

    return _create(
        request,
        perm="masterdata.add_location",
        endpoint="locations.create",
        out=LocationOut,
        detail=sel.location_detail,
        build=build,
    )


@router.get("/locations/{location_id}", response=LocationOut, tags=["partners"])
def locations_get(request: HttpRequest, location_id: int):
    require_perm(_actor(request), "masterdata.view_location")
    return _found(sel.location_detail(location_id))


@router.patch("/locations/{location_id}", response=LocationOut, tags=["partners"])
def locations_update(request: HttpRequest, location_id: int, payload: LocationPatch):
    fs.location_update(actor=_actor(request), location_id=location_id, data=_data(payload))
    return sel.location_detail(location_id)


# --- work centres and production lines -----------------------------------------------------


@router.get("/work-centers/", response=list[WorkCenterOut], tags=["partners"])
@paginate(PageNumberPagination)
def work_centers_list(
    request: HttpRequest, q: str = "", active: bool | None = None, ordering: str = "code"
):
    require_perm(_actor(request), "masterdata.view_workcenter")
    return _listing(WorkCenter.objects.all(), q=q, active=active, ordering=ordering)


@router.post("/work-centers/", response={200: WorkCenterOut, 201: WorkCenterOut}, tags=["partners"])
def work_centers_create(request: HttpRequest, payload: WorkCenterIn):
    return _create(
        request,
        perm="masterdata.add_workcenter",
        endpoint="work-centers.create",
        out=WorkCenterOut,
        detail=sel.work_center_detail,
        build=lambda actor: fs.work_center_create(actor=actor, data=_data(payload)),
    )


@router.get("/work-centers/{work_center_id}", response=WorkCenterOut, tags=["partners"])
def work_centers_get(request: HttpRequest, work_center_id: int):
    require_perm(_actor(request), "masterdata.view_workcenter")
    return _found(sel.work_center_detail(work_center_id))


@router.patch("/work-centers/{work_center_id}", response=WorkCenterOut, tags=["partners"])
def work_centers_update(request: HttpRequest, work_center_id: int, payload: WorkCenterPatch):
    fs.work_center_update(actor=_actor(request), work_center_id=work_center_id, data=_data(payload))
    return sel.work_center_detail(work_center_id)


@router.get("/production-lines/", response=list[ProductionLineOut], tags=["partners"])
@paginate(PageNumberPagination)
def production_lines_list(
    request: HttpRequest, q: str = "", active: bool | None = None, ordering: str = "code"
):
    require_perm(_actor(request), "masterdata.view_productionline")
    qs = ProductionLine.objects.prefetch_related("steps__work_center")
    return _listing(qs, q=q, active=active, ordering=ordering)


@router.post(
    "/production-lines/",
    response={200: ProductionLineOut, 201: ProductionLineOut},
    tags=["partners"],
)
def production_lines_create(request: HttpRequest, payload: ProductionLineIn):
    return _create(
        request,
        perm="masterdata.add_productionline",
        endpoint="production-lines.create",
        out=ProductionLineOut,
        detail=sel.production_line_detail,
        build=lambda actor: fs.production_line_create(
            actor=actor, data=_data(payload, ("steps",)), steps=_steps(payload)
        ),
    )


@router.get("/production-lines/{line_id}", response=ProductionLineOut, tags=["partners"])
def production_lines_get(request: HttpRequest, line_id: int):
    require_perm(_actor(request), "masterdata.view_productionline")
    return _found(sel.production_line_detail(line_id))


@router.patch("/production-lines/{line_id}", response=ProductionLineOut, tags=["partners"])
def production_lines_update(request: HttpRequest, line_id: int, payload: ProductionLinePatch):
    fs.production_line_update(
        actor=_actor(request),
        production_line_id=line_id,
        data=_data(payload, ("steps",)),
        steps=_steps(payload),
    )
    return sel.production_line_detail(line_id)

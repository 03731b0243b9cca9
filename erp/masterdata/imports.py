"""Import templates of master data (read by the golive import engine).

Each spec names its columns (Chinese headers in files, English msgids here), the permission
it needs and the service that writes one record. Blank optional cells keep the current value
(text cells clear it); references are given by code. Header+lines files (customers and
suppliers with contacts, warehouses with locations) repeat the code on every line row; a
record whose rows carry no lines keeps its current lines, one with lines gets exactly them.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.golive.importing.spec import (
    BOOL,
    CHOICE,
    DECIMAL,
    INT,
    REFERENCE,
    Column,
    ImportSpec,
)
from erp.masterdata.models import (
    Customer,
    Location,
    Material,
    MaterialCategory,
    PaymentTerm,
    Supplier,
    Unit,
    UnitConversion,
    Warehouse,
    WorkCenter,
)
from erp.masterdata.services import (
    categories,
    facilities,
    materials,
    partners,
    units,
)
from erp.masterdata.vat import VatRate

ZERO = Decimal(0)

# Dropdown labels, spelled out here (same msgids as the models' choices) so this module's
# catalogue always has their Chinese: templates must offer Chinese values whatever else changes.
UNIT_KINDS = (
    ("mass", _("Mass")),
    ("volume", _("Volume")),
    ("count", _("Count")),
    ("length", _("Length")),
    ("area", _("Area")),
    ("time", _("Time")),
    ("other", _("Other")),
)
INVENTORY_TYPES = (
    ("raw", _("Raw material")),
    ("semi", _("Semi-finished")),
    ("finished", _("Finished product")),
    ("packaging", _("Packaging")),
    ("consumable", _("Low-value consumable")),
)
PROCUREMENTS = (("make", _("Make")), ("buy", _("Buy")), ("outsource", _("Outsource")))
APPROVALS = (
    ("pending", _("Under evaluation")),
    ("approved", pgettext_lazy("supplier status", "Approved")),
    ("suspended", _("Suspended")),
    ("disqualified", _("Disqualified")),
)
LOCATION_TYPES = (
    ("storage", _("Storage")),
    ("receiving", _("Receiving")),
    ("quarantine", _("Quarantine")),
    ("shipping", _("Shipping")),
    ("production", _("Production")),
    ("scrap", _("Scrap")),
)


def _by_code(model):
    return lambda data: model._default_manager.filter(code=data.get("code")).first()


def _by_codes(model):
    """Many records by code in one query (the engine's bulk form of `_by_code`)."""
    return lambda keys: {
        (obj.code,): obj for obj in model._default_manager.filter(code__in=[k[0] for k in keys])
    }


def _plain(service):
    """Adapt an upsert service without lines to the engine's call."""

    def upsert(*, actor, data, lines):
        return service(actor=actor, data=data)

    return upsert


def _with_lines(service, name):
    """Lines given replace the record's set; no lines in the file keep the current ones."""

    def upsert(*, actor, data, lines):
        return service(actor=actor, data=data, **{name: lines or None})

    return upsert


def _active() -> Column:
    return Column(_("Active"), "active", BOOL, help=_("否 deactivates the record."), width=8)


def _code(header) -> Column:
    return Column(header, "code", required=True, help=_("Unique code; the match key."))


UNITS = ImportSpec(
    key="masterdata.unit",
    title=_("Units"),
    sheet="计量单位",
    order=10,
    columns=[
        _code(_("Unit code")),
        Column(_("Unit name"), "name", required=True),
        Column(_("Unit kind"), "kind", CHOICE, choices=UNIT_KINDS),
        Column(_("Decimal places"), "decimal_places", INT, minimum=0, width=10),
        _active(),
    ],
    permissions=("masterdata.add_unit", "masterdata.change_unit"),
    upsert=_plain(units.unit_upsert),
    existing=_by_code(Unit),
    existing_in=_by_codes(Unit),
    queryset=lambda: Unit.objects.order_by("code"),
    example=("kg", "千克", "mass", 3, "是"),
)

CATEGORIES = ImportSpec(
    key="masterdata.category",
    title=_("Material categories"),
    sheet="物料分类",
    order=20,
    columns=[
        _code(_("Category code")),
        Column(_("Category name"), "name", required=True, width=20),
        Column(
            _("Parent category code"),
            "parent",
            REFERENCE,
            model=MaterialCategory,
            help=_("Empty for a top-level category; a parent may be listed in an earlier row."),
        ),
        _active(),
    ],
    permissions=("masterdata.add_materialcategory", "masterdata.change_materialcategory"),
    upsert=_plain(categories.category_upsert),
    existing=_by_code(MaterialCategory),
    existing_in=_by_codes(MaterialCategory),
    queryset=lambda: MaterialCategory.objects.select_related("parent").order_by("code"),
    example=("RM-RES", "树脂", "RM", "是"),
)

MATERIALS = ImportSpec(
    key="masterdata.material",
    title=_("Materials"),
    sheet="物料",
    order=30,
    columns=[
        _code(_("Material code")),
        Column(_("Material name"), "name", required=True, width=24),
        Column(_("Specification"), "specification", width=20),
        Column(_("Category code"), "category", REFERENCE, required=True, model=MaterialCategory),
        Column(
            _("Inventory type"),
            "inventory_type",
            CHOICE,
            required=True,
            choices=INVENTORY_TYPES,
        ),
        Column(
            _("Procurement"),
            "procurement",
            CHOICE,
            required=True,
            choices=PROCUREMENTS,
        ),
        Column(_("Base unit"), "base_unit", REFERENCE, required=True, model=Unit),
        Column(_("Purchase unit"), "purchase_unit", REFERENCE, model=Unit),
        Column(_("Sales unit"), "sales_unit", REFERENCE, model=Unit),
        Column(_("Batch managed"), "batch_managed", BOOL),
        Column(_("Shelf life (days)"), "shelf_life_days", INT, nullable=True, minimum=0),
        Column(_("QC required on receipt"), "qc_required", BOOL),
        Column(_("Reorder point"), "reorder_point", DECIMAL, places=4, minimum=ZERO),
        Column(_("Safety stock"), "safety_stock", DECIMAL, places=4, minimum=ZERO),
        Column(_("Minimum order quantity"), "min_order_qty", DECIMAL, places=4, minimum=ZERO),
        Column(_("Order multiple"), "order_multiple", DECIMAL, places=4, minimum=ZERO),
        Column(_("Lead time (days)"), "lead_time_days", INT, minimum=0),
        Column(_("Default warehouse"), "default_warehouse", REFERENCE, model=Warehouse),
        Column(_("Standard cost"), "standard_cost", DECIMAL, places=6, minimum=ZERO),
        Column(_("Density (g/cm³)"), "density", DECIMAL, places=4, nullable=True),
        Column(_("Hazard class"), "hazard_class"),
        Column(_("Storage conditions"), "storage_conditions", width=20),
        Column(_("VAT rate"), "vat_rate", CHOICE, choices=tuple(VatRate.choices)),
        _active(),
    ],
    permissions=("masterdata.add_material", "masterdata.change_material"),
    upsert=_plain(materials.material_upsert),
    apply_batch=materials.material_upsert_batch,
    check_batch=materials.material_check_batch,
    existing=_by_code(Material),
    existing_in=_by_codes(Material),
    queryset=lambda: Material.objects.select_related(
        "category", "base_unit", "purchase_unit", "sales_unit", "default_warehouse"
    ).order_by("code"),
    example=(
        "RM-0001",
        "环氧树脂 E-51",
        "25kg/桶",
        "RM-RES",
        "raw",
        "buy",
        "kg",
        "t",
        "",
        "是",
        365,
        "是",
        100,
        50,
        200,
        25,
        7,
        "WH-RM",
        23.5,
        1.17,
        "",
        "阴凉干燥",
        "13",
        "是",
    ),
)

CONVERSIONS = ImportSpec(
    key="masterdata.unit_conversion",
    title=_("Unit conversions"),
    sheet="单位换算",
    order=40,
    columns=[
        Column(
            _("Material code"),
            "material",
            REFERENCE,
            model=Material,
            help=_("Empty: a global conversion for every material (1 t = 1000 kg)."),
        ),
        Column(_("From unit"), "from_unit", REFERENCE, required=True, model=Unit),
        Column(_("To unit"), "to_unit", REFERENCE, required=True, model=Unit),
        Column(
            _("Factor"),
            "factor",
            DECIMAL,
            required=True,
            places=10,
            help=_("1 from unit = factor × to unit."),
        ),
    ],
    key_fields=("material", "from_unit", "to_unit"),
    permissions=("masterdata.add_unitconversion", "masterdata.change_unitconversion"),
    upsert=_plain(units.unit_conversion_upsert),
    existing=lambda data: UnitConversion.objects.filter(
        material=data.get("material"), from_unit=data["from_unit"], to_unit=data["to_unit"]
    ).first(),
    queryset=lambda: UnitConversion.objects.select_related(
        "material", "from_unit", "to_unit"
    ).order_by("material__code", "from_unit__code", "to_unit__code"),
    example=("RM-1001", "桶", "kg", 200),
)

PAYMENT_TERMS = ImportSpec(
    key="masterdata.payment_term",
    title=_("Payment terms"),
    sheet="付款条件",
    order=50,
    columns=[
        _code(_("Payment term code")),
        Column(_("Payment term name"), "name", required=True, width=20),
        Column(_("Days until due"), "days", INT, minimum=0),
        _active(),
    ],
    permissions=("masterdata.add_paymentterm", "masterdata.change_paymentterm"),
    upsert=_plain(partners.payment_term_upsert),
    existing=_by_code(PaymentTerm),
    existing_in=_by_codes(PaymentTerm),
    queryset=lambda: PaymentTerm.objects.order_by("code"),
    example=("N30", "月结30天", 30, "是"),
)


def _partner_columns(code_header, name_header) -> list[Column]:
    return [
        _code(code_header),
        Column(name_header, "name", required=True, width=28),
        Column(_("Unified social credit code"), "uscc", width=20),
        Column(_("Invoice title"), "invoice_title", width=24),
        Column(_("Invoice address"), "invoice_address", width=28),
        Column(_("Invoice phone"), "invoice_phone"),
        Column(_("Bank"), "bank_name", width=20),
        Column(_("Bank account"), "bank_account", width=22),
        Column(_("Payment term code"), "payment_term", REFERENCE, model=PaymentTerm),
    ]


def _contact_columns() -> list[Column]:
    return [
        Column(_("Contact name"), "name", line=True, required=True),
        Column(_("Contact position"), "position", line=True),
        Column(_("Contact phone"), "phone", line=True),
        Column(_("Contact e-mail"), "email", line=True, width=22),
        Column(_("Primary contact"), "is_primary", BOOL, line=True),
    ]


def _uscc_key(value) -> str:
    return str(value or "").replace(" ", "").upper()


def _unique_uscc(model):
    """check_file of customers / suppliers: a unified social credit code names one company, so
    it may appear once in the file, not on another record of the same kind, and not be our
    own company's (typing our USCC into a customer is the common slip)."""

    def check(groups) -> list[tuple]:
        from erp.core.selectors import company_get

        wanted = {}
        for group in groups:
            uscc = _uscc_key(group.data.get("uscc"))
            if uscc:
                wanted.setdefault(uscc, []).append(group)
        if not wanted:
            return []
        company = company_get()
        own = _uscc_key(company.uscc) if company is not None else ""
        taken: dict[str, str] = {}
        for chunk in _chunked(sorted(wanted)):
            for code, uscc in model._default_manager.filter(uscc__in=chunk).values_list(
                "code", "uscc"
            ):
                taken.setdefault(_uscc_key(uscc), code)
        errors = []
        for uscc, found in wanted.items():
            for index, group in enumerate(found):
                message = _uscc_problem(uscc, group, found[0] if index else None, own, taken)
                if message:
                    errors.append((group.first_row, "uscc", uscc, message))
        return errors

    return check


def _uscc_problem(uscc, group, earlier, own, taken) -> str:
    if uscc == own:
        return str(
            _(
                "This is our own company's unified social credit code. Enter the partner's "
                "code from its business licence."
            )
        )
    other = taken.get(uscc)
    if other is not None and other != group.data.get("code"):
        return str(
            _(
                "%(code)s already has this unified social credit code. Correct the code or "
                "update %(code)s instead."
            )
            % {"code": other}
        )
    if earlier is not None:
        return str(
            _("The same unified social credit code is already in row %(row)s. Keep it once.")
            % {"row": earlier.first_row}
        )
    return ""


def _chunked(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _partner_spec(model, upsert, *, headers, own: Column, **spec) -> ImportSpec:
    """Customers and suppliers: partner columns, their own column, active, contacts as lines."""
    name = model._meta.model_name
    return ImportSpec(
        key=f"masterdata.{name}",
        columns=[*_partner_columns(*headers), own, _active(), *_contact_columns()],
        permissions=(f"masterdata.add_{name}", f"masterdata.change_{name}"),
        upsert=_with_lines(upsert, "contacts"),
        existing=_by_code(model),
        existing_in=_by_codes(model),
        check_file=_unique_uscc(model),
        line_objects=lambda partner: partner.contacts.order_by("-is_primary", "id"),
        queryset=lambda: (
            model.objects.select_related("payment_term")
            .prefetch_related("contacts")
            .order_by("code")
        ),
        **spec,
    )


CUSTOMERS = _partner_spec(
    Customer,
    partners.customer_upsert,
    headers=(_("Customer code"), _("Customer name")),
    own=Column(_("Credit limit"), "credit_limit", DECIMAL, places=2, minimum=ZERO),
    title=_("Customers"),
    sheet="客户",
    order=60,
    example=(
        "C0001",
        "华东涂料有限公司",
        "91310115MA1FL0AB1T",
        "华东涂料有限公司",
        "上海市浦东新区…",
        "021-5555 0000",
        "工商银行上海分行",
        "1001 0000 0000 0000",
        "N30",
        500000,
        "是",
        "王经理",
        "采购经理",
        "138 0000 0000",
        "wang@example.com",
        "是",
    ),
)

SUPPLIERS = _partner_spec(
    Supplier,
    partners.supplier_upsert,
    headers=(_("Supplier code"), _("Supplier name")),
    own=Column(_("Approved-supplier status"), "approval_status", CHOICE, choices=APPROVALS),
    title=_("Suppliers"),
    sheet="供应商",
    order=70,
    example=(
        "S0001",
        "江苏化工原料有限公司",
        "",
        "江苏化工原料有限公司",
        "",
        "",
        "",
        "",
        "N30",
        "approved",
        "是",
        "李经理",
        "销售",
        "139 0000 0000",
        "",
        "是",
    ),
)

WAREHOUSES = ImportSpec(
    key="masterdata.warehouse",
    title=_("Warehouses and locations"),
    sheet="仓库库位",
    order=80,
    columns=[
        _code(_("Warehouse code")),
        Column(_("Warehouse name"), "name", required=True, width=20),
        Column(_("Warehouse address"), "address", width=28),
        _active(),
        Column(_("Location code"), "code", line=True, required=True),
        Column(_("Location name"), "name", line=True, required=True),
        Column(_("Location type"), "type", CHOICE, line=True, choices=LOCATION_TYPES),
        Column(_("Capacity"), "capacity", DECIMAL, line=True, places=4, nullable=True),
        Column(_("Location active"), "active", BOOL, line=True),
    ],
    line_key_fields=("code",),
    permissions=(
        "masterdata.add_warehouse",
        "masterdata.change_warehouse",
        "masterdata.add_location",
        "masterdata.change_location",
    ),
    upsert=_with_lines(facilities.warehouse_upsert, "locations"),
    existing=_by_code(Warehouse),
    existing_in=_by_codes(Warehouse),
    line_objects=lambda warehouse: warehouse.locations.order_by("code"),
    queryset=lambda: Warehouse.objects.prefetch_related("locations").order_by("code"),
    example=("WH01", "原料仓", "厂区1号楼", "是", "A-01", "A区01架", "storage", 1000, "是"),
)

WORK_CENTERS = ImportSpec(
    key="masterdata.work_center",
    title=_("Work centres"),
    sheet="工作中心",
    order=90,
    columns=[
        _code(_("Work centre code")),
        Column(_("Work centre name"), "name", required=True, width=20),
        Column(
            _("Capacity (hours per day)"), "capacity_hours_per_day", DECIMAL, places=2, width=12
        ),
        Column(_("Labour rate per hour"), "labour_rate", DECIMAL, places=2, minimum=ZERO),
        Column(_("Overhead rate per hour"), "overhead_rate", DECIMAL, places=2, minimum=ZERO),
        _active(),
    ],
    permissions=("masterdata.add_workcenter", "masterdata.change_workcenter"),
    upsert=_plain(facilities.work_center_upsert),
    existing=_by_code(WorkCenter),
    existing_in=_by_codes(WorkCenter),
    queryset=lambda: WorkCenter.objects.order_by("code"),
    example=("WC-MIX", "分散釜", 16, 45, 30, "是"),
)

SPECS = [
    UNITS,
    CATEGORIES,
    MATERIALS,
    CONVERSIONS,
    PAYMENT_TERMS,
    CUSTOMERS,
    SUPPLIERS,
    WAREHOUSES,
    WORK_CENTERS,
]


def _check_choices() -> None:
    """The labels above must list exactly the models' choices (a test calls this)."""
    for declared, enum in (
        (UNIT_KINDS, Unit.Kind),
        (INVENTORY_TYPES, Material.InventoryType),
        (PROCUREMENTS, Material.Procurement),
        (APPROVALS, Supplier.Approval),
        (LOCATION_TYPES, Location.Type),
    ):
        assert [v for v, _label in declared] == list(enum.values), enum

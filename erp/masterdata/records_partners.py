"""Record page configurations (erp.core.record_views) of customers, suppliers, payment terms,
warehouses, locations, work centres and production lines."""

from django.utils.translation import gettext_lazy as _

from erp.core.record_views import Field, LinesConfig, RecordConfig, Section
from erp.masterdata import selectors_partners as sel
from erp.masterdata.forms import facilities as ff
from erp.masterdata.forms import partners as pf
from erp.masterdata.models import (
    Customer,
    Location,
    PaymentTerm,
    ProductionLine,
    Supplier,
    Warehouse,
    WorkCenter,
)
from erp.masterdata.services import facilities as fs
from erp.masterdata.services import partners as ps

SALES, PURCHASING, WAREHOUSE = _("Sales"), _("Purchasing"), _("Warehouse")
PRODUCTION, SETTINGS = _("Production"), _("Settings")
INVOICE = Section(
    _("VAT invoice data"),
    ("invoice_title", "invoice_address", "invoice_phone", "bank_name", "bank_account"),
)


def _urls(name: str) -> dict:
    return {
        "list_url_name": f"masterdata:{name}_list",
        "detail_url_name": f"masterdata:{name}_detail",
        "create_url_name": f"masterdata:{name}_create",
        "edit_url_name": f"masterdata:{name}_edit",
        "active_url_name": f"masterdata:{name}_active",
    }


def _perms(model: str) -> dict:
    return {
        "view_permission": f"masterdata.view_{model}",
        "add_permission": f"masterdata.add_{model}",
        "change_permission": f"masterdata.change_{model}",
    }


def _writes(create, update, id_name: str) -> dict:
    """create/update/set_active of a record page, through the record's two services (line
    sets go to the service as keywords; records without lines get none)."""
    return {
        "create": lambda actor, data, lines: create(actor=actor, data=data, **lines),
        "update": lambda actor, obj, data, lines: update(
            actor=actor, **{id_name: obj.pk}, data=data, **lines
        ),
        "set_active": lambda actor, obj, active: update(
            actor=actor, **{id_name: obj.pk}, data={"active": active}
        ),
    }


def _rows(objs, fields: tuple[str, ...]) -> list[dict]:
    return [{"id": o.pk, **{f: getattr(o, f) for f in fields}} for o in objs]


def _material_label(material) -> str:
    return " ".join(x for x in (material.code, material.name, material.specification) if x)


CONTACT_COLUMNS = (
    Field("name"),
    Field("position"),
    Field("phone"),
    Field("email"),
    Field("is_primary", kind="bool"),
)


def _contacts(partner: str) -> LinesConfig:
    return LinesConfig(
        title=_("Contacts"),
        formset_class=pf.ContactFormSet,
        initial=lambda p: _rows(p.contacts.all(), ps.CONTACT_FIELDS),
        row_url_name=f"masterdata:{partner}_contact_row",
        columns=CONTACT_COLUMNS,
        prefix="contacts",
        empty_text=_("No contacts yet."),
    )


CUSTOMER = RecordConfig(
    model=Customer,
    title=_("Customers"),
    section=SALES,
    **_perms("customer"),
    form_class=pf.CustomerForm,
    get_object=sel.customer_detail,
    **_writes(ps.customer_create, ps.customer_update, "customer_id"),
    sections=[
        Section(
            _("Customer"),
            (
                "code",
                "name",
                "uscc",
                "payment_term",
                Field("credit_limit", kind="amount"),
                "salesperson",
                "active",
            ),
        ),
        INVOICE,
    ],
    **_urls("customer"),
    lines=(
        _contacts("customer"),
        LinesConfig(
            title=_("Delivery addresses"),
            formset_class=pf.AddressFormSet,
            initial=lambda c: _rows(c.addresses.all(), ps.ADDRESS_FIELDS),
            row_url_name="masterdata:customer_address_row",
            columns=(
                Field("label"),
                Field("address"),
                Field("contact_name"),
                Field("phone"),
                Field("is_default", kind="bool"),
            ),
            prefix="addresses",
            empty_text=_("No delivery addresses yet."),
        ),
    ),
)

SUPPLIER = RecordConfig(
    model=Supplier,
    title=_("Suppliers"),
    section=PURCHASING,
    **_perms("supplier"),
    form_class=pf.SupplierForm,
    get_object=sel.supplier_detail,
    **_writes(ps.supplier_create, ps.supplier_update, "supplier_id"),
    sections=[
        Section(
            _("Supplier"),
            (
                "code",
                "name",
                "uscc",
                "payment_term",
                "approval_status",
                "active",
            ),
        ),
        INVOICE,
    ],
    **_urls("supplier"),
    lines=(
        _contacts("supplier"),
        LinesConfig(
            title=_("Supplied materials"),
            formset_class=pf.SuppliedMaterialFormSet,
            initial=lambda s: _rows(s.materials.all(), ps.SUPPLIED_FIELDS),
            row_url_name="masterdata:supplier_material_row",
            columns=(
                Field("material", value=lambda r: _material_label(r.material)),
                Field("supplier_code"),
                Field("lead_time_days", kind="num"),
                Field("is_preferred", kind="bool"),
            ),
            prefix="materials",
            empty_text=_("No supplied materials yet."),
        ),
    ),
)

PAYMENT_TERM = RecordConfig(
    model=PaymentTerm,
    title=_("Payment terms"),
    section=SETTINGS,
    **_perms("paymentterm"),
    form_class=pf.PaymentTermForm,
    get_object=sel.payment_term_detail,
    **_writes(ps.payment_term_create, ps.payment_term_update, "payment_term_id"),
    sections=[Section(_("Payment term"), ("code", "name", "days", "active"))],
    **_urls("payment_term"),
)

WAREHOUSE_RECORD = RecordConfig(
    model=Warehouse,
    title=_("Warehouses"),
    section=WAREHOUSE,
    **_perms("warehouse"),
    form_class=ff.WarehouseForm,
    get_object=sel.warehouse_detail,
    **_writes(fs.warehouse_create, fs.warehouse_update, "warehouse_id"),
    sections=[Section(_("Warehouse"), ("code", "name", "address", "manager", "active"))],
    **_urls("warehouse"),
    lines=(
        LinesConfig(
            title=_("Locations"),
            formset_class=ff.LocationFormSet,
            initial=lambda w: _rows(w.locations.all(), fs.LOCATION_FIELDS),
            row_url_name="masterdata:warehouse_location_row",
            columns=(
                Field("code"),
                Field("name"),
                Field("type", value=lambda r: Location.Type(r.type).label),
                Field("capacity", kind="qty"),
                Field("active", kind="bool"),
            ),
            prefix="locations",
            empty_text=_("No locations yet: add at least one storage location."),
        ),
    ),
)

LOCATION = RecordConfig(
    model=Location,
    title=_("Locations"),
    section=WAREHOUSE,
    **_perms("location"),
    form_class=ff.LocationForm,
    get_object=sel.location_detail,
    **_writes(fs.location_create, fs.location_update, "location_id"),
    sections=[
        Section(
            _("Location"),
            ("warehouse", "code", "name", "type", Field("capacity", kind="qty"), "active"),
        )
    ],
    **_urls("location"),
)

WORK_CENTER = RecordConfig(
    model=WorkCenter,
    title=_("Work centres"),
    section=PRODUCTION,
    **_perms("workcenter"),
    form_class=ff.WorkCenterForm,
    get_object=sel.work_center_detail,
    **_writes(fs.work_center_create, fs.work_center_update, "work_center_id"),
    sections=[
        Section(
            _("Work centre"),
            (
                "code",
                "name",
                Field("capacity_hours_per_day", kind="qty"),
                Field("labour_rate", kind="amount"),
                Field("overhead_rate", kind="amount"),
                "active",
            ),
        )
    ],
    **_urls("work_center"),
)

PRODUCTION_LINE = RecordConfig(
    model=ProductionLine,
    title=_("Production lines"),
    section=PRODUCTION,
    **_perms("productionline"),
    form_class=ff.ProductionLineForm,
    get_object=sel.production_line_detail,
    **_writes(fs.production_line_create, fs.production_line_update, "production_line_id"),
    sections=[Section(_("Production line"), ("code", "name", "active"))],
    **_urls("production_line"),
    lines=(
        LinesConfig(
            title=_("Steps"),
            formset_class=ff.StepFormSet,
            initial=lambda line: [
                {"sequence": s.sequence, "work_center": s.work_center} for s in line.steps.all()
            ],
            row_url_name="masterdata:production_line_step_row",
            columns=(
                Field("sequence", kind="num"),
                Field("work_center", value=lambda r: str(r.work_center)),
            ),
            prefix="steps",
            empty_text=_("No steps yet."),
        ),
    ),
)

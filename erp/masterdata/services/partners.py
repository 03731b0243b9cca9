"""Customers, suppliers and payment terms: every write, with its rules.

`data` dicts use model field names, foreign keys as model instances. Line sets (`contacts`,
`addresses`, `materials`) replace the record's lines as a set when given and are left alone
when None (see erp.masterdata.services.records). Upserts key on `code` and return
(record, "created" | "updated" | "unchanged"); "unchanged" writes nothing.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from erp.core.errors import ValidationFailed
from erp.core.validators import validate_uscc
from erp.masterdata.models import (
    Customer,
    CustomerAddress,
    CustomerContact,
    PaymentTerm,
    Supplier,
    SupplierContact,
    SupplierMaterial,
)
from erp.masterdata.services.records import (
    LineSet,
    RecordKind,
    record_create,
    record_remove,
    record_update,
    record_upsert,
)

CONTACT_FIELDS = ("name", "position", "phone", "email", "is_primary")
ADDRESS_FIELDS = ("label", "address", "contact_name", "phone", "is_default")
SUPPLIED_FIELDS = ("material", "supplier_code", "lead_time_days", "is_preferred")
PARTNER_FIELDS = (
    "code",
    "name",
    "active",
    "uscc",
    "invoice_title",
    "invoice_address",
    "invoice_phone",
    "bank_name",
    "bank_account",
    "payment_term",
)
CUSTOMER_FIELDS = (*PARTNER_FIELDS, "credit_limit", "salesperson")
SUPPLIER_FIELDS = (*PARTNER_FIELDS, "approval_status")
CREDIT_LIMIT_PERM = "masterdata.set_credit_limit_customer"


def _one_flagged(flag: str, message):
    def check(parent, lines, existing) -> None:
        if sum(1 for line in lines if getattr(line, flag)) > 1:
            raise ValidationFailed(message, code=f"several_{flag}", fields={flag: [str(message)]})

    return check


def _active_materials(parent, lines, existing) -> None:
    before = {line.material_id for line in existing}
    for line in lines:
        if line.material_id not in before and not line.material.active:
            raise ValidationFailed(
                _(
                    "Material %(material)s is inactive and cannot be added to a supplier. "
                    "Reactivate the material first."
                )
                % {"material": line.material},
                code="inactive_material",
                fields={"materials": [str(line.material)]},
            )


_PRIMARY_CONTACT = _one_flagged(
    "is_primary", _("Only one contact can be the primary contact. Untick the others.")
)
_DEFAULT_ADDRESS = _one_flagged(
    "is_default", _("Only one delivery address can be the default. Untick the others.")
)


def _normalise_partner(data: dict) -> dict:
    if isinstance(data.get("uscc"), str):
        data = {**data, "uscc": data["uscc"].replace(" ", "").upper()}
    return data


def _check_uscc(obj, changed: list[str], created: bool) -> None:
    if obj.uscc and ("uscc" in changed or created):
        try:
            validate_uscc(obj.uscc)
        except ValidationError as exc:
            raise ValidationFailed(
                exc.messages[0], code="invalid_uscc", fields={"uscc": exc.messages}
            ) from None


def _check_active_refs(obj, changed: list[str], created: bool) -> None:
    term = obj.payment_term
    if ("payment_term" in changed or created) and term is not None and not term.active:
        raise ValidationFailed(
            _("Payment term %(term)s is inactive. Choose an active payment term.") % {"term": term},
            code="inactive_payment_term",
            fields={"payment_term": [str(term)]},
        )


def _clean_partner(obj, changed: list[str], created: bool) -> None:
    _check_uscc(obj, changed, created)
    _check_active_refs(obj, changed, created)


def _clean_customer(obj, changed: list[str], created: bool) -> None:
    _clean_partner(obj, changed, created)
    if obj.credit_limit is None or Decimal(obj.credit_limit) < 0:
        message = _(
            "The credit limit cannot be negative. Enter 0 for no credit or a positive amount."
        )
        raise ValidationFailed(
            message, code="negative_credit_limit", fields={"credit_limit": [str(message)]}
        )
    person = obj.salesperson
    if ("salesperson" in changed or created) and person is not None and not person.is_active:
        message = _("The salesperson %(user)s is no longer active. Choose an active user.") % {
            "user": person
        }
        raise ValidationFailed(
            message, code="inactive_salesperson", fields={"salesperson": [str(message)]}
        )


def _contacts(model) -> LineSet:
    parent = "customer" if model is CustomerContact else "supplier"
    return LineSet("contacts", model, parent, CONTACT_FIELDS, check=_PRIMARY_CONTACT)


CUSTOMER = RecordKind(
    model=Customer,
    add_perm="masterdata.add_customer",
    change_perm="masterdata.change_customer",
    delete_perm="masterdata.delete_customer",
    fields=CUSTOMER_FIELDS,
    lines=(
        _contacts(CustomerContact),
        LineSet("addresses", CustomerAddress, "customer", ADDRESS_FIELDS, check=_DEFAULT_ADDRESS),
    ),
    field_perms={"credit_limit": CREDIT_LIMIT_PERM},
    normalise=_normalise_partner,
    clean=_clean_customer,
)

SUPPLIER = RecordKind(
    model=Supplier,
    add_perm="masterdata.add_supplier",
    change_perm="masterdata.change_supplier",
    delete_perm="masterdata.delete_supplier",
    fields=SUPPLIER_FIELDS,
    lines=(
        _contacts(SupplierContact),
        LineSet(
            "materials",
            SupplierMaterial,
            "supplier",
            SUPPLIED_FIELDS,
            key=("material",),
            check=_active_materials,
        ),
    ),
    normalise=_normalise_partner,
    clean=_clean_partner,
)

PAYMENT_TERM = RecordKind(
    model=PaymentTerm,
    add_perm="masterdata.add_paymentterm",
    change_perm="masterdata.change_paymentterm",
    delete_perm="masterdata.delete_paymentterm",
    fields=("code", "name", "active", "days"),
)


Lines = list[dict] | None  # a line set: None leaves the record's lines alone


def _lines(**sets: Lines) -> dict[str, list[dict]]:
    return {name: list(rows) for name, rows in sets.items() if rows is not None}


# The three writes every partner kind shares; the public functions below only name the kind
# and its line sets.


def _create(kind: RecordKind, actor, data: dict, **sets: Lines):
    return record_create(kind, actor=actor, data=data, lines=_lines(**sets))


def _update(kind: RecordKind, actor, pk: int, data: dict, **sets: Lines):
    return record_update(kind, actor=actor, pk=pk, data=data, lines=_lines(**sets))


def _upsert(kind: RecordKind, actor, data: dict, **sets: Lines) -> tuple:
    return record_upsert(kind, actor=actor, key=("code",), data=data, lines=_lines(**sets))


# Customers ---------------------------------------------------------------------------------


def customer_create(
    *, actor, data: dict, contacts: Lines = None, addresses: Lines = None
) -> Customer:
    return _create(CUSTOMER, actor, data, contacts=contacts, addresses=addresses)


def customer_update(
    *, actor, customer_id: int, data: dict, contacts: Lines = None, addresses: Lines = None
) -> Customer:
    return _update(CUSTOMER, actor, customer_id, data, contacts=contacts, addresses=addresses)


def customer_upsert(
    *, actor, data: dict, contacts: Lines = None, addresses: Lines = None
) -> tuple[Customer, str]:
    return _upsert(CUSTOMER, actor, data, contacts=contacts, addresses=addresses)


def customer_remove(*, actor, customer_id: int) -> str:
    """Delete a customer nothing refers to; otherwise deactivate it. Returns what happened."""
    return record_remove(CUSTOMER, actor=actor, pk=customer_id)


# Suppliers ---------------------------------------------------------------------------------


def supplier_create(
    *, actor, data: dict, contacts: Lines = None, materials: Lines = None
) -> Supplier:
    return _create(SUPPLIER, actor, data, contacts=contacts, materials=materials)


def supplier_update(
    *, actor, supplier_id: int, data: dict, contacts: Lines = None, materials: Lines = None
) -> Supplier:
    return _update(SUPPLIER, actor, supplier_id, data, contacts=contacts, materials=materials)


def supplier_upsert(
    *, actor, data: dict, contacts: Lines = None, materials: Lines = None
) -> tuple[Supplier, str]:
    return _upsert(SUPPLIER, actor, data, contacts=contacts, materials=materials)


def supplier_remove(*, actor, supplier_id: int) -> str:
    return record_remove(SUPPLIER, actor=actor, pk=supplier_id)


# Payment terms -----------------------------------------------------------------------------


def payment_term_create(*, actor, data: dict) -> PaymentTerm:
    return _create(PAYMENT_TERM, actor, data)


def payment_term_update(*, actor, payment_term_id: int, data: dict) -> PaymentTerm:
    return _update(PAYMENT_TERM, actor, payment_term_id, data)


def payment_term_upsert(*, actor, data: dict) -> tuple[PaymentTerm, str]:
    return _upsert(PAYMENT_TERM, actor, data)

from decimal import Decimal

import pytest

from erp.core.errors import NotFound, PermissionDenied, ValidationFailed
from erp.core.models import AuditEvent
from erp.masterdata.models import (
    Customer,
    CustomerContact,
    Material,
    MaterialCategory,
    PaymentTerm,
    Supplier,
    SupplierMaterial,
    Unit,
)
from erp.masterdata.services import partners as svc

VALID_USCC = "91350100M000100Y43"


@pytest.fixture
def admin(admin_user):
    return admin_user


@pytest.fixture
def term(db):
    return PaymentTerm.objects.create(code="N30", name="月结30天", days=30)


@pytest.fixture
def material(db):
    unit = Unit.objects.create(code="kg", name="千克", kind="mass")
    category = MaterialCategory.objects.create(code="RM", name="原材料")
    return Material.objects.create(
        code="RM-001",
        name="丙烯酸树脂",
        category=category,
        inventory_type="raw",
        procurement="buy",
        base_unit=unit,
    )


def _customer(admin, **extra):
    data = {"code": "C001", "name": "福州海峡涂装有限公司", "uscc": VALID_USCC, **extra}
    return svc.customer_create(
        actor=admin,
        data=data,
        contacts=[
            {"name": "林经理", "phone": "13800000001", "is_primary": True},
            {"name": "陈工", "position": "采购"},
        ],
        addresses=[{"label": "工厂", "address": "福州市仓山区建新镇1号", "is_default": True}],
    )


def test_create_writes_customer_lines_and_one_audit_row(admin, term):
    customer = _customer(admin, payment_term=term, credit_limit=Decimal("50000"))
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("50000.00")
    assert [c.name for c in customer.contacts.all()] == ["林经理", "陈工"]
    assert customer.addresses.get().is_default
    event = AuditEvent.objects.get(object_type="masterdata.customer", object_id=str(customer.pk))
    assert event.action == "create"
    assert event.changes["code"] == [None, "C001"]
    assert len(event.changes["contacts"][1]) == 2


def test_upsert_unchanged_writes_nothing(admin):
    customer = _customer(admin)
    contacts = [
        {"name": "林经理", "phone": "13800000001", "is_primary": True},
        {"name": "陈工", "position": "采购"},
    ]
    ids = sorted(customer.contacts.values_list("id", flat=True))
    audits = AuditEvent.objects.count()
    obj, result = svc.customer_upsert(
        actor=admin,
        data={"code": "C001", "name": "福州海峡涂装有限公司", "uscc": VALID_USCC.lower()},
        contacts=contacts,
        addresses=[{"label": "工厂", "address": "福州市仓山区建新镇1号", "is_default": True}],
    )
    assert (obj.pk, result) == (customer.pk, "unchanged")
    assert AuditEvent.objects.count() == audits
    assert sorted(customer.contacts.values_list("id", flat=True)) == ids


def test_upsert_updates_and_replaces_contact_set(admin):
    customer = _customer(admin)
    keep = customer.contacts.get(name="林经理")
    obj, result = svc.customer_upsert(
        actor=admin,
        data={"code": "C001", "name": "福州海峡涂装股份有限公司"},
        contacts=[{"name": "林经理", "phone": "13800000001", "is_primary": True}],
    )
    assert result == "updated"
    assert list(obj.contacts.values_list("id", flat=True)) == [keep.pk]
    assert obj.addresses.count() == 1  # None leaves the addresses alone
    event = AuditEvent.objects.filter(object_id=str(obj.pk), action="update").get()
    assert event.changes["name"] == ["福州海峡涂装有限公司", "福州海峡涂装股份有限公司"]
    assert len(event.changes["contacts"][0]) == 2 and len(event.changes["contacts"][1]) == 1


def test_upsert_creates_new_code(admin):
    _obj, result = svc.customer_upsert(actor=admin, data={"code": "C900", "name": "新客户"})
    assert result == "created" and Customer.objects.filter(code="C900").exists()


def test_update_contact_by_id_keeps_row(admin):
    customer = _customer(admin)
    row = customer.contacts.get(name="陈工")
    svc.customer_update(
        actor=admin,
        customer_id=customer.pk,
        data={},
        contacts=[
            {"id": customer.contacts.get(name="林经理").pk, "name": "林经理", "is_primary": True},
            {"id": row.pk, "name": "陈工", "position": "采购主管"},
        ],
    )
    row.refresh_from_db()
    assert row.position == "采购主管"


@pytest.mark.parametrize(
    "uscc, code",
    [
        ("91350100M000100Y44", "uscc_check"),
        ("91350100M00010", "uscc_length"),
        ("91350100M000100YO3", "uscc_characters"),
    ],
)
def test_invalid_uscc_refused(admin, uscc, code):
    with pytest.raises(ValidationFailed) as err:
        svc.customer_create(actor=admin, data={"code": "C002", "name": "X", "uscc": uscc})
    assert "uscc" in err.value.details["fields"]
    assert not Customer.objects.filter(code="C002").exists()


def test_valid_uscc_normalised_and_empty_allowed(admin):
    a = svc.customer_create(
        actor=admin, data={"code": "C3", "name": "A", "uscc": " 91350100m000100y43 "}
    )
    b = svc.customer_create(actor=admin, data={"code": "C4", "name": "B", "uscc": ""})
    assert a.uscc == VALID_USCC and b.uscc == ""


def test_negative_credit_limit_refused(admin):
    with pytest.raises(ValidationFailed) as err:
        svc.customer_create(
            actor=admin, data={"code": "C5", "name": "X", "credit_limit": Decimal("-1")}
        )
    assert err.value.code == "negative_credit_limit"


def test_two_primary_contacts_refused(admin):
    with pytest.raises(ValidationFailed) as err:
        svc.customer_create(
            actor=admin,
            data={"code": "C6", "name": "X"},
            contacts=[{"name": "A", "is_primary": True}, {"name": "B", "is_primary": True}],
        )
    assert err.value.code == "several_is_primary"
    assert not Customer.objects.filter(code="C6").exists()


def test_two_default_addresses_refused(admin):
    with pytest.raises(ValidationFailed):
        svc.customer_create(
            actor=admin,
            data={"code": "C7", "name": "X"},
            addresses=[
                {"address": "一号", "is_default": True},
                {"address": "二号", "is_default": True},
            ],
        )


def test_bad_contact_email_names_the_line(admin):
    with pytest.raises(ValidationFailed) as err:
        svc.customer_create(
            actor=admin,
            data={"code": "C8", "name": "X"},
            contacts=[{"name": "A"}, {"name": "B", "email": "not-an-email"}],
        )
    assert err.value.details["line"] == 2


def test_warehouse_keeper_cannot_create_customer(make_user):
    keeper = make_user("wang", "warehouse")
    with pytest.raises(PermissionDenied):
        svc.customer_create(actor=keeper, data={"code": "C9", "name": "X"})
    assert not Customer.objects.exists()


def test_salesperson_cannot_set_credit_limit(make_user, admin):
    sales = make_user("li", "sales")
    customer = svc.customer_create(actor=sales, data={"code": "C10", "name": "X"})
    with pytest.raises(PermissionDenied):
        svc.customer_update(
            actor=sales, customer_id=customer.pk, data={"credit_limit": Decimal("1000")}
        )
    finance = make_user("zhao", "finance_manager")
    svc.customer_update(
        actor=finance, customer_id=customer.pk, data={"credit_limit": Decimal("1000")}
    )
    customer.refresh_from_db()
    assert customer.credit_limit == Decimal("1000.00")


def test_unknown_field_refused(admin):
    with pytest.raises(ValidationFailed) as err:
        svc.customer_create(actor=admin, data={"code": "C11", "name": "X", "id": 99})
    assert err.value.code == "field_not_allowed"


def test_inactive_payment_term_refused(admin, term):
    term.active = False
    term.save()
    with pytest.raises(ValidationFailed) as err:
        svc.customer_create(actor=admin, data={"code": "C12", "name": "X", "payment_term": term})
    assert err.value.code == "inactive_payment_term"


def test_update_unknown_customer_is_not_found(admin):
    with pytest.raises(NotFound):
        svc.customer_update(actor=admin, customer_id=999, data={"name": "X"})


def test_remove_unreferenced_customer_deletes(admin):
    customer = _customer(admin)
    assert svc.customer_remove(actor=admin, customer_id=customer.pk) == "deleted"
    assert not Customer.objects.exists() and not CustomerContact.objects.exists()
    assert AuditEvent.objects.filter(action="delete", object_id=str(customer.pk)).exists()


def test_supplier_with_supplied_materials(admin, material):
    supplier = svc.supplier_create(
        actor=admin,
        data={"code": "S001", "name": "万华化学（福建）有限公司", "approval_status": "approved"},
        contacts=[{"name": "周工", "is_primary": True}],
        materials=[{"material": material, "supplier_code": "WH-6001", "lead_time_days": 7}],
    )
    link = SupplierMaterial.objects.get(supplier=supplier)
    assert (link.supplier_code, link.lead_time_days) == ("WH-6001", 7)
    _, result = svc.supplier_upsert(
        actor=admin,
        data={"code": "S001", "name": "万华化学（福建）有限公司"},
        materials=[{"material": material, "supplier_code": "WH-6002", "lead_time_days": 7}],
    )
    assert result == "updated"
    assert SupplierMaterial.objects.get(supplier=supplier).pk == link.pk  # keyed by material
    with pytest.raises(ValidationFailed):
        svc.supplier_update(
            actor=admin,
            supplier_id=supplier.pk,
            data={},
            materials=[{"material": material}, {"material": material}],
        )


def test_inactive_material_cannot_be_added(admin, material):
    material.active = False
    material.save()
    with pytest.raises(ValidationFailed) as err:
        svc.supplier_create(
            actor=admin, data={"code": "S2", "name": "X"}, materials=[{"material": material}]
        )
    assert err.value.code == "inactive_material"
    assert not Supplier.objects.exists()


def test_purchaser_may_create_supplier_but_not_customer(make_user):
    buyer = make_user("qian", "purchaser")
    svc.supplier_create(actor=buyer, data={"code": "S3", "name": "X"})
    with pytest.raises(PermissionDenied):
        svc.customer_create(actor=buyer, data={"code": "C13", "name": "X"})


def test_payment_term_upsert(admin):
    term, result = svc.payment_term_upsert(
        actor=admin, data={"code": "N60", "name": "月结60天", "days": 60}
    )
    assert result == "created"
    assert svc.payment_term_upsert(
        actor=admin, data={"code": "N60", "name": "月结60天", "days": 60}
    ) == (term, "unchanged")

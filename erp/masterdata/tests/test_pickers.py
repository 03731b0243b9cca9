"""Pickers: code/name/specification search, inactive records excluded from the choices but
still shown on the records that use them; several line sets saved from one form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.masterdata.demo import load_demo
from erp.masterdata.models import Customer, Material
from erp.masterdata.selectors_pickers import picker_option, picker_search
from erp.masterdata.services.materials import material_set_active

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(admin_user):
    load_demo(actor=admin_user)
    return admin_user


def test_search_by_code_prefix_name_and_specification(demo):
    assert [o.code for o in picker_search("material", "RM-100")][:3] == [
        "RM-1001",
        "RM-1002",
        "RM-1003",
    ]
    assert "RM-1001" in [o.code for o in picker_search("material", "E-51")]
    assert [o.code for o in picker_search("material", "200kg/桶")] == [
        "RM-1001",
        "RM-1002",
        "RM-1006",
        "RM-1011",
    ]
    option = picker_search("material", "钛白粉 R-902")[0]
    assert (option.code, option.specification) == ("RM-2001", "金红石型，25kg/袋")
    assert picker_search("location", "A-01")[0].code == "WH-RM/A-01"


def test_inactive_material_leaves_the_picker_but_stays_on_its_supplier(demo, client):
    resin = Material.objects.get(code="RM-1001")
    material_set_active(actor=demo, material_id=resin.pk, active=False)
    assert "RM-1001" not in [o.code for o in picker_search("material", "RM-1001")]
    assert picker_option("material", resin.pk).code == "RM-1001"  # old records still show it
    client.force_login(demo)
    supplier = resin.supplier_links.get().supplier
    page = client.get(reverse("masterdata:supplier_detail", args=[supplier.pk]))
    assert "RM-1001" in page.content.decode()
    options = client.get(reverse("masterdata:picker", args=["material"]), {"q": "RM-100"})
    body = options.content.decode()
    assert options.status_code == 200 and "RM-1002" in body and "RM-1001" not in body


def test_picker_needs_the_view_permission_and_a_known_kind(client, make_user):
    client.force_login(make_user("nobody"))
    assert client.get(reverse("masterdata:picker", args=["material"])).status_code == 403
    assert client.get(reverse("masterdata:picker", args=["secret"])).status_code == 404


def test_customer_form_saves_contacts_and_addresses_together(demo, client):
    client.force_login(demo)
    customer = Customer.objects.get(code="C001")
    url = reverse("masterdata:customer_edit", args=[customer.pk])
    contacts = customer.contacts.order_by("pk")
    address = customer.addresses.get()
    post = {
        "code": "C001",
        "name": customer.name,
        "uscc": customer.uscc,
        "payment_term": customer.payment_term_id,
        "credit_limit": "300000",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "2",
        "contacts-0-id": contacts[0].pk,
        "contacts-0-name": contacts[0].name,
        "contacts-0-phone": contacts[0].phone,
        "contacts-0-is_primary": "on",
        "contacts-1-id": contacts[1].pk,
        "contacts-1-name": "财务部",
        "contacts-1-DELETE": "on",
        "addresses-TOTAL_FORMS": "2",
        "addresses-INITIAL_FORMS": "1",
        "addresses-0-id": address.pk,
        "addresses-0-label": address.label,
        "addresses-0-address": address.address,
        "addresses-0-is_default": "on",
        "addresses-1-label": "仓库",
        "addresses-1-address": "福州市仓山区建新镇仓储路2号",
        "addresses-1-is_default": "on",
    }
    response = client.post(url, post)
    assert response.status_code == 400  # two default addresses
    assert "Only one delivery address can be the default" in response.content.decode() or (
        "默认" in response.content.decode()
    )
    del post["addresses-1-is_default"]
    response = client.post(url, post)
    assert response.status_code == 302
    assert customer.contacts.count() == 1 and customer.addresses.count() == 2
    assert customer.credit_limit == Decimal("300000")

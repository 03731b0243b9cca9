"""Every document type declared with the document kit (erp/<app>/kit.py) is covered here
without editing this package: the conftest creates drafts through each declaration's create
service, the page and API catalogues find its URLs, and these checks read each one's list,
detail, print, export and REST answers as the administrator."""

import pytest
from django.test import Client
from django.urls import reverse

from erp.core.api import api
from erp.core.doc_kit.declaration import kit_documents

pytestmark = pytest.mark.django_db

import config.urls  # noqa: E402, F401  (mounts the app routers on the API)

KITS = list(kit_documents())
SCHEMA_PATHS = api.get_openapi_schema(path_prefix="/api/v1")["paths"]


@pytest.fixture
def admin_client(demo, demo_user):
    client = Client()
    client.force_login(demo_user("admin"))
    return client


def test_kit_documents_are_found():
    assert {"inventory.otherreceipt", "inventory.stockcount"} <= {k.label for k in KITS}


@pytest.mark.parametrize("kit", KITS, ids=lambda k: k.label)
def test_every_kit_document_has_its_api_operations(kit):
    base = f"/api/v1/{kit.resource}/"
    assert set(SCHEMA_PATHS[base]) >= {"get"}
    for name in kit.transitions:
        assert "post" in SCHEMA_PATHS[f"{base}{{doc_id}}/{name}"], f"{kit.label}: {name}"


@pytest.mark.parametrize("kit", KITS, ids=lambda k: k.label)
def test_every_kit_document_lists_shows_prints_and_answers(admin_client, kit):
    doc = kit.model._default_manager.order_by("pk").first()
    if doc is None:
        pytest.skip(f"{kit.label}: no sample_header, no demo row")
    listing = admin_client.get(reverse(kit.url_name("list")))
    assert listing.status_code == 200 and '<html lang="zh-CN"' in listing.text
    xlsx = admin_client.get(reverse(kit.url_name("list")), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    detail = admin_client.get(reverse(kit.url_name("detail"), args=[doc.pk]))
    assert detail.status_code == 200 and kit.reference(doc) in detail.text
    pdf = admin_client.get(reverse(kit.url_name("print"), args=[doc.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    listed = admin_client.get(f"/api/v1/{kit.resource}/")
    assert listed.status_code == 200 and listed.json()["count"] >= 1
    read = admin_client.get(f"/api/v1/{kit.resource}/{doc.pk}")
    assert read.status_code == 200 and read.json()["id"] == doc.pk
    # A transition is POST only; a GET on its page is refused.
    action = next(iter(kit.transitions))
    url = reverse(kit.url_name("action"), args=[doc.pk, action])
    assert admin_client.get(url).status_code == 405

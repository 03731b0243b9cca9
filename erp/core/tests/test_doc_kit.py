"""The document kit's declaration: checked at start-up, names its URLs, and the collector finds
every erp/<app>/kit.py without a list to edit."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from erp.core.doc_kit.declaration import DocumentKit, kit_documents, kit_get
from erp.core.doc_kit.urls import kit_document_urlpatterns
from tests.docapp.models import SAMPLE_DOC_STATES, SampleDoc, SampleDocLine


def _kit(**changes) -> DocumentKit:
    options = {
        "app": "docapp",
        "model": SampleDoc,
        "line_model": SampleDocLine,
        "machine": SAMPLE_DOC_STATES,
        "slug": "samples",
        "title": "Samples",
        "section": "Test",
        "create": None,
        "update": None,
        "transitions": {"confirm": lambda **kw: None},
    }
    return DocumentKit(**{**options, **changes})


def test_a_transition_the_state_machine_does_not_know_is_refused_at_start_up():
    with pytest.raises(ImproperlyConfigured, match="shipp"):
        _kit(transitions={"shipp": lambda **kw: None})


def test_names_permissions_and_urls_follow_the_model():
    kit = _kit()
    assert kit.label == "docapp.sampledoc" and kit.perm("view") == "docapp.view_sampledoc"
    assert kit.url_name("detail") == "docapp:sampledoc_detail"
    assert kit.list_config.detail_url_name == "docapp:sampledoc_detail"
    names = {p.name for p in kit_document_urlpatterns(kit)}
    # No header form and no page of its own: no new/edit pages, no line row.
    assert names == {"sampledoc_list", "sampledoc_detail", "sampledoc_print", "sampledoc_action"}


def test_own_pages_and_other_url_names_keep_an_existing_address():
    def entry(request, pk=None):
        raise AssertionError

    kit = _kit(own_pages={"create": entry, "edit": entry}, url_names={"list": "samples"})
    patterns = {p.name: p for p in kit_document_urlpatterns(kit)}
    assert patterns["sampledoc_create"].callback is entry and kit.editable
    assert "samples" in patterns and kit.url_name("list") == "docapp:samples"


def test_the_collector_finds_the_declared_documents():
    labels = [k.label for k in kit_documents()]
    assert len(labels) == len(set(labels))
    assert kit_get("inventory.otherreceipt").slug == "other-receipts"
    assert reverse("inventory:otherreceipt_list") == "/inventory/other-receipts/"
    with pytest.raises(LookupError):
        kit_get("docapp.sampledoc")


def test_patch_schema_makes_every_field_optional_and_keeps_its_limits():
    import pydantic
    from ninja import Schema
    from pydantic import Field

    from erp.core.doc_kit.schemas import patch_schema

    class ThingIn(Schema):
        customer_id: int
        reason: str = Field(default="", max_length=5)
        lines: list[int] = []

    patch = patch_schema(ThingIn, exclude=("customer_id",))
    assert patch.__name__ == "ThingPatch"
    assert patch().model_dump() == {"reason": None, "lines": None, "version": None}
    assert patch(reason="ok", version=3).version == 3
    with pytest.raises(pydantic.ValidationError):
        patch(reason="too long")  # max_length kept
    with pytest.raises(pydantic.ValidationError):
        patch(customer_id=1)  # excluded fields are refused, not ignored
    with pytest.raises(TypeError):
        patch_schema(ThingIn, exclude=("nope",))
